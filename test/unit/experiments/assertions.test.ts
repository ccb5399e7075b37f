import * as assert from 'assert';
import { evaluate, type ResolvedAssertion } from '../../../src/core/experiments/assertions';
import { schemaProblem } from '../../../src/core/experiments/jsonSchema';

const check = (a: Partial<ResolvedAssertion> & Pick<ResolvedAssertion, 'type'>, reply: string) =>
  evaluate({ negate: false, ...a }, reply).pass;
/** Every case is checked as written and as its not- form, which must give the opposite verdict. */
const both = (a: Partial<ResolvedAssertion> & Pick<ResolvedAssertion, 'type'>, reply: string, expected: boolean) => {
  assert.strictEqual(check(a, reply), expected, `${a.type} on ${JSON.stringify(reply)}`);
  assert.strictEqual(check({ ...a, negate: true }, reply), !expected, `not-${a.type} on ${JSON.stringify(reply)}`);
};

describe('experiment assertions', () => {
  it('equals: the exact reply, or the trimmed reply for an __expected cell', () => {
    both({ type: 'equals', text: 'positive' }, 'positive', true);
    both({ type: 'equals', text: 'positive' }, ' positive\n', false);
    both({ type: 'equals', text: 'positive', trim: true }, ' positive\n', true);
    both({ type: 'equals', text: 'positive', trim: true }, 'Positive', false);
  });

  it('contains and icontains', () => {
    both({ type: 'contains', text: 'Paris' }, 'It is Paris.', true);
    both({ type: 'contains', text: 'Paris' }, 'it is paris.', false);
    both({ type: 'icontains', text: 'PARIS' }, 'it is paris.', true);
    both({ type: 'icontains', text: 'Rome' }, 'it is paris.', false);
  });

  it('starts-with', () => {
    both({ type: 'starts-with', text: 'Yes' }, 'Yes, indeed', true);
    both({ type: 'starts-with', text: 'Yes' }, ' Yes', false);
  });

  it('regex, and a pattern that cannot compile fails in both forms', () => {
    both({ type: 'regex', text: '^\\d{3}$' }, '123', true);
    both({ type: 'regex', text: '^\\d{3}$' }, '1234', false);
    assert.strictEqual(check({ type: 'regex', text: '([' }, 'x'), false);
    assert.strictEqual(check({ type: 'regex', text: '([', negate: true }, 'x'), false);
    assert.match(evaluate({ type: 'regex', text: '([', negate: true }, 'x').reason, /cannot run/);
  });

  it('is-json, with and without a schema', () => {
    both({ type: 'is-json' }, ' {"a": 1} ', true);
    both({ type: 'is-json' }, 'Here: {"a": 1}', false);
    const schema = { type: 'object', required: ['label'], properties: { label: { enum: ['positive', 'negative'] } } };
    both({ type: 'is-json', schema }, '{"label":"positive"}', true);
    both({ type: 'is-json', schema }, '{"label":"meh"}', false);
    both({ type: 'is-json', schema }, '{"other":1}', false);
    assert.match(evaluate({ type: 'is-json', negate: false, schema }, '{"label":"meh"}').reason, /\$\.label is not one of/);
  });

  it('contains-json finds JSON inside prose, and checks it against the schema', () => {
    both({ type: 'contains-json' }, 'Sure! ```json\n{"a": [1, 2]}\n``` done', true);
    both({ type: 'contains-json' }, 'no json {here', false);
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] };
    both({ type: 'contains-json', schema }, 'first {"x":1} then {"n": 2}', true);
    both({ type: 'contains-json', schema }, 'only {"n": 0}', false);
  });

  it('contains-json reads JSON with brackets inside strings and nested in invalid text', () => {
    both({ type: 'contains-json', schema: { required: ['a'] } }, 'x {"a": "} ]"} y', true);
    both({ type: 'contains-json', schema: { required: ['b'] } }, '{ oops {"b": [1, {"c": 2}]} }', true);
    both({ type: 'contains-json' }, 'unbalanced {"a": [1}', false);
  });

  it('contains-json on a hostile reply (brackets everywhere) answers in well under a second', () => {
    const hostile = ['{a} '.repeat(25_000), '{'.repeat(100_000), '[{'.repeat(50_000), '{"a":'.repeat(20_000), '"{'.repeat(50_000)];
    for (const reply of hostile) {
      const started = Date.now();
      both({ type: 'contains-json' }, reply, false);
      // Tens of milliseconds alone; the margin is for a loaded machine (the old search took hours on these).
      assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms on ${JSON.stringify(reply.slice(0, 12))}…`);
    }
    // JSON after a long run of noise is still found.
    both({ type: 'contains-json', schema: { required: ['ok'] } }, `${'{a} '.repeat(10_000)}{"ok": true}`, true);
  });

  it('llm-rubric is left to the judge', () => {
    assert.throws(() => evaluate({ type: 'llm-rubric', negate: false, text: 'polite' }, 'hi'), /judge/);
  });

  it('the schema subset refuses keywords it does not check instead of ignoring them', () => {
    assert.strictEqual(
      schemaProblem({ type: 'object', properties: { a: { type: 'string', maxLength: 3 } }, additionalProperties: false }),
      undefined,
    );
    assert.match(schemaProblem({ type: 'object', oneOf: [] })!, /`oneOf` is not supported/);
    assert.match(schemaProblem({ type: 'strin' })!, /unknown type "strin"/);
    assert.match(schemaProblem({ properties: { a: { pattern: '([' } } })!, /properties\.a: `pattern` is not a valid regular expression/);
    assert.match(schemaProblem('object')!, /must be an object/);
  });
});

describe('experiment assertions: the counting fast path', () => {
  it('passes() agrees with evaluate() for every type and its not- form', async () => {
    const { passes } = await import('../../../src/core/experiments/assertions');
    const cases: [ResolvedAssertion, string][] = [];
    const replies = ['positive', ' Positive \n', 'no', '{"a":1}', 'x {"a":1}', '123'];
    const shapes: Omit<ResolvedAssertion, 'negate'>[] = [
      { type: 'equals', text: 'positive' },
      { type: 'equals', text: 'Positive', trim: true },
      { type: 'contains', text: 'os' },
      { type: 'icontains', text: 'POS' },
      { type: 'starts-with', text: 'pos' },
      { type: 'regex', text: '^\\d+$' },
      { type: 'is-json' },
      { type: 'contains-json', schema: { required: ['a'] } },
    ];
    for (const shape of shapes) for (const negate of [false, true]) for (const reply of replies) cases.push([{ ...shape, negate }, reply]);
    for (const [a, reply] of cases)
      assert.strictEqual(passes(a, reply), evaluate(a, reply).pass, `${a.negate ? 'not-' : ''}${a.type} ${JSON.stringify(reply)}`);
  });
});
