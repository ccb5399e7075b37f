// The CLI's API commands against the emulator: in-process through runCli, and the built dist/cli.js.
import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../src/cli/command';
import { FAIL_TRIGGER } from '../../../src/emulator';
import { requestLine, useEmulator, writeLines } from '../api/helpers';
import { CLI, runCaptured, type CliRun as Run } from './helpers';

describe('CLI against the emulator', () => {
  const f = useEmulator();
  const env = () => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });

  const cli = (args: string[], environment: NodeJS.ProcessEnv = env()): Promise<Run> => runCaptured(args, environment);

  function spawnCli(args: string[], environment: NodeJS.ProcessEnv): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { PATH: process.env.PATH, ...environment }, timeout: 20000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ code, out: stdout, err: stderr });
        },
      );
    });
  }

  it('submit --wait --out: a full round trip, results in input order', async () => {
    const ids = ['first', 'second', 'third', 'fourth', 'fifth'];
    const input = await writeLines(
      f.dir,
      'round.jsonl',
      ids.map((id) => requestLine(id, `question ${id}`)),
    );
    const out = path.join(f.dir, 'round-results.jsonl');
    const run = await cli(['submit', input, '--window', '1h', '--wait', '--out', out]);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    const batchId = run.out.trim();
    assert.match(batchId, /^[0-9a-f]{24}$/);
    assert.match(run.err, /completed 5\/5/);
    assert.match(run.err, /wrote 5 results .* 5 succeeded, 0 failed, 0 missing/);
    const results = (await fs.readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      results.map((r) => r.custom_id),
      ids,
    );
    assert.deepStrictEqual(
      results.map((r) => r.input_line),
      [1, 2, 3, 4, 5],
    );
    assert.match(results[2].response.body.choices[0].message.content, /question third/);

    const shown = await cli(['batches', 'get', batchId]);
    assert.strictEqual(shown.code, 0);
    assert.match(shown.out, /status: +completed/);
    assert.match(shown.out, /5 total, 5 completed, 0 failed/);
    // The time stamps the batch got as it moved on, in that order (the list the tooltip uses too).
    assert.deepStrictEqual(
      [...shown.out.matchAll(/^(\w+): +\S/gm)].map((m) => m[1]).filter((name) => ['in_progress', 'finalizing', 'completed'].includes(name)),
      ['in_progress', 'finalizing', 'completed'],
    );
  });

  it('submit records the input file in the batch metadata as the editor does, so the Batches view names it', async () => {
    await fs.mkdir(path.join(f.dir, 'prompts'), { recursive: true });
    await writeLines(f.dir, 'prompts/named.jsonl', [requestLine('n-1', 'hello')]);
    const run = await new Promise<Run>((resolve) => {
      const env = { PATH: process.env.PATH, KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url };
      execFile(process.execPath, [CLI, 'submit', 'prompts/named.jsonl'], { cwd: f.dir, env, timeout: 20000 }, (error, stdout, stderr) =>
        resolve({ code: error ? -1 : 0, out: stdout, err: stderr }),
      );
    });
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    const stored = f.emulator.state.batch(run.out.trim())!;
    assert.deepStrictEqual(stored.metadata, { input_file: 'prompts/named.jsonl', input_folder: path.basename(f.dir), source: 'cli' });
  });

  it('submit reports failed requests with exit code 1 and --json output', async () => {
    const input = await writeLines(f.dir, 'mixed.jsonl', [requestLine('ok', 'fine'), requestLine('bad', FAIL_TRIGGER)]);
    const out = path.join(f.dir, 'mixed-results.jsonl');
    const run = await cli(['--json', 'submit', input, '--out', out]);
    assert.strictEqual(run.code, ExitCode.findings, run.err);
    const report = JSON.parse(run.out);
    assert.strictEqual(report.batch.status, 'completed');
    assert.deepStrictEqual({ succeeded: report.results.succeeded, failed: report.results.failed }, { succeeded: 1, failed: 1 });
    assert.strictEqual(run.err, '', 'nothing but JSON in --json mode');
  });

  it('submit checks the file first: errors block the upload, with file:line:col on stderr', async () => {
    const input = await writeLines(f.dir, 'blocked.jsonl', [requestLine('a', 'x'), '{oops', requestLine('a', 'y')]);
    const uploadsBefore = f.emulator.state.requests.filter((r) => r.path === '/v1/files').length;
    const run = await cli(['submit', input, '--wait']);
    assert.strictEqual(run.code, ExitCode.findings);
    assert.match(run.err, /blocked\.jsonl:2:2: error kluster\.invalidJson: /);
    assert.match(run.err, /blocked\.jsonl:3:\d+: error kluster\.duplicateCustomId: /);
    assert.match(run.err, /was not submitted: it has 2 errors\. Fix it, or pass --no-validate/);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore, 'nothing uploaded');
  });

  it('submit refuses a results file, which is not a batch of requests', async () => {
    const results = JSON.stringify({ id: 'r1', custom_id: 'a', response: { status_code: 200, body: {} }, error: null });
    const input = await writeLines(f.dir, 'results-not-requests.jsonl', [results]);
    const run = await cli(['submit', input]);
    assert.strictEqual(run.code, ExitCode.findings);
    assert.match(run.err, /no batch requests \(it looks like results\)/);
  });

  it('submit --no-validate sends an invalid file; the batch fails with line numbers on stderr', async () => {
    const input = await writeLines(f.dir, 'invalid.jsonl', [requestLine('a', 'x'), '{oops']);
    const run = await cli(['submit', input, '--wait', '--no-validate']);
    assert.strictEqual(run.code, ExitCode.findings);
    assert.match(run.err, /invalid\.jsonl:2: Line 2: not valid JSON/);
  });

  it('a UTF-8 BOM: the emulator fails the batch on line 1, so submit stops at the offline check', async () => {
    const input = await writeLines(f.dir, 'bom.jsonl', [`\uFEFF${requestLine('a', 'x')}`, requestLine('b', 'y')]);
    const sent = await cli(['submit', input, '--wait', '--no-validate']);
    assert.strictEqual(sent.code, ExitCode.findings);
    assert.match(sent.err, /bom\.jsonl:1: Line 1: not valid JSON/);
    const uploadsBefore = f.emulator.state.requests.filter((r) => r.path === '/v1/files').length;
    const checked = await cli(['submit', input, '--wait']);
    assert.strictEqual(checked.code, ExitCode.findings);
    assert.match(checked.err, /bom\.jsonl:1:1: warning kluster\.byteOrderMark: /);
    assert.match(checked.err, /was not submitted: it has 1 problem kluster\.ai would refuse\./);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore, 'nothing uploaded');
  });

  it('refuses to overwrite --out before uploading anything, unless --force', async () => {
    const input = await writeLines(f.dir, 'keep-in.jsonl', [requestLine('a', 'x')]);
    const out = path.join(f.dir, 'keep-out.jsonl');
    await fs.writeFile(out, 'precious\n');
    const uploadsBefore = f.emulator.state.requests.filter((r) => r.path === '/v1/files').length;
    const run = await cli(['submit', input, '--out', out]);
    assert.strictEqual(run.code, ExitCode.io);
    assert.match(run.err, /already exists/);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore);
    assert.strictEqual(await fs.readFile(out, 'utf8'), 'precious\n');
    const forced = await cli(['submit', input, '--out', out, '--force']);
    assert.strictEqual(forced.code, ExitCode.ok, forced.err);
    assert.strictEqual(JSON.parse((await fs.readFile(out, 'utf8')).trim()).status, 'succeeded');
  });

  it('models, files and batches commands print tables and JSON', async () => {
    const models = await cli(['models']);
    assert.strictEqual(models.code, 0);
    assert.match(models.out.split('\n')[0]!, /^ID +OWNED BY +CREATED$/);
    assert.match(models.out, /deepseek-ai\/DeepSeek-R1/);

    const input = await writeLines(f.dir, 'files-cmd.jsonl', [requestLine('a', 'x'), requestLine('b', 'y')]);
    const upload = await cli(['files', 'upload', input]);
    assert.strictEqual(upload.code, 0, upload.err);
    const fileId = upload.out.trim();
    const listed = await cli(['--json', 'files', 'list', '--purpose', 'batch']);
    assert.ok(JSON.parse(listed.out).data.some((file: { id: string }) => file.id === fileId));
    const content = await cli(['files', 'content', fileId]);
    assert.strictEqual(content.out, await fs.readFile(input, 'utf8'));
    const saved = path.join(f.dir, 'saved.jsonl');
    assert.strictEqual((await cli(['files', 'content', fileId, '--out', saved])).code, 0);
    assert.strictEqual(await fs.readFile(saved, 'utf8'), await fs.readFile(input, 'utf8'));
    assert.strictEqual((await cli(['files', 'content', fileId, '--out', saved])).code, ExitCode.io);

    const started = await cli(['submit', input]);
    const batchId = started.out.trim();
    const cancelled = await cli(['batches', 'cancel', batchId]);
    assert.strictEqual(cancelled.out.trim(), `${batchId}: cancelling`);
    const page = await cli(['batches', 'list', '--limit', '1']);
    assert.match(page.out, new RegExp(`^${batchId} +cancell`, 'm'));
    assert.match(page.err, /more: kluster batches list --after /);
    const json = JSON.parse((await cli(['--json', 'batches', 'list', '--limit', '2'])).out);
    assert.strictEqual(json.data.length, 2);
    assert.strictEqual(typeof json.data[0].created_at, 'number');
  });

  it('wrong usage is exit code 2', async () => {
    assert.strictEqual((await cli(['batches', 'list', '--limit', '500'])).code, ExitCode.usage);
    assert.strictEqual((await cli(['submit', 'x.jsonl', '--window', '2h'])).code, ExitCode.usage);
    const noKey = await cli(['models'], { KLUSTER_BASE_URL: f.emulator.url });
    assert.strictEqual(noKey.code, ExitCode.usage);
    assert.match(noKey.err, /no API key/);
  });

  it('rate limited after the retries: one line with the wait Retry-After asked for, exit code 3', async () => {
    const start = Date.now();
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/batches', retryAfterSeconds: 0.3, times: 10 });
    const run = await cli(['batches', 'list']);
    const tries = f.emulator.state.requests.filter((r) => r.path === '/v1/batches' && r.at >= start);
    assert.deepStrictEqual(
      tries.map((r) => r.status),
      [429, 429, 429],
      'the first try and two retries',
    );
    assert.ok(tries[2]!.at - tries[0]!.at >= 500, 'the retries waited for Retry-After');
    assert.strictEqual(run.code, ExitCode.api);
    assert.strictEqual(run.out, '');
    const [first, second, last, ...rest] = run.err.split('\n');
    assert.deepStrictEqual(
      [first, second, rest],
      ['rate limited; retrying in 0.3 s (retry 1 of 2)', 'rate limited; retrying in 0.3 s (retry 2 of 2)', ['']],
      'each wait is announced',
    );
    assert.match(
      last!,
      /^kluster: Rate limited by kluster\.ai \(429: .*\), still after retrying\. Wait 0\.3 s and try again, or send fewer requests at once\.$/,
    );

    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/models', retryAfterSeconds: 0.3, times: 10 });
    const json = await cli(['--json', 'models']);
    assert.strictEqual(json.code, ExitCode.api);
    const lines = json.err
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepStrictEqual(
      lines.slice(0, 2).map((line) => line.retry.message),
      ['rate limited; retrying in 0.3 s (retry 1 of 2)', 'rate limited; retrying in 0.3 s (retry 2 of 2)'],
    );
    const error = lines[2].error;
    assert.strictEqual(error.kind, 'rate_limited');
    assert.match(error.message, /Wait 0\.3 s and try again/);
    f.emulator.faults.clear();
  });

  it('an unknown option stops submit before anything is uploaded', async () => {
    const input = await writeLines(f.dir, 'typo.jsonl', [requestLine('a', 'x')]);
    const uploadsBefore = f.emulator.state.requests.filter((r) => r.path === '/v1/files').length;
    const run = await cli(['submit', input, '--wiat']);
    assert.strictEqual(run.code, ExitCode.usage);
    assert.match(run.err, /unknown option '--wiat'; did you mean '--wait'\?/);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore, 'nothing uploaded');
  });

  it('submit stops a file over 100 MB at the offline check (exit 1), before uploading', async function () {
    this.timeout(60000);
    // Three valid requests of 35 MB each: only the size is wrong.
    const huge = path.join(f.dir, 'huge-valid.jsonl');
    const handle = await fs.open(huge, 'w');
    for (let i = 0; i < 3; i++) await handle.write(requestLine(`big${i}`, 'x'.repeat(35 * 1024 * 1024)) + '\n');
    await handle.close();
    const uploadsBefore = f.emulator.state.requests.filter((r) => r.path === '/v1/files').length;
    try {
      const run = await cli(['submit', huge]);
      assert.strictEqual(run.code, ExitCode.findings, run.err);
      assert.match(run.err, /huge-valid\.jsonl:3:1: (warning|error) kluster\.fileTooLarge: /);
      assert.match(run.err, /was not submitted: it has 1 (problem kluster\.ai would refuse|error)\./);
      assert.strictEqual(f.emulator.state.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore, 'nothing uploaded');
    } finally {
      await fs.rm(huge, { force: true });
    }
  });

  it('a missing destination folder is named (not the temp file), before anything is downloaded or uploaded', async () => {
    const input = await writeLines(f.dir, 'dest.jsonl', [requestLine('a', 'x')]);
    const fileId = (await f.client().uploadFile(input)).id;
    const missing = path.join(f.dir, 'no-such-dir', 'x.jsonl');
    const contentBefore = f.emulator.state.requests.filter((r) => r.path.endsWith('/content')).length;
    const run = await cli(['files', 'content', fileId, '--out', missing]);
    assert.strictEqual(run.code, ExitCode.io);
    assert.strictEqual(run.err, `kluster: Cannot write ${missing}: the folder ${path.dirname(missing)} does not exist.\n`);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.path.endsWith('/content')).length, contentBefore, 'nothing downloaded');

    const uploadsBefore = f.emulator.state.requests.filter((r) => r.path === '/v1/files').length;
    const submit = await cli(['submit', input, '--wait', '--out', missing]);
    assert.strictEqual(submit.code, ExitCode.io);
    assert.match(submit.err, /the folder .*no-such-dir does not exist/);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore, 'nothing uploaded');
  });

  it('submit --tier free stops a file at the free-tier cap at the offline check (exit 1)', async () => {
    const input = await writeLines(
      f.dir,
      'free-cap.jsonl',
      Array.from({ length: 1000 }, (_, i) => requestLine(`r${i}`, 'x')),
    );
    const uploadsBefore = f.emulator.state.requests.filter((r) => r.path === '/v1/files').length;
    const run = await cli(['submit', input, '--tier', 'free']);
    assert.strictEqual(run.code, ExitCode.findings, run.err);
    assert.match(run.err, /free-cap\.jsonl:1000:1: \w+ kluster\.freeTierLineCap: /);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.path === '/v1/files').length, uploadsBefore, 'nothing uploaded');
  });

  it('a 404 reads as sentences with single periods', async () => {
    const run = await cli(['batches', 'get', 'nope']);
    assert.strictEqual(run.code, ExitCode.api);
    assert.strictEqual(
      run.err,
      "kluster: Not found (404): No batch found with id 'nope'. Check the ID; it may belong to another account or have been deleted.\n",
    );
  });

  it('a missing input file is exit code 5 with the file named', async () => {
    const run = await cli(['submit', path.join(f.dir, 'nope.jsonl')]);
    assert.strictEqual(run.code, ExitCode.io);
    assert.match(run.err, /^kluster: Cannot read .*nope\.jsonl: no such file\.\n$/);
  });

  describe('the built dist/cli.js', () => {
    it('does the round trip as a child process', async () => {
      const input = await writeLines(f.dir, 'child.jsonl', [requestLine('c1', 'alpha'), requestLine('c2', 'beta')]);
      const out = path.join(f.dir, 'child-results.jsonl');
      const run = await spawnCli(['submit', input, '--wait', '--out', out], env());
      assert.strictEqual(run.code, 0, run.err);
      const results = (await fs.readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepStrictEqual(
        results.map((r) => [r.custom_id, r.status]),
        [
          ['c1', 'succeeded'],
          ['c2', 'succeeded'],
        ],
      );
    });

    it('a bad key is one line on stderr, exit code 3, no stack trace, no key', async () => {
      const key = 'sk-not-the-right-key-42';
      const run = await spawnCli(['--api-key', key, 'batches', 'list'], { KLUSTER_BASE_URL: f.emulator.url });
      assert.strictEqual(run.code, ExitCode.api);
      assert.strictEqual(run.err.trim().split('\n').length, 1, run.err);
      assert.match(run.err, /^kluster: The API key was refused .*\. Pass the key with --api-key KEY or set KLUSTER_API_KEY\.\n$/);
      assert.ok(!run.err.includes(key) && !/\bat .*\.js:\d+/.test(run.err));
    });

    it('Ctrl-C stops a slow request: exit 130, one line, and the process ends by itself', async () => {
      f.emulator.faults.next({ kind: 'slow', path: '/v1/models', delayMs: 10000 });
      const child = spawn(process.execPath, [CLI, 'models'], { env: { PATH: process.env.PATH, ...env() } });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      await new Promise((resolve) => setTimeout(resolve, 700));
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.strictEqual(code, ExitCode.interrupted, err);
      assert.strictEqual(err, 'kluster: Cancelled.\n');
      assert.ok(
        Date.now() - sent < 2500,
        `ended ${Date.now() - sent} ms after SIGINT (the 3 s fallback would mean something kept it alive)`,
      );
    });

    it('an unreachable API is one line on stderr after the announced retries, exit code 4', async () => {
      const run = await spawnCli(['--base-url', 'http://127.0.0.1:9/v1', '--api-key', 'k', 'models'], {});
      assert.strictEqual(run.code, ExitCode.network);
      const lines = run.err.trim().split('\n');
      assert.strictEqual(lines.length, 3, run.err);
      assert.match(lines[0]!, /^connection failed; retrying in [\d.]+ s \(retry 1 of 2\)$/);
      assert.match(lines[2]!, /^kluster: Could not reach 127\.0\.0\.1:9/);
    });
  });
});
