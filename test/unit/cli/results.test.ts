// Results are never lost at the last step: `results` joins an ended batch again, a failure after the batch was
// created names it and the command that recovers, --wait rides out outages, signals and full disks leave no files.
import * as assert from 'assert';
import { spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../src/cli/command';
import { giveUpAt, waitForBatch } from '../../../src/cli/submit';
import type { CliContext } from '../../../src/cli/command';
import { requestLine, useEmulator, waitForBatch as pollUntil, writeLines } from '../api/helpers';
import { CLI, runCaptured, type CliRun } from './helpers';

const TERMINATED = 143;

describe('CLI results: never losing a batch', () => {
  const f = useEmulator();
  const env = () => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });
  const cli = (args: string[]) => runCaptured(args, env());
  const uploads = () => f.emulator.state.requests.filter((r) => r.path === '/v1/files' && r.method === 'POST').length;

  /** The built CLI as a child process with its own TMPDIR; `sh` wraps it when `shell` sets a limit first. */
  function startCli(args: string[], tmpdir: string, shell?: string) {
    const argv = shell ? ['-c', `${shell}; exec "$0" "$@"`, process.execPath, CLI, ...args] : [CLI, ...args];
    const child = spawn(shell ? '/bin/sh' : process.execPath, argv, { env: { PATH: process.env.PATH, TMPDIR: tmpdir, ...env() } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const done = new Promise<CliRun>((resolve) =>
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), out, err })),
    );
    return { child, done };
  }

  async function completedBatch(name: string, ids: string[]): Promise<{ input: string; batchId: string }> {
    const input = await writeLines(
      f.dir,
      `${name}.jsonl`,
      ids.map((id) => requestLine(id, `question ${id}`)),
    );
    const started = await cli(['submit', input]);
    assert.strictEqual(started.code, ExitCode.ok, started.err);
    const batchId = started.out.trim();
    await pollUntil(f.client(), batchId, ['completed']);
    return { input, batchId };
  }

  /** A batch cancelled before any request ran: every line of the input gets a "missing" result, no download. */
  async function cancelledBatch(name: string, count: number): Promise<{ input: string; batchId: string }> {
    const input = await writeLines(
      f.dir,
      `${name}.jsonl`,
      Array.from({ length: count }, (_, i) => requestLine(`req-${i}`, `question ${i}`)),
    );
    const client = f.client();
    const file = await client.uploadFile(input);
    const batch = await client.createBatch({ inputFileId: file.id, completionWindow: '1h' });
    await client.cancelBatch(batch.id);
    await pollUntil(client, batch.id, ['cancelled']);
    return { input, batchId: batch.id };
  }

  const tmpFiles = async (folder: string) => (await fs.readdir(folder)).filter((name) => name.endsWith('.tmp'));

  it('results joins an ended batch again: the same file submit --out writes', async () => {
    const ids = ['one', 'two', 'three'];
    const input = await writeLines(
      f.dir,
      'again.jsonl',
      ids.map((id) => requestLine(id, `question ${id}`)),
    );
    const first = path.join(f.dir, 'again-first.jsonl');
    const submitted = await cli(['submit', input, '--out', first]);
    assert.strictEqual(submitted.code, ExitCode.ok, submitted.err);
    const batchId = submitted.out.trim();

    const again = path.join(f.dir, 'again-second.jsonl');
    const run = await cli(['results', batchId, '--input', input, '--out', again]);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(run.out, '');
    assert.match(run.err, /wrote 3 results to .*again-second\.jsonl: 3 succeeded, 0 failed, 0 missing/);
    assert.strictEqual(await fs.readFile(again, 'utf8'), await fs.readFile(first, 'utf8'));

    assert.strictEqual(
      (await cli(['results', batchId, '--input', input, '--out', again])).code,
      ExitCode.io,
      'no overwrite without --force',
    );
    const forced = await cli(['--json', 'results', batchId, '--input', input, '--out', again, '--force']);
    assert.strictEqual(forced.code, ExitCode.ok, forced.err);
    const report = JSON.parse(forced.out);
    assert.strictEqual(report.batch.id, batchId);
    assert.deepStrictEqual([report.results.file, report.results.succeeded, report.results.total], [again, 3, 3]);
  });

  it('results of a cancelled batch marks every request missing, exit 1; a running batch is refused', async () => {
    const { input, batchId } = await cancelledBatch('cancelled', 3);
    const out = path.join(f.dir, 'cancelled-results.jsonl');
    const run = await cli(['results', batchId, '--input', input, '--out', out]);
    assert.strictEqual(run.code, ExitCode.findings, run.err);
    const lines = (await fs.readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      lines.map((l) => [l.status, l.error.message]),
      Array(3).fill(['missing', 'The batch was cancelled before this request ran.']),
    );

    const running = await cli(['submit', input]);
    const runningId = running.out.trim();
    const early = await cli(['results', runningId, '--input', input, '--out', path.join(f.dir, 'early.jsonl')]);
    assert.strictEqual(early.code, ExitCode.findings);
    assert.match(
      early.err,
      new RegExp(`^kluster: Batch ${runningId} is (validating|in_progress); its results can be joined once it has ended`),
    );
    await fs.access(path.join(f.dir, 'early.jsonl')).then(
      () => assert.fail('written for a running batch'),
      () => undefined,
    );
  });

  it('results needs a batch id, --input and --out (exit 2)', async () => {
    for (const args of [['results'], ['results', 'b1', '--out', 'x.jsonl'], ['results', 'b1', '--input', 'in.jsonl']]) {
      const run = await cli(args);
      assert.strictEqual(run.code, ExitCode.usage, args.join(' '));
      assert.match(run.err, /missing (BATCH_ID|--input FILE|--out RESULTS\.jsonl)/);
    }
  });

  it('submit --out that fails after the batch exists names the batch and the results command that recovers', async () => {
    const input = await writeLines(f.dir, 'lost.jsonl', [requestLine('a', 'x'.repeat(400)), requestLine('b', 'y'.repeat(400))]);
    const out = path.join(f.dir, 'lost results.jsonl');
    // Every download of this run drops midway, the retry too.
    f.emulator.faults.next({ kind: 'drop', path: /^\/v1\/files\/[^/]+\/content$/, afterBytes: 200, times: 2 });
    const run = await cli(['submit', input, '--out', out]);
    assert.strictEqual(run.code, ExitCode.network, run.err);
    const batchId = run.out.trim();
    assert.match(batchId, /^[0-9a-f]{24}$/, 'the id is on stdout as soon as the batch exists');
    const command = `kluster results ${batchId} --input ${input} --out '${out}'`;
    assert.ok(run.err.trimEnd().endsWith(`Batch ${batchId} was created; '${command}' writes its results once it has ended.`), run.err);
    await fs.access(out).then(
      () => assert.fail('results written'),
      () => undefined,
    );

    const recovered = await cli(['results', batchId, '--input', input, '--out', out]);
    assert.strictEqual(recovered.code, ExitCode.ok, recovered.err);
    assert.deepStrictEqual(
      (await fs.readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status),
      ['succeeded', 'succeeded'],
    );
  });

  it('--json: the error object carries batch_id when waiting or the download fails after creation', async () => {
    const input = await writeLines(f.dir, 'json-lost.jsonl', [requestLine('a', 'x'.repeat(400))]);
    const out = path.join(f.dir, 'json-lost-results.jsonl');
    f.emulator.faults.next({ kind: 'drop', path: /^\/v1\/files\/[^/]+\/content$/, afterBytes: 100, times: 2 });
    const run = await cli(['--json', 'submit', input, '--out', out]);
    assert.strictEqual(run.code, ExitCode.network, run.err);
    assert.strictEqual(run.out, '');
    const { error } = JSON.parse(run.err);
    assert.match(error.batch_id, /^[0-9a-f]{24}$/);
    assert.strictEqual(error.kind, 'network');
    assert.ok(
      error.message.includes(`'kluster results ${error.batch_id} --input ${input} --out ${out}' writes its results`),
      error.message,
    );

    // A refusal while polling (here: the batch is gone) is just as definite an end, and names it too.
    f.emulator.faults.next({ kind: 'server_error', status: 404, path: /^\/v1\/batches\/[^/]+$/, method: 'GET', times: 5 });
    const polled = await cli(['--json', 'submit', input, '--wait']);
    const polledError = JSON.parse(polled.err).error;
    assert.strictEqual(polled.code, ExitCode.api, polled.err);
    assert.match(polledError.batch_id, /^[0-9a-f]{24}$/);
    assert.match(polledError.message, new RegExp(`'kluster batches get ${polledError.batch_id}' shows it\\.$`));
  });

  it('submit --out: a download dropped once is retried and the results are written', async () => {
    const input = await writeLines(f.dir, 'retried.jsonl', [requestLine('a', 'x'.repeat(400)), requestLine('b', 'y')]);
    const out = path.join(f.dir, 'retried-results.jsonl');
    f.emulator.faults.next({ kind: 'drop', path: /^\/v1\/files\/[^/]+\/content$/, afterBytes: 200 });
    const run = await cli(['submit', input, '--out', out]);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(f.emulator.faults.pending, 0, 'the drop happened');
    assert.strictEqual((await fs.readFile(out, 'utf8')).trim().split('\n').length, 2);
  });

  it('refuses a bad --out before anything is uploaded: dangling symlink, folder, trailing slash, the input itself', async () => {
    const input = await writeLines(f.dir, 'checks.jsonl', [requestLine('a', 'x')]);
    const dangling = path.join(f.dir, 'dangling.jsonl');
    await fs.symlink(path.join(f.dir, 'nowhere', 'r.jsonl'), dangling);
    const folder = path.join(f.dir, 'a-folder');
    await fs.mkdir(folder);
    const linkToInput = path.join(f.dir, 'link-to-input.jsonl');
    await fs.symlink(input, linkToInput);
    const before = uploads();
    const cases: [string[], RegExp][] = [
      [['--out', dangling], /already exists/],
      [['--out', dangling, '--force'], /it is a symbolic link to .*nowhere\/r\.jsonl, which does not exist\./],
      [['--out', folder, '--force'], /it is a folder; give a file name\./],
      [['--out', path.join(f.dir, 'newdir') + '/'], /the name ends in \/, so it names a folder; give a file name\./],
      [['--out', input, '--force'], /it is the input file .*checks\.jsonl; results need a file of their own\./],
      [['--out', linkToInput, '--force'], /it is the input file/],
    ];
    for (const [options, message] of cases) {
      const run = await cli(['submit', input, ...options]);
      assert.strictEqual(run.code, ExitCode.io, `${options.join(' ')}: ${run.err}`);
      assert.match(run.err, message, options.join(' '));
      const again = await cli(['results', 'batch_none', '--input', input, ...options]);
      assert.strictEqual(again.code, ExitCode.io, `results ${options.join(' ')}: ${again.err}`);
      assert.match(again.err, message);
    }
    assert.strictEqual(uploads(), before, 'nothing uploaded');
    assert.strictEqual(await fs.readFile(input, 'utf8'), requestLine('a', 'x') + '\n');
  });

  it('--force over a 0600 results file keeps 0600; over a symlink it writes the file the link points to', async () => {
    const { input, batchId } = await completedBatch('modes', ['m1']);
    const privateOut = path.join(f.dir, 'private.jsonl');
    await fs.writeFile(privateOut, 'old\n', { mode: 0o600 });
    await fs.chmod(privateOut, 0o600);
    assert.strictEqual((await cli(['results', batchId, '--input', input, '--out', privateOut, '--force'])).code, ExitCode.ok);
    assert.strictEqual((await fs.stat(privateOut)).mode & 0o777, 0o600);
    const link = path.join(f.dir, 'results-link.jsonl');
    await fs.symlink(privateOut, link);
    await fs.writeFile(privateOut, 'old again\n');
    assert.strictEqual((await cli(['results', batchId, '--input', input, '--out', link, '--force'])).code, ExitCode.ok);
    assert.ok((await fs.lstat(link)).isSymbolicLink());
    assert.strictEqual(JSON.parse(await fs.readFile(privateOut, 'utf8')).custom_id, 'm1');
  });

  it('--wait rides out an outage of more than five failed polls, saying it retries', async () => {
    const client = f.client({ maxRetries: 0 });
    const input = await writeLines(f.dir, 'outage.jsonl', [requestLine('a', 'x')]);
    const batch = await client.createBatch({ inputFileId: (await client.uploadFile(input)).id, completionWindow: '1h' });
    f.emulator.faults.next({ kind: 'server_error', status: 503, path: `/v1/batches/${batch.id}`, method: 'GET', times: 8 });
    let err = '';
    const ctx = {
      json: false,
      io: { out: () => undefined, err: (t: string) => void (err += t + '\n') },
      signal: new AbortController().signal,
    } as unknown as CliContext;
    const ended = await waitForBatch(ctx, client, batch.id, {
      created: batch,
      poll: { minMs: 5, maxMs: 20 },
      outage: { minMs: 5, maxMs: 20 },
    });
    assert.strictEqual(ended.status, 'completed');
    assert.strictEqual(f.emulator.faults.pending, 0, 'all eight failures were met');
    assert.strictEqual(err.match(/service unreachable, retrying in \d+ s \(kluster\.ai had a server error \(503/g)?.length, 8, err);

    // With --json each retry is an object in the shape of the transport's retry notices, naming the batch.
    f.emulator.faults.next({ kind: 'server_error', status: 503, path: `/v1/batches/${batch.id}`, method: 'GET', times: 1 });
    const lines: string[] = [];
    const jsonCtx = {
      json: true,
      io: { out: () => undefined, err: (t: string) => void lines.push(t) },
      signal: new AbortController().signal,
    } as unknown as CliContext;
    await waitForBatch(jsonCtx, client, batch.id, { created: batch, poll: { minMs: 5, maxMs: 20 }, outage: { minMs: 5, maxMs: 20 } });
    assert.strictEqual(lines.length, 1, lines.join('\n'));
    const { retry } = JSON.parse(lines[0]!);
    assert.deepStrictEqual([retry.kind, retry.status, retry.batch_id, retry.retry, retry.of], ['server', 503, batch.id, null, null]);
    assert.match(retry.message, /^service unreachable, retrying in 1 s/);
  });

  it('--wait stops once the completion window has long passed and the service still does not answer', async () => {
    const client = f.client({ maxRetries: 0 });
    const input = await writeLines(f.dir, 'expired-wait.jsonl', [requestLine('a', 'x')]);
    const batch = await client.createBatch({ inputFileId: (await client.uploadFile(input)).id, completionWindow: '1h' });
    const deadline = giveUpAt(batch)!;
    assert.strictEqual(deadline, (batch.expires_at! + 30 * 60) * 1000, 'the window end (expires_at) plus 30 minutes');
    f.emulator.faults.next({ kind: 'server_error', status: 503, path: `/v1/batches/${batch.id}`, method: 'GET', times: 3 });
    const ctx = {
      json: true,
      io: { out: () => undefined, err: () => undefined },
      signal: new AbortController().signal,
    } as unknown as CliContext;
    const error = await waitForBatch(ctx, client, batch.id, {
      created: batch,
      outage: { minMs: 5, maxMs: 5 },
      now: () => deadline + 1,
    }).then(
      () => assert.fail('kept waiting'),
      (e: Error) => e,
    );
    assert.match(error.message, new RegExp(`Stopped waiting for batch ${batch.id}: its completion window closed at `));
    assert.strictEqual(f.emulator.faults.pending, 2, 'gave up at the first failure past the deadline');
    assert.strictEqual(giveUpAt({ created_at: 1000, completion_window: '24h', expires_at: null }), (1000 + 24 * 3600 + 30 * 60) * 1000);
  });

  describe('the built dist/cli.js', () => {
    it('SIGTERM during a download or the results write: exit 143, no temp file beside --out or in TMPDIR', async () => {
      const tmpdir = await fs.mkdtemp(path.join(f.dir, 'tmpdir-'));
      const input = await writeLines(f.dir, 'term-download.jsonl', [requestLine('t1', 'x'), requestLine('t2', 'y')]);
      const out = path.join(f.dir, 'term-results.jsonl');
      f.emulator.faults.next({ kind: 'slow', path: /^\/v1\/files\/[^/]+\/content$/, delayMs: 10000 });
      const downloading = startCli(['submit', input, '--out', out], tmpdir);
      while (!(await fs.readdir(tmpdir)).some((n) => n.startsWith('kluster-results-')))
        await new Promise((resolve) => setTimeout(resolve, 5));
      downloading.child.kill('SIGTERM');
      const run = await downloading.done;
      assert.strictEqual(run.code, TERMINATED, run.err);
      assert.match(
        run.err,
        /\nkluster: Cancelled\. Batch [0-9a-f]{24} was created; 'kluster results [0-9a-f]{24} --input .*' writes its results once it has ended\.\n$/,
      );
      assert.deepStrictEqual(await fs.readdir(tmpdir), [], 'the download folder is gone');

      // 60,000 requests without results: the join writes about 9 MB, long enough to be stopped halfway.
      const big = await cancelledBatch('term-write', 60000);
      const outDir = await fs.mkdtemp(path.join(f.dir, 'term-out-'));
      const writing = startCli(['results', big.batchId, '--input', big.input, '--out', path.join(outDir, 'r.jsonl')], tmpdir);
      while (!(await tmpFiles(outDir)).length) await new Promise((resolve) => setTimeout(resolve, 1));
      writing.child.kill('SIGTERM');
      const stopped = await writing.done;
      assert.strictEqual(stopped.code, TERMINATED, stopped.err);
      assert.deepStrictEqual(await fs.readdir(outDir), [], 'no temp file and no half-written results');
      assert.deepStrictEqual(await fs.readdir(tmpdir), []);
    });

    it('a write error during the results write (file size limit) is exit 5 naming the file and folder, leaving nothing', async () => {
      const { input, batchId } = await cancelledBatch('too-big', 20000);
      const tmpdir = await fs.mkdtemp(path.join(f.dir, 'tmpdir-'));
      const outDir = await fs.mkdtemp(path.join(f.dir, 'limit-out-'));
      const out = path.join(outDir, 'r.jsonl');
      // RLIMIT_FSIZE of 512 KB (dash counts 512-byte blocks) for about 3 MB of results; SIGXFSZ ignored, so write gets EFBIG.
      const run = await startCli(['results', batchId, '--input', input, '--out', out], tmpdir, "trap '' XFSZ; ulimit -f 1024").done;
      assert.strictEqual(run.code, ExitCode.io, run.err);
      assert.strictEqual(run.err, `kluster: Cannot write ${out} in ${outDir}: the file would be larger than this system allows.\n`);
      assert.deepStrictEqual(await fs.readdir(outDir), []);
      assert.deepStrictEqual(await fs.readdir(tmpdir), []);
    });
  });
});
