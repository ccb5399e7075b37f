import * as assert from 'assert';
import { parseExperiment } from '../../../src/core/experiments/parse';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';

const parse = (text: string) => parseExperiment(text, '/x/exp.experiment.yaml', { knownModels: DOCUMENTED_MODEL_IDS });
/** [code, 1-based line, 1-based column, covered text] of each problem. */
const where = (text: string) => {
  const lines = text.split('\n');
  return parse(text).problems.map((p) => {
    const { start, end } = p.range;
    const covered = start.line === end.line ? lines[start.line]!.slice(start.column, end.column) : '…';
    return [p.code, start.line + 1, start.column + 1, covered];
  });
};

const ISSUE_EXAMPLE = `description: Movie review sentiment
prompts:
  - label: terse
    messages:
      - role: system
        content: "Answer with one word: positive, negative or neutral."
      - role: user
        content: "{{review}}"
providers:
  - deepseek-ai/DeepSeek-V3
  - id: klusterai/Meta-Llama-3.3-70B-Instruct-Turbo
    label: llama-70b
    config: {temperature: 0, max_completion_tokens: 10}
tests: file://reviews.csv
defaultTest:
  assert:
    - type: icontains
      value: "{{label}}"
kluster:
  completion_window: 24h
`;

describe('experiment file parsing', () => {
  it('an unknown key does not hide the other problems: checking goes on without it', () => {
    const text = ISSUE_EXAMPLE.replace('defaultTest:', 'defaultTets:')
      .replace('temperature: 0', 'temperature: 5')
      .replace('  - deepseek-ai/DeepSeek-V3', '  - deepseek-ai/DeepSeek-V9');
    assert.deepStrictEqual(where(text), [
      ['experiment.unknownKey', 15, 1, 'defaultTets'],
      ['experiment.unknownModel', 10, 5, 'deepseek-ai/DeepSeek-V9'],
      ['kluster.temperatureRange', 13, 27, '5'],
    ]);
    assert.ok(parse(text).experiment, 'the rest of the experiment is usable for hover and completion');
  });

  it('a required section that is unusable (`tests: 42`) still stops at the shape', () => {
    const text = ISSUE_EXAMPLE.replace('defaultTest:', 'defaultTets:').replace('tests: file://reviews.csv', 'tests: 42');
    assert.deepStrictEqual(
      where(text).map((p) => p[0]),
      ['experiment.invalidValue', 'experiment.unknownKey'],
    );
  });

  it('an invalid element is dropped at its own index: the others keep their checks, and no false follow-on', () => {
    const text =
      'prompts: [{messages: [{role: robot, content: hi}, {role: user, content: "{{x}}"}]}]\n' +
      'providers: [5, {id: deepseek-ai/DeepSeek-V3, config: {temperature: 5}}]\n' +
      'tests: [{vars: 5}, {vars: {x: 1}, assert: [{type: 5}, {type: regex, value: "("}]}]\n';
    assert.deepStrictEqual(
      where(text).map((w) => w.slice(0, 4)),
      [
        ['experiment.invalidValue', 1, 30, 'robot'],
        ['experiment.invalidValue', 2, 13, '5'],
        ['experiment.invalidValue', 3, 16, '5'],
        ['experiment.invalidValue', 3, 51, '5'],
        ['kluster.temperatureRange', 2, 68, '5'],
        ['experiment.invalidRegex', 3, 76, '"("'],
      ],
    );
    const e = parse(text).experiment!;
    assert.deepStrictEqual(
      e.prompts[0]!.messages.map((m) => m.content.template.source),
      ['{{x}}'],
    );
    assert.deepStrictEqual(e.tests.kind === 'inline' && e.tests.tests.map((t) => t.row), [2], 'the test without usable vars is left out');
  });

  it("parses the issue's example without problems", () => {
    const parsed = parse(ISSUE_EXAMPLE);
    assert.deepStrictEqual(parsed.problems, []);
    const e = parsed.experiment!;
    assert.deepStrictEqual(
      e.prompts.map((p) => p.label),
      ['terse'],
    );
    assert.deepStrictEqual(
      e.providers.map((p) => [p.id, p.label, p.config]),
      [
        ['deepseek-ai/DeepSeek-V3', 'deepseek-ai/DeepSeek-V3', {}],
        ['klusterai/Meta-Llama-3.3-70B-Instruct-Turbo', 'llama-70b', { temperature: 0, max_completion_tokens: 10 }],
      ],
    );
    assert.deepStrictEqual(e.tests.kind === 'file' && [e.tests.path, e.tests.format], ['/x/reviews.csv', 'csv']);
    assert.strictEqual(e.defaultAssert[0]!.type, 'icontains');
    assert.strictEqual(e.completionWindow, '24h');
  });

  it('labels prompts without a label prompt-1, prompt-2 and a string prompt is one user message', () => {
    const e = parse(
      'prompts: ["Say {{x}}", {messages: [{role: user, content: hi}]}]\nproviders: [deepseek-ai/DeepSeek-V3]\ntests: [{vars: {x: 1}}]\n',
    ).experiment!;
    assert.deepStrictEqual(
      e.prompts.map((p) => [p.label, p.messages.map((m) => [m.role, m.content.template.source])]),
      [
        ['prompt-1', [['user', 'Say {{x}}']]],
        ['prompt-2', [['user', 'hi']]],
      ],
    );
  });

  it('reports a YAML syntax error at its position', () => {
    const problems = parse('prompts: [a\nproviders: x\n').problems;
    assert.strictEqual(problems[0]!.code, 'experiment.yamlSyntax');
    assert.ok(problems[0]!.range.start.line >= 0);
  });

  it('points an unknown key at the key itself, with the closest valid one', () => {
    const text = ISSUE_EXAMPLE.replace('    label: llama-70b', '    lable: llama-70b').replace('defaultTest:', 'defaultTets:');
    assert.deepStrictEqual(where(text), [
      ['experiment.unknownKey', 12, 5, 'lable'],
      ['experiment.unknownKey', 15, 1, 'defaultTets'],
    ]);
    assert.match(parse(text).problems[0]!.message, /Unknown key `lable` in providers\[1\]\. Did you mean `label`\?/);
    assert.match(parse(text).problems[1]!.message, /Did you mean `defaultTest`\?/);
  });

  it('points a bad assertion type at its value, suggesting the closest type', () => {
    const text = ISSUE_EXAMPLE.replace('type: icontains', 'type: icontain');
    assert.deepStrictEqual(where(text), [['experiment.assertionType', 17, 13, 'icontain']]);
    assert.match(parse(text).problems[0]!.message, /Did you mean `icontains`\?/);
  });

  it('reports an invalid regex and an unsupported schema at the value', () => {
    const text = ISSUE_EXAMPLE.replace(
      'type: icontains\n      value: "{{label}}"',
      'type: not-regex\n      value: "([a-"\n    - type: is-json\n      value: {type: object, anyOf: []}',
    );
    assert.deepStrictEqual(
      where(text).map((w) => w.slice(0, 3)),
      [
        ['experiment.invalidRegex', 18, 14],
        ['experiment.invalidSchema', 20, 14],
      ],
    );
  });

  it('checks config parameters with the batch validator, at the parameter', () => {
    const text = ISSUE_EXAMPLE.replace(
      'config: {temperature: 0, max_completion_tokens: 10}',
      'config: {temperature: 3, max_completion_tokens: 10, top_k: 4, messages: []}',
    );
    const found = where(text);
    assert.deepStrictEqual(
      found.map((w) => [w[0], w[1], w[3]]),
      [
        ['experiment.parameter', 13, 'messages'],
        ['kluster.temperatureRange', 13, '3'],
        ['kluster.unknownParameter', 13, 'top_k'],
      ],
    );
  });

  it('warns about a model the catalog does not know, at the model id', () => {
    const text = ISSUE_EXAMPLE.replace('  - deepseek-ai/DeepSeek-V3', '  - deepseek-ai/DeepSeek-V9');
    const found = parse(text).problems;
    assert.deepStrictEqual(
      found.map((p) => [p.code, p.severity, p.range.start.line + 1, p.range.start.column + 1]),
      [['experiment.unknownModel', 'warning', 10, 5]],
    );
  });

  it('reports a missing required key and a wrong type at the node', () => {
    assert.deepStrictEqual(
      where('prompts: [hi]\ntests: [{vars: {}}]\n').map((w) => w.slice(0, 2)),
      [['experiment.missingKey', 1]],
    );
    assert.deepStrictEqual(
      where('prompts: hi\nproviders: [m]\ntests: [{vars: {}}]\n').map((w) => w.slice(0, 4)),
      [['experiment.invalidValue', 1, 10, 'hi']],
    );
    assert.deepStrictEqual(
      where('prompts: [hi]\nproviders: [deepseek-ai/DeepSeek-V3]\ntests: reviews.csv\n').map((w) => w.slice(0, 4)),
      [['experiment.invalidValue', 3, 8, 'reviews.csv']],
    );
  });

  it('reports a malformed {{…}} at the braces', () => {
    const text = 'prompts: ["Say {{ a b }} now"]\nproviders: [deepseek-ai/DeepSeek-V3]\ntests: [{vars: {a: 1}}]\n';
    assert.deepStrictEqual(where(text), [['experiment.templateSyntax', 1, 16, '{{ a b }}']]);
  });

  it('reports a malformed {{…}} at its own braces when the same text occurs earlier', () => {
    const rest = '\nproviders: [deepseek-ai/DeepSeek-V3]\ntests: [{vars: {q: 1}}]\n';
    // The unclosed `{{q` is the second `{{q` of the string; `{{` alone is the third `{{`.
    assert.deepStrictEqual(where(`prompts: ["{{q}} then {{q"]${rest}`), [['experiment.templateSyntax', 1, 23, '{{q']]);
    assert.deepStrictEqual(where(`prompts: ["{{q}}{{ }} and {{ }}"]${rest}`), [
      ['experiment.templateSyntax', 1, 17, '{{ }}'],
      ['experiment.templateSyntax', 1, 27, '{{ }}'],
    ]);
    assert.deepStrictEqual(where(`prompts: ["}}{{q}}{{"]${rest}`), [['experiment.templateSyntax', 1, 19, '{{']]);
  });

  it('needs a judge model for llm-rubric, and accepts one on the assertion', () => {
    const base =
      'prompts: [hi]\nproviders: [deepseek-ai/DeepSeek-V3]\ntests: [{vars: {}}]\ndefaultTest:\n  assert:\n    - type: llm-rubric\n      value: is polite\n';
    assert.deepStrictEqual(
      where(base).map((w) => w.slice(0, 2)),
      [['experiment.noJudgeModel', 7]],
    );
    assert.deepStrictEqual(where(base + '      provider: deepseek-ai/DeepSeek-V3\n'), []);
    assert.deepStrictEqual(where(base + 'kluster:\n  judge:\n    model: deepseek-ai/DeepSeek-V3\n'), []);
  });

  it('refuses two columns with the same label', () => {
    const text = 'prompts: [hi]\nproviders: [deepseek-ai/DeepSeek-V3, deepseek-ai/DeepSeek-V3]\ntests: [{vars: {}}]\n';
    assert.deepStrictEqual(
      where(text).map((w) => w.slice(0, 2)),
      [['experiment.invalidValue', 2]],
    );
  });
});

