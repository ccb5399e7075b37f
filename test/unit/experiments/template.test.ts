import * as assert from 'assert';
import { MissingVariableError, parseTemplate, render } from '../../../src/core/experiments/template';

describe('experiment templates', () => {
  it('fills {{name}} and {{ name }} alike', () => {
    assert.strictEqual(render(parseTemplate('Review: {{review}} / {{ review }}'), { review: 'good' }), 'Review: good / good');
  });

  it('inserts values exactly as written: no HTML escaping', () => {
    const value = `Tom & Jerry <b>"loud"</b> 'x'`;
    assert.strictEqual(render(parseTemplate('<{{v}}>'), { v: value }), `<${value}>`);
  });

  it('inserts a value once: template syntax inside a value stays text', () => {
    assert.strictEqual(render(parseTemplate('{{a}}'), { a: '{{b}}', b: 'NO' }), '{{b}}');
  });

  it('reaches nested values with dots, and a flat dotted key wins', () => {
    assert.strictEqual(render(parseTemplate('{{item.text}}|{{item.meta.lang}}'), { item: { text: 'hi', meta: { lang: 'en' } } }), 'hi|en');
    assert.strictEqual(render(parseTemplate('{{item.text}}'), { 'item.text': 'flat', item: { text: 'nested' } }), 'flat');
  });

  it('writes non-string values as JSON', () => {
    assert.strictEqual(render(parseTemplate('{{n}} {{b}} {{o}}'), { n: 3, b: false, o: { a: [1] } }), '3 false {"a":[1]}');
  });

  it('throws MissingVariableError naming the variable a row lacks, with its offsets', () => {
    const template = parseTemplate('Hi {{ who }}!');
    assert.throws(
      () => render(template, {}),
      (e: unknown) => e instanceof MissingVariableError && e.variable.path === 'who' && e.variable.start === 3 && e.variable.end === 12,
    );
    assert.throws(() => render(parseTemplate('{{a.b}}'), { a: 'text' }), MissingVariableError);
  });

  it('leaves text without variables untouched, single braces included', () => {
    const source = 'JSON like {"a": 1} and { {x} }';
    const parsed = parseTemplate(source);
    assert.strictEqual(parsed.variables.length, 0);
    assert.strictEqual(render(parsed, {}), source);
  });

  it('reports braces that hold no variable name, and an unclosed {{', () => {
    assert.deepStrictEqual(
      parseTemplate('a {{ }} b {{x y}} c').malformed.map((m) => [m.start, m.end]),
      [
        [2, 7],
        [10, 17],
      ],
    );
    assert.strictEqual(parseTemplate('{{x').malformed[0]!.end, 3);
    assert.match(parseTemplate('{{ name | upper }}').malformed[0]!.message, /no spaces, logic or filters/);
  });
});
