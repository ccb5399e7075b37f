import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  comparisonCsv,
  compareResults,
  costOf,
  filterColumns,
  filterRows,
  isFilterFor,
  judgeId,
  loadExperiment,
  pricingOf,
  requestId,
  type Comparison,
  type JudgeVerdict,
} from '../../../src/core/experiments';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';

const A = 'deepseek-ai/DeepSeek-V3';
const B = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';
const C = 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo';

const EXPERIMENT = `prompts:
  - label: genre
    messages:
      - {role: user, content: "{{text}}"}
providers:
  - {id: ${A}, label: a}
  - {id: ${B}, label: b}
  - {id: ${C}, label: c}
tests: file://rows.csv
defaultTest:
  assert:
    - {type: icontains, value: "{{label}}"}
`;
const RUBRIC =
  `kluster: {judge: {model: ${A}}}\n` +
  EXPERIMENT.replace('    - {type: icontains', '    - {type: llm-rubric, value: "Names the genre"}\n    - {type: icontains');
const CSV = 'text,label\nfirst,drama\nsecond,crime\nthird,comedy\n"=fourth, with a comma",horror\n';

const usage = { prompt_tokens: 10, completion_tokens: 2 };
const ok = (row: number, provider: number, content: string) =>
  JSON.stringify({
    custom_id: requestId({ row, prompt: 1, provider }),
    status: 'succeeded',
    response: { status_code: 200, body: { choices: [{ message: { role: 'assistant', content } }], usage } },
    error: null,
  });
const failed = (row: number, provider: number) =>
  JSON.stringify({
    custom_id: requestId({ row, prompt: 1, provider }),
    status: 'failed',
    response: null,
    error: { code: 'server_error', message: 'overloaded' },
  });

// Row 1: all pass. Row 2: a pass, b fail, c pass. Row 3: a pass, b error, c pass. Row 4: a fail, b fail, c pass.
const RESULTS = [
  ok(1, 1, 'Drama'),
  ok(1, 2, 'drama!'),
  ok(1, 3, 'DRAMA'),
  ok(2, 1, 'Crime'),
  ok(2, 2, 'Thriller'),
  ok(2, 3, 'crime'),
  ok(3, 1, 'Comedy'),
  failed(3, 2),
  ok(3, 3, 'comedy'),
  ok(4, 1, '=HYPERLINK("x")'),
  ok(4, 2, 'Drama'),
  ok(4, 3, 'Horror, "scary"'),
].join('\n');

