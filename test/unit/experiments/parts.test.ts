// An experiment split in parts, end to end on the core: every row × prompt × provider is in one part with a
// custom_id that names it; the joined results name each row's part and its line there; scoring joins all
// parts; Retry Failed Requests finds the failed requests in the right part, and their merged results recount.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBatch, loadExperiment, parseRequestId, scoreResults, writePartsResults } from '../../../src/core/experiments';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import { writeJoinedResults } from '../../../src/core/results/join';
import { mergeResults } from '../../../src/core/results/merge';
import { inputFilesNamedIn, selectRetry } from '../../../src/core/results/retry';

const EXPERIMENT = `prompts:
  - "Sentiment of: {{review}}"
  - "One word for: {{review}}"
providers:
  - deepseek-ai/DeepSeek-V3
  - klusterai/Meta-Llama-3.3-70B-Instruct-Turbo
tests: file://reviews.csv
defaultTest:
  assert:
    - {type: icontains, value: "{{label}}"}
`;
const CSV = 'review,label\nLoved it,positive\nHated it,negative\nIt was a film,neutral\n';

type Row = { custom_id: string; input_line: number | null; input_file?: string; status: string };
const rowsOf = async (file: string) =>
  (await fs.readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);
const idOf = (line: string) => (JSON.parse(line) as { custom_id: string }).custom_id;

