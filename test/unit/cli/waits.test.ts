// The CLI never waits silently: retry waits are announced and capped, a dead server times out, Ctrl-C ends a wait.
import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import { ExitCode } from '../../../src/cli/command';
import { useEmulator } from '../api/helpers';
import { CLI, runCaptured, type CliRun } from './helpers';

describe('CLI waits', () => {
  const f = useEmulator();
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url, ...extra });

  function spawnCli(args: string[], environment: NodeJS.ProcessEnv): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { PATH: process.env.PATH, ...environment }, timeout: 15000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout, err: stderr });
        },
      );
    });
  }

  it('each retry wait is a line on stderr, and --max-retry-wait caps a long Retry-After', async () => {
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/models', retryAfterSeconds: 9999999 });
    const started = Date.now();
    const run = await runCaptured(['models', '--max-retry-wait', '0.2'], env());
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(run.err, 'rate limited; retrying in 0.2 s (retry 1 of 2; the service asked for 116 days)\n');
    assert.ok(Date.now() - started < 3000);

    f.emulator.faults.next({ kind: 'server_error', path: '/v1/batches', status: 502 });
    const json = await runCaptured(['--json', 'batches', 'list'], env({ KLUSTER_MAX_RETRY_WAIT: '0.1' }));
    assert.strictEqual(json.code, ExitCode.ok, json.err);
    assert.deepStrictEqual(JSON.parse(json.err), {
      retry: { kind: 'server', status: 502, seconds: 0.1, retry: 1, of: 2, message: 'server error 502; retrying in 0.1 s (retry 1 of 2)' },
    });
    JSON.parse(json.out);
  });

  it('a server that never answers fails after --timeout (or KLUSTER_TIMEOUT) with exit 4, naming the option', async () => {
    f.emulator.faults.next({ kind: 'stall', path: '/v1/models' });
    const started = Date.now();
    const run = await runCaptured(['models', '--timeout', '0.3'], env());
    assert.strictEqual(run.code, ExitCode.network, run.err);
    assert.match(
      run.err,
      /^kluster: The request to 127\.0\.0\.1:\d+ timed out: no answer within 0\.3 s\. .* Allow more time with --timeout SECONDS \(or KLUSTER_TIMEOUT\)\.\n$/,
    );
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);

    f.emulator.faults.next({ kind: 'stall', path: '/v1/models' });
    const fromEnv = await runCaptured(['--json', 'models'], env({ KLUSTER_TIMEOUT: '0.3' }));
    assert.strictEqual(fromEnv.code, ExitCode.network);
    assert.strictEqual(JSON.parse(fromEnv.err).error.kind, 'timeout');
  });

  it('refuses a --timeout or --max-retry-wait that is not a number of seconds', async () => {
    for (const args of [
      ['--timeout', '0'],
      ['--timeout', 'soon'],
      ['--timeout', '1e9'],
      ['--max-retry-wait', '-1'],
    ]) {
      const run = await runCaptured(['models', ...args], env());
      assert.strictEqual(run.code, ExitCode.usage, args.join(' '));
      assert.match(run.err, new RegExp(`^kluster: ${args[0]} \\(or KLUSTER_\\w+\\) must be a number of seconds`), run.err);
    }
    const fromEnv = await runCaptured(['models'], env({ KLUSTER_TIMEOUT: 'x' }));
    assert.strictEqual(fromEnv.code, ExitCode.usage);
  });

  it('Ctrl-C during a retry wait prints "Cancelled." and exits 130 at once', async () => {
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/models', retryAfterSeconds: 30 });
    const child = spawn(process.execPath, [CLI, 'models'], { env: { PATH: process.env.PATH, ...env() } });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const deadline = Date.now() + 5000;
    while (!err.includes('retrying in') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.strictEqual(code, ExitCode.interrupted, err);
    assert.strictEqual(err, 'rate limited; retrying in 30 s (retry 1 of 2)\nkluster: Cancelled.\n');
    assert.ok(Date.now() - sent < 2500, `ended ${Date.now() - sent} ms after SIGINT`);
  });

  it('a Retry-After of 9999999 prints no TimeoutOverflowWarning', async () => {
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/models', retryAfterSeconds: 9999999 });
    const run = await spawnCli(['models'], env({ KLUSTER_MAX_RETRY_WAIT: '0.1' }));
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.ok(!/TimeoutOverflowWarning|Warning/.test(run.err), run.err);
    assert.strictEqual(run.err, 'rate limited; retrying in 0.1 s (retry 1 of 2; the service asked for 116 days)\n');
  });
});