describe('experiment comparison: columns side by side, filters, means, cost', () => {
  let dir: string;
  const compare = async (experiment: string, options: Parameters<typeof compareResults>[3] = {}): Promise<Comparison> => {
    const file = path.join(dir, 'exp.experiment.yaml');
    await fs.writeFile(file, experiment);
    await fs.writeFile(path.join(dir, 'rows.csv'), CSV);
    await fs.writeFile(path.join(dir, 'results.jsonl'), RESULTS + '\n');
    const loaded = await loadExperiment(file, { knownModels: DOCUMENTED_MODEL_IDS });
    assert.deepStrictEqual(loaded.problems, []);
    return compareResults(loaded.experiment!, loaded.tests, path.join(dir, 'results.jsonl'), options);
  };
  const outcomes = (comparison: Comparison) => comparison.rows.map((r) => r.cells.map((c) => c.outcome).join(' '));

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'compare-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lays the cells out as rows × columns with each column its pass rate and tokens', async () => {
    const comparison = await compare(EXPERIMENT);
    assert.deepStrictEqual(outcomes(comparison), ['pass pass pass', 'pass fail pass', 'pass error pass', 'fail fail pass']);
    assert.deepStrictEqual(
      comparison.columns.map((c) => [c.index, c.prompt, c.provider, c.model, c.passed, c.failed, c.errors, c.passRate]),
      [
        [0, 'genre', 'a', A, 3, 1, 0, 0.75],
        [1, 'genre', 'b', B, 1, 2, 1, 0.25],
        [2, 'genre', 'c', C, 4, 0, 0, 1],
      ],
    );
    assert.deepStrictEqual(
      comparison.columns.map((c) => [c.promptTokens, c.completionTokens]),
      [
        [40, 8],
        [30, 6],
        [40, 8],
      ],
      'a failed request has no tokens',
    );
    assert.deepStrictEqual(
      comparison.rows.map((r) => [r.row, r.label]),
      [
        [1, 'first'],
        [2, 'second'],
        [3, 'third'],
        [4, '=fourth, with a comma'],
      ],
    );
    assert.strictEqual(comparison.rows[2]!.cells[1]!.reason, 'The request failed: overloaded');
    assert.deepStrictEqual(
      comparison.rows[1]!.cells[1]!.assertions.map((a) => [a.type, a.outcome, a.reason]),
      [['icontains', 'fail', 'The reply does not contain "crime" (ignoring case).']],
    );
  });

  it('filters: failures only, disagreements, and one column against another', async () => {
    const comparison = await compare(EXPERIMENT);
    assert.deepStrictEqual(filterRows(comparison, { kind: 'all' }), [0, 1, 2, 3]);
    assert.deepStrictEqual(filterRows(comparison, { kind: 'failures' }), [1, 2, 3], 'an error is not a pass');
    assert.deepStrictEqual(filterRows(comparison, { kind: 'disagreements' }), [1, 2, 3]);
    assert.deepStrictEqual(filterRows(comparison, { kind: 'versus', a: 0, b: 1 }), [1, 2], 'row 4: a and b both fail');
    assert.deepStrictEqual(filterRows(comparison, { kind: 'versus', a: 0, b: 2 }), [3]);
    assert.deepStrictEqual(filterColumns(comparison, { kind: 'versus', a: 2, b: 0 }), [2, 0]);
    assert.deepStrictEqual(filterColumns(comparison, { kind: 'disagreements' }), [0, 1, 2]);
    assert.strictEqual(isFilterFor(comparison, { kind: 'versus', a: 0, b: 3 }), false, 'no fourth column');
    assert.strictEqual(isFilterFor(comparison, { kind: 'versus', a: 1, b: 1 }), false);
    assert.strictEqual(isFilterFor(comparison, { kind: 'versus', a: 1, b: 2 }), true);
  });

  it("takes the judge's scores into the columns' means; a malformed verdict is an error, never a pass", async () => {
    const judge = new Map<string, JudgeVerdict>();
    const verdict = (row: number, provider: number, v: JudgeVerdict) => judge.set(judgeId({ row, prompt: 1, provider, assertion: 1 }), v);
    verdict(1, 1, { ok: true, pass: true, score: 0.9, reason: 'names it' });
    verdict(2, 1, { ok: true, pass: true, score: 0.6, reason: 'close' });
    verdict(3, 1, { ok: false, reason: 'The judge did not answer JSON: "I think it passes."' });
    verdict(4, 1, { ok: true, pass: false, score: 0.3, reason: 'wrong genre' });
    verdict(1, 3, { ok: true, pass: true, score: 1, reason: 'yes' });
    const comparison = await compare(RUBRIC, { judge });
    const [a, b, c] = comparison.columns;
    assert.strictEqual(a!.judged, 3);
    assert.ok(Math.abs(a!.judgeScore! - 0.6) < 1e-9, `mean of 0.9, 0.6 and 0.3: ${a!.judgeScore}`);
    assert.strictEqual(b!.judgeScore, null, 'no verdict in column b');
    assert.strictEqual(c!.judgeScore, 1);
    assert.deepStrictEqual(outcomes(comparison)[2]!.split(' ')[0], 'error', 'row 3 of a: the malformed verdict');
    assert.deepStrictEqual(
      comparison.rows[2]!.cells[0]!.assertions.map((v) => [v.type, v.outcome, v.reason]),
      [
        ['llm-rubric', 'error', 'The judge did not answer JSON: "I think it passes."'],
        ['icontains', 'pass', 'The reply contains "comedy" (ignoring case).'],
      ],
    );
    assert.strictEqual(a!.passed, 2, 'rows 1 and 2');
    assert.strictEqual(a!.failed, 1);
    assert.strictEqual(a!.errors, 1);
  });

  it('prices a column only when its model has a price', async () => {
    const pricing = pricingOf({ [A]: { input: 1, output: 2 }, [C]: { input: 0.5 } });
    const comparison = await compare(EXPERIMENT, { pricing });
    assert.ok(Math.abs(comparison.columns[0]!.cost! - (40 * 1 + 8 * 2) / 1e6) < 1e-15, String(comparison.columns[0]!.cost));
    assert.strictEqual(comparison.columns[1]!.cost, null);
    assert.strictEqual(comparison.columns[2]!.cost, null, 'an entry in the wrong shape prices nothing');
    assert.strictEqual(costOf(1_000_000, 1_000_000, { input: 0.2, output: 0.8 }), 1);
  });

  it('exports the rows and columns shown as CSV, formula-like text defused', async () => {
    const comparison = await compare(EXPERIMENT);
    const csv = comparisonCsv(comparison, filterRows(comparison, { kind: 'versus', a: 0, b: 2 }), [0, 2], { bom: true });
    assert.strictEqual(
      csv,
      '\ufeffrow,test,genre × a outcome,genre × a judge score,genre × a reply,genre × c outcome,genre × c judge score,genre × c reply\r\n' +
        `4,"'=fourth, with a comma",fail,,"'=HYPERLINK(""x"")",pass,,"Horror, ""scary"""\r\n`,
    );
  });
});