describe('experiment file parsing: wrong shapes in plain words', () => {
  const messages = (text: string) =>
    parse(text)
      .problems.filter((p) => p.code !== 'experiment.unknownModel')
      .map((p) => [p.range.start.line + 1, p.range.start.column + 1, p.message]);
  const rest = 'providers: [deepseek-ai/DeepSeek-V3]\ntests: [{vars: {x: 1}}]\n';

  it('a wrong role names the value and the roles allowed, at the role', () => {
    assert.deepStrictEqual(messages(`prompts: [{messages: [{role: robot, content: hi}]}]\n${rest}`), [
      [1, 30, 'prompts[0].messages[0].role is `robot`, which is not a role: use system, user or assistant.'],
    ]);
  });

  it('a provider that is a number says what a provider is, at the element', () => {
    assert.deepStrictEqual(messages('prompts: [hi]\nproviders: [5]\ntests: [{vars: {x: 1}}]\n'), [
      [2, 13, 'providers[0] must be a model id or {id, label, config}, not the number 5.'],
    ]);
  });

  it('no zod wording for any wrong shape', () => {
    const cases = [
      `prompts: [5]\n${rest}`,
      `prompts: []\n${rest}`,
      `prompts: hi\n${rest}`,
      `prompts: [{messages: []}]\n${rest}`,
      `prompts: [{messages: [{role: user, content: 5}]}]\n${rest}`,
      'prompts: [hi]\nproviders: [""]\ntests: [{vars: {}}]\n',
      'prompts: [hi]\nproviders: [{id: m, config: 5}]\ntests: [{vars: {}}]\n',
      'prompts: [hi]\nproviders: [m]\ntests: 42\n',
      'prompts: [hi]\nproviders: [m]\ntests: [{vars: 5}]\n',
      'prompts: [hi]\nproviders: [m]\ntests: [{vars: {}, assert: [{type: 5}]}]\n',
      'prompts: [hi]\nproviders: [m]\ntests: [{vars: {}}]\nkluster: {completion_window: 2h}\n',
      'prompts: [hi]\nproviders: [m]\ntests: [{vars: {}}]\ndefaultTest: [1]\n',
      '[1, 2]\n',
    ];
    for (const text of cases) {
      const found = messages(text);
      assert.ok(found.length, text);
      for (const [, , message] of found)
        assert.doesNotMatch(String(message), /expected|received|Too small|Invalid option|record|>=/, `${text} → ${message}`);
    }
    assert.deepStrictEqual(messages(`prompts: []\n${rest}`), [[1, 10, 'prompts needs at least one prompt.']]);
    assert.deepStrictEqual(messages('prompts: [hi]\nproviders: [m]\ntests: [{vars: {}}]\nkluster: {completion_window: 2h}\n'), [
      [4, 30, 'kluster.completion_window is `2h`, which is not a completion window: use 1h, 3h, 6h, 12h or 24h.'],
    ]);
  });

  it('an empty file says what an experiment needs', () => {
    for (const text of ['', '# just a comment\n'])
      assert.deepStrictEqual(messages(text), [
        [1, 1, 'The experiment file is empty: it needs `prompts`, `providers` and `tests` (see the example in the README).'],
      ]);
  });

  it('aliases that would expand without bound are refused at a YAML node, without expanding them', () => {
    let text = 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (const [name, prev] of ['ba', 'cb', 'dc', 'ed', 'fe', 'gf', 'hg', 'ih'])
      text += `${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
    const started = Date.now();
    const found = parse(text + `prompts: [hi]\n${rest}`).problems;
    assert.ok(Date.now() - started < 2000);
    assert.deepStrictEqual(
      found.map((p) => [p.code, p.range.start.line + 1]),
      [['experiment.yamlSyntax', 2]],
    );
    assert.match(found[0]!.message, /alias/i);
  });
});

describe('experiment file parsing: nesting too deep to read', () => {
  it('never throws, and never says "Maximum call stack size exceeded", however deep the nesting', () => {
    // Whether the parser overflows depends on the stack left: both depths must end in words, never a throw.
    for (const depth of [20_000, 200_000]) {
      const text = `prompts: ${'['.repeat(depth)}${']'.repeat(depth)}\nproviders: [m]\ntests: [{vars: {}}]\n`;
      const problems = parse(text).problems;
      assert.ok(problems.length > 0, `depth ${depth}`);
      for (const p of problems) assert.doesNotMatch(p.message, /call stack/, `depth ${depth}`);
      const syntax = problems.filter((p) => p.code === 'experiment.yamlSyntax');
      for (const p of syntax)
        assert.strictEqual(p.message, 'The YAML is nested too deeply to read; an experiment needs only a few levels.');
    }
  });
});
