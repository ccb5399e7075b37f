// `experiment run` through runCli against the emulator: the whole loop (build, submit, wait, join, score) and the
// real-time preview, whose results file scores exactly as the batch's does.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../src/cli/command';
import { useEmulator } from '../api/helpers';
import { runCaptured } from './helpers';

const V3 = 'deepseek-ai/DeepSeek-V3';
const LLAMA = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';

const EXPERIMENT = `prompts:
  - label: terse
    messages:
      - {role: system, content: "One word: positive, negative or neutral."}
      - {role: user, content: "{{review}}"}
providers:
  - ${V3}
  - id: ${LLAMA}
    label: llama
    config: {temperature: 0}
tests: file://reviews.csv
defaultTest:
  assert:
    - type: icontains
      value: "{{label}}"
`;

// Row 2: llama answers wrong; the others are right.
const CSV = [
  'review,label',
  '"Loved it [[answer:positive]]",positive',
  '"Dull [[answer:negative]] [[answer@Llama:positive]]",negative',
  '"Fine [[answer:neutral]]",neutral',
].join('\n');

interface Column {
  prompt: string;
  provider: string;
  passed: number;
  failed: number;
  errors: number;
  total: number;
  passRate: number;
  promptTokens: number;
  completionTokens: number;
}

describe('CLI experiment run against the emulator', () => {
  const f = useEmulator();
  const env = () => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });
  const cli = (args: string[]) => runCaptured(args, env());
  let dir: string;
  let exp: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(f.dir, 'run-'));
    exp = path.join(dir, 'reviews.experiment.yaml');
    await fs.writeFile(exp, EXPERIMENT);
    await fs.writeFile(path.join(dir, 'reviews.csv'), CSV);
  });

  it('--wait builds, submits, waits, joins and scores: pass rates per prompt × provider', async () => {
    const run = await cli(['experiment', 'run', exp, '--wait']);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    const batchId = run.out.split('\n')[0]!;
    assert.match(batchId, /^\S+$/);
    assert.match(run.err, new RegExp(`batch ${batchId} created for .*reviews\\.batch\\.jsonl \\(6 requests\\)`));
    assert.match(run.err, /wrote 6 results to .*reviews\.results\.jsonl: 6 succeeded, 0 failed, 0 missing/);
    assert.match(
      run.out,
      /\nterse\s+deepseek-ai\/DeepSeek-V3\s+3\s+0\s+0\s+3\s+100\.0%\s+-\nterse\s+llama\s+2\s+1\s+0\s+3\s+66\.7%\s+-\n?$/,
    );
    const results = (await fs.readFile(path.join(dir, 'reviews.results.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.strictEqual(results.length, 6);
  });

  it('--json reports the batches, the results file and the columns; --fail-under gates', async () => {
    const run = await cli(['--json', 'experiment', 'run', exp, '--wait', '--fail-under', '0.8']);
    assert.strictEqual(run.code, ExitCode.findings, run.err);
    const report = JSON.parse(run.out.slice(run.out.indexOf('{'))) as {
      columns: Column[];
      batches: { id: string; status: string }[];
      results: string;
      passed: boolean;
    };
    assert.deepStrictEqual(
      report.columns.map((c) => [c.provider, c.passed, c.failed, c.errors, c.total]),
      [
        [V3, 3, 0, 0, 3],
        ['llama', 2, 1, 0, 3],
      ],
    );
    assert.strictEqual(report.batches.length, 1);
    assert.strictEqual(report.batches[0]!.status, 'completed');
    assert.strictEqual(report.results, path.join(dir, 'reviews.results.jsonl'));
    assert.strictEqual(report.passed, false);
  });

  it('--preview N runs the first N rows in real time, and its results score exactly as the batch results do', async () => {
    const preview = await cli(['--json', 'experiment', 'run', exp, '--preview', '3']);
    assert.strictEqual(preview.code, ExitCode.ok, preview.err);
    const batch = await cli(['--json', 'experiment', 'run', exp, '--wait']);
    assert.strictEqual(batch.code, ExitCode.ok, batch.err);
    const columns = (out: string) => (JSON.parse(out.slice(out.indexOf('{'))) as { columns: Column[] }).columns;
    assert.deepStrictEqual(columns(preview.out), columns(batch.out));

    // Line for line the same shape: keys, status, custom_id, input_line, the reply. Only the batch's rows name the
    // file their input_line is in (input_file): a preview builds no batch file.
    const read = async (name: string) =>
      (await fs.readFile(path.join(dir, name), 'utf8'))
        .trimEnd()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as Record<string, unknown> & {
              response: { status_code: number; body: { choices: { message: { content: string } }[] } };
            },
        );
    const fromPreview = await read('reviews.preview.results.jsonl');
    const fromBatch = await read('reviews.results.jsonl');
    assert.deepStrictEqual(new Set(fromBatch.map((r) => r.input_file)), new Set(['reviews.batch.jsonl']));
    assert.ok(fromPreview.every((r) => !('input_file' in r)));
    const keys = (r: Record<string, unknown>) => Object.keys(r).filter((k) => k !== 'input_file');
    assert.deepStrictEqual(
      fromPreview.map((r) => [
        keys(r),
        r.custom_id,
        r.input_line,
        r.status,
        r.response.status_code,
        r.response.body.choices[0]!.message.content,
      ]),
      fromBatch.map((r) => [
        keys(r),
        r.custom_id,
        r.input_line,
        r.status,
        r.response.status_code,
        r.response.body.choices[0]!.message.content,
      ]),
    );
  });

  it('--preview takes only the first N rows, and a failed request counts under errors', async () => {
    await fs.writeFile(exp, EXPERIMENT.replace(`  - ${V3}\n`, `  - ${V3}\n  - klusterai/No-Such-Model\n`));
    const out = path.join(dir, 'first.jsonl');
    const run = await cli(['experiment', 'run', exp, '--preview', '2', '--out', out]);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.match(run.err, /wrote 6 results to .*first\.jsonl: 4 succeeded, 2 failed, 0 missing/);
    assert.match(run.out, /\nterse\s+klusterai\/No-Such-Model\s+0\s+0\s+2\s+2\s+0\.0%/);
    assert.match(run.out, /\nterse\s+llama\s+1\s+1\s+0\s+2\s+50\.0%/);
    const lines = (await fs.readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; custom_id: string });
    assert.deepStrictEqual(
      lines.map((l) => l.status),
      ['succeeded', 'failed', 'succeeded', 'succeeded', 'failed', 'succeeded'],
    );
  });

  it('--preview refuses to overwrite its results without --force, before sending anything', async () => {
    const out = path.join(dir, 'keep.jsonl');
    await fs.writeFile(out, 'mine');
    const run = await cli(['experiment', 'run', exp, '--preview', '1', '--out', out]);
    assert.strictEqual(run.code, ExitCode.io);
    assert.strictEqual(await fs.readFile(out, 'utf8'), 'mine');
    assert.strictEqual((await cli(['experiment', 'run', exp, '--preview', '1', '--out', out, '--force'])).code, ExitCode.ok);
    assert.strictEqual((await fs.readFile(out, 'utf8')).trimEnd().split('\n').length, 2);
  });

  it('without --wait prints the batch id and how to continue', async () => {
    const run = await cli(['experiment', 'run', exp]);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    const id = run.out.trim();
    assert.match(id, /^\S+$/);
    assert.match(run.err, new RegExp(`kluster results ${id} --input .*reviews\\.batch\\.jsonl --out RESULTS\\.jsonl`));
  });

  it('parts over the free tier cap are submitted together and joined into one results file', async () => {
    await fs.writeFile(
      path.join(dir, 'reviews.csv'),
      ['review,label', ...Array.from({ length: 600 }, (_, i) => `"r${i} [[answer:positive]]",positive`)].join('\n'),
    );
    const run = await cli(['--json', 'experiment', 'run', exp, '--wait', '--tier', 'free']);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    const report = JSON.parse(run.out.slice(run.out.indexOf('{'))) as { columns: Column[]; batches: { input: string }[] };
    assert.deepStrictEqual(
      report.batches.map((b) => path.basename(b.input)),
      ['reviews.batch.part-1.jsonl', 'reviews.batch.part-2.jsonl'],
    );
    assert.deepStrictEqual(
      report.columns.map((c) => [c.passed, c.total]),
      [
        [600, 600],
        [600, 600],
      ],
    );
    const lines = (await fs.readFile(path.join(dir, 'reviews.results.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.strictEqual(lines.length, 1200);
  });

  it('refuses --preview 0 and --preview with --wait', async () => {
    const zero = await cli(['experiment', 'run', exp, '--preview', '0']);
    assert.strictEqual(zero.code, ExitCode.usage);
    assert.match(zero.err, /--preview must be a number of rows/);
    const both = await cli(['experiment', 'run', exp, '--preview', '2', '--wait']);
    assert.strictEqual(both.code, ExitCode.usage);
    assert.match(both.err, /--preview and --wait do not go together/);
  });
});