describe('experiment in parts: custom_ids, input lines, scoring and retry across parts', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'experiment-parts-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** The service's output for one part: every request answered with its row's label, `failing` in the error file. */
  async function answer(part: string, n: number, labels: string[], failing: string | undefined) {
    const lines = (await fs.readFile(part, 'utf8')).trimEnd().split('\n');
    const output: string[] = [];
    const errors: string[] = [];
    for (const line of lines.reverse()) {
      const id = idOf(line);
      if (id === failing) {
        errors.push(JSON.stringify({ id: `e-${id}`, custom_id: id, response: null, error: { code: 'server_error', message: 'boom' } }));
        continue;
      }
      const content = labels[parseRequestId(id)!.row - 1]!;
      const body = { choices: [{ message: { role: 'assistant', content } }], usage: { prompt_tokens: 5, completion_tokens: 1 } };
      output.push(JSON.stringify({ id: `o-${id}`, custom_id: id, response: { status_code: 200, body }, error: null }));
    }
    const outputPath = path.join(dir, `out-${n}.jsonl`);
    const errorPath = path.join(dir, `err-${n}.jsonl`);
    await fs.writeFile(outputPath, output.join('\n') + '\n');
    await fs.writeFile(errorPath, errors.length ? errors.join('\n') + '\n' : '');
    return { inputPath: part, outputPath, errorPath };
  }

  it('names each row’s part and its line there, scores all parts, and retries a failure from its part', async () => {
    const file = path.join(dir, 'reviews.experiment.yaml');
    await fs.writeFile(file, EXPERIMENT);
    await fs.writeFile(path.join(dir, 'reviews.csv'), CSV);
    const loaded = await loadExperiment(file, { knownModels: DOCUMENTED_MODEL_IDS });
    assert.deepStrictEqual(loaded.problems, []);
    const batch = path.join(dir, 'reviews.batch.jsonl');
    const built = await buildBatch(loaded.experiment!, loaded.tests, batch, {
      knownModels: DOCUMENTED_MODEL_IDS,
      tier: 'standard',
      maxLines: 5,
    });
    const parts = built.parts.map((p) => p.path);
    assert.deepStrictEqual(
      built.parts.map((p) => [path.basename(p.path), p.lines]),
      [
        ['reviews.batch.part-1.jsonl', 5],
        ['reviews.batch.part-2.jsonl', 5],
        ['reviews.batch.part-3.jsonl', 2],
      ],
    );
    // Every row × prompt × provider is in exactly one part, and recovered from its custom_id.
    const keys = new Set<string>();
    for (const part of parts)
      for (const line of (await fs.readFile(part, 'utf8')).trimEnd().split('\n')) {
        const key = parseRequestId(idOf(line))!;
        keys.add(`${key.row}.${key.prompt}.${key.provider}`);
      }
    assert.strictEqual(keys.size, 3 * 2 * 2);

    // Line 2 of part 2 (row 2, prompt 2, provider 1) fails.
    const failing = idOf((await fs.readFile(parts[1]!, 'utf8')).split('\n')[1]!);
    assert.strictEqual(failing, 'exp-r2-p2-m1');
    const labels = ['positive', 'negative', 'neutral'];
    const inputs = await Promise.all(parts.map((part, i) => answer(part, i + 1, labels, failing)));
    const results = path.join(dir, 'reviews.results.jsonl');
    const summary = await writePartsResults(inputs, results);
    assert.deepStrictEqual([summary.total, summary.succeeded, summary.failed], [12, 11, 1]);

    // Each row's input_file and input_line lead to its own request.
    const rows = await rowsOf(results);
    for (const row of rows) {
      const part = path.join(dir, row.input_file!);
      const line = (await fs.readFile(part, 'utf8')).split('\n')[row.input_line! - 1]!;
      assert.strictEqual(idOf(line), row.custom_id, `${row.custom_id} at ${row.input_file}:${row.input_line}`);
    }
    assert.deepStrictEqual(
      rows.filter((r) => r.status === 'failed').map((r) => [r.custom_id, r.input_file, r.input_line]),
      [[failing, 'reviews.batch.part-2.jsonl', 2]],
    );
    assert.deepStrictEqual(await inputFilesNamedIn(results), parts);

    const rates = async () =>
      (await scoreResults(loaded.experiment!, loaded.tests, results)).columns.map((c) => `${c.passed}/${c.errors}/${c.total}`);
    assert.deepStrictEqual(await rates(), ['3/0/3', '3/0/3', '2/1/3', '3/0/3'], 'all parts scored; the failure an error');

    // Retry: the failed request, byte for byte, from part 2.
    const retryFile = path.join(dir, 'reviews.batch.retry.jsonl');
    const selection = await selectRetry({ resultsPath: results, inputPath: await inputFilesNamedIn(results), outPath: retryFile });
    assert.deepStrictEqual([selection.lines, selection.files, selection.notInInput], [[2], [parts[1]], []]);
    assert.strictEqual(await fs.readFile(retryFile, 'utf8'), (await fs.readFile(parts[1]!, 'utf8')).split('\n')[1] + '\n');

    // The retry succeeds; merged, the row keeps its part and line, and the column recounts.
    const retried = await answer(retryFile, 9, labels, undefined);
    const retryResults = path.join(dir, 'reviews.batch.retry.results.jsonl');
    await writeJoinedResults(retried, retryResults);
    const merged = await mergeResults({
      basePath: results,
      newer: [{ path: retryResults, origin: 'batch-retry' }],
      outPath: results,
      overwrite: true,
    });
    assert.strictEqual(merged.recovered, 1);
    const after = (await rowsOf(results)).find((r) => r.custom_id === failing)!;
    assert.deepStrictEqual([after.status, after.input_file, after.input_line], ['succeeded', 'reviews.batch.part-2.jsonl', 2]);
    assert.deepStrictEqual(await rates(), ['3/0/3', '3/0/3', '3/0/3', '3/0/3']);
  });

  it('names the batch file in an unsplit experiment’s results, relative to the results file', async () => {
    const input = path.join(dir, 'in', 'x.batch.jsonl');
    await fs.mkdir(path.dirname(input));
    await fs.writeFile(input, '{"custom_id":"exp-r1-p1-m1","method":"POST","url":"/v1/chat/completions","body":{}}\n');
    const results = path.join(dir, 'out', 'x.results.jsonl');
    await fs.mkdir(path.dirname(results));
    await writePartsResults([{ inputPath: input }], results);
    assert.deepStrictEqual(
      (await rowsOf(results)).map((r) => [r.input_file, r.input_line, r.status]),
      [['../in/x.batch.jsonl', 1, 'missing']],
    );
    assert.deepStrictEqual(await inputFilesNamedIn(results), [input]);
  });
});
