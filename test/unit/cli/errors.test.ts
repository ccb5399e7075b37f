// What the CLI says when things go wrong: the right cause and exit code, one short line, nothing the terminal obeys.
import * as assert from 'assert';
import { spawn } from 'child_process';
import { existsSync, openSync, closeSync } from 'fs';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../src/cli/command';
import { requestLine, useEmulator, writeLines } from '../api/helpers';
import { CLI, runCaptured } from './helpers';

const ESC = '\u001b';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('CLI errors', () => {
  const f = useEmulator();
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url, ...extra });
  const uploads = () => f.emulator.state.requests.filter((r) => r.path === '/v1/files' && r.method === 'POST').length;

  describe('local trouble is not the network', () => {
    it('files upload DIR, submit DIR (with or without --no-validate), validate DIR: exit 5 naming the folder, nothing sent', async () => {
      const before = uploads();
      for (const args of [
        ['files', 'upload', f.dir],
        ['submit', f.dir, '--no-validate'],
        ['submit', f.dir],
        ['validate', f.dir],
      ]) {
        const run = await runCaptured(args, env());
        assert.strictEqual(run.code, ExitCode.io, `${args.join(' ')}: ${run.err}`);
        assert.strictEqual(run.err, `kluster: Cannot read ${f.dir}: it is a folder, not a file.\n`);
      }
      assert.strictEqual(uploads(), before);
    });

    it('an unreadable file is exit 5 with its path', async function () {
      if (process.getuid?.() === 0) this.skip(); // root reads anything
      const locked = await writeLines(f.dir, 'locked.jsonl', [requestLine('a', 'x')]);
      await fs.chmod(locked, 0o000);
      try {
        const run = await runCaptured(['files', 'upload', locked], env());
        assert.strictEqual(run.code, ExitCode.io, run.err);
        assert.strictEqual(run.err, `kluster: Cannot read ${locked}: permission denied.\n`);
      } finally {
        await fs.chmod(locked, 0o600);
      }
    });

    it('a read that fails during the upload is exit 5 with the path, not a network failure', async function () {
      // Linux: /proc/self/mem passes stat as a regular file, and reading it from the start fails with EIO.
      if (!existsSync('/proc/self/mem')) this.skip();
      const before = uploads();
      const run = await runCaptured(['files', 'upload', '/proc/self/mem'], env());
      assert.strictEqual(run.code, ExitCode.io, run.err);
      assert.strictEqual(run.err, 'kluster: Cannot read /proc/self/mem: input/output error (EIO).\n');
      assert.strictEqual(uploads(), before + 1, 'the request began, and nothing was retried');
    });

    it('output that cannot be written (stdout on /dev/full) is one line and exit 5, no stack trace', async function () {
      if (!existsSync('/dev/full')) this.skip();
      const full = openSync('/dev/full', 'w');
      const child = spawn(process.execPath, [CLI, 'models'], {
        env: { PATH: process.env.PATH, ...env() },
        stdio: ['ignore', full, 'pipe'],
      });
      closeSync(full);
      let err = '';
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.strictEqual(code, ExitCode.io, err);
      assert.strictEqual(err, 'kluster: Cannot write the output: no space left on device (ENOSPC).\n');
    });
  });

  describe('--json errors', () => {
    it('a usage error with --json is the documented JSON error object, and nothing on stdout', async () => {
      const cases: [string[], NodeJS.ProcessEnv, string][] = [
        [['--json', 'submit', 'x.jsonl', '--wiat'], env(), "unknown option '--wiat'; did you mean '--wait'?"],
        [['--json', 'nosuch'], env(), "unknown command 'nosuch'"],
        [['batches', 'get', '--json'], env(), 'missing batch ID'],
        [['--json', 'models'], {}, 'no API key: pass --api-key KEY or set KLUSTER_API_KEY'],
        [['--json', 'models', '--base-url'], env(), '--base-url needs a value'],
      ];
      for (const [args, environment, message] of cases) {
        const run = await runCaptured(args, environment);
        assert.strictEqual(run.code, ExitCode.usage, args.join(' '));
        assert.strictEqual(run.out, '');
        assert.deepStrictEqual(JSON.parse(run.err), { error: { kind: 'usage', message } }, args.join(' '));
      }
    });
  });

  describe('a create request cut off', () => {
    it('submit says a batch may exist all the same and how to find it (the upload is done, the answer never came)', async () => {
      const input = await writeLines(f.dir, 'cut.jsonl', [requestLine('a', 'x')]);
      // Every attempt at creating the batch loses its connection before an answer (the SDK retries twice).
      f.emulator.faults.next({ kind: 'drop', path: '/v1/batches', method: 'POST', afterBytes: 0, times: 3 });
      const run = await runCaptured(['submit', input], env());
      assert.strictEqual(run.code, ExitCode.network, run.err);
      const last = run.err.trim().split('\n').at(-1)!;
      assert.match(last, /^kluster: .*A batch of file \S+ may have been created all the same: 'kluster batches list' shows it\.$/);
      f.emulator.faults.next({ kind: 'drop', path: '/v1/batches', method: 'POST', afterBytes: 0, times: 3 });
      const again = await runCaptured(['submit', input, '--json'], env());
      const error = JSON.parse(again.err.trim().split('\n').at(-1)!).error;
      assert.match(error.message, /may have been created all the same/);
      assert.strictEqual(error.batch_id, undefined, 'no batch id is made up');
    });
  });

  describe("the service's text", () => {
    it('an HTML 502 page of 64 KB becomes a short line: tags, styles and scripts gone, 300 characters at most', async () => {
      const filler = '<p>Please try again in a few moments. If the problem persists, contact support.</p>\n'.repeat(800);
      const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body { font-family: sans-serif; color: #333 }</style><script>var x = "<b>";</script></head><body><h1>502 Bad&nbsp;Gateway</h1>\n${filler}</body></html>`;
      assert.ok(page.length > 64 * 1024);
      f.emulator.faults.next({
        kind: 'respond',
        path: '/v1/batches',
        status: 502,
        body: page,
        headers: { 'content-type': 'text/html', 'retry-after': '0' },
        times: 3,
      });
      const run = await runCaptured(['batches', 'list'], env());
      assert.strictEqual(run.code, ExitCode.network);
      const last = run.err.trim().split('\n').at(-1)!;
      assert.match(last, /^kluster: kluster\.ai had a server error \(502: 502 Bad Gateway 502 Bad Gateway Please try again/);
      assert.ok(!/[<>{}]|font-family|var x/.test(last), last);
      assert.ok(last.length < 300 + 150, `${last.length} characters`);
      assert.match(last, /…\) and retries did not help\. Try again later\.$/);
    });

    it('terminal control characters from the service are shown escaped, in errors and in output', async () => {
      const hostile = `${ESC}]0;owned${String.fromCharCode(7)}${ESC}[2Jcleared\rover\u009b31m`;
      f.emulator.faults.next({
        kind: 'respond',
        path: '/v1/batches',
        status: 400,
        body: JSON.stringify({ error: { message: `bad ${hostile}` } }),
      });
      const error = await runCaptured(['batches', 'list'], env());
      assert.strictEqual(error.code, ExitCode.api);
      assert.strictEqual(
        error.err,
        'kluster: The API rejected the request (400): bad \\u001b]0;owned\\u0007\\u001b[2Jcleared over\\u009b31m.\n',
      );

      const input = await writeLines(f.dir, 'esc.jsonl', [requestLine('a', 'x')]);
      const file = await f.client().uploadFile(input);
      const batch = await f.client().createBatch({ inputFileId: file.id });
      const shown = { ...batch, status: 'failed', errors: { object: 'list', data: [{ code: 'x', line: 1, message: `line ${hostile}` }] } };
      f.emulator.faults.next({ kind: 'respond', path: `/v1/batches/${batch.id}`, body: JSON.stringify(shown) });
      const get = await runCaptured(['batches', 'get', batch.id], env());
      assert.strictEqual(get.code, ExitCode.ok, get.err);
      assert.ok(!CONTROL.test(get.out), JSON.stringify(get.out));
      assert.match(get.out, /^error: line 1: line \\u001b\]0;owned\\u0007\\u001b\[2Jcleared\\u000dover\\u009b31m$/m);

      const list = {
        object: 'list',
        data: [{ id: 'file-x', object: 'file', bytes: 1, created_at: 1, filename: `a${ESC}[31mred\nnext.jsonl`, purpose: 'batch' }],
        has_more: false,
      };
      f.emulator.faults.next({ kind: 'respond', path: '/v1/files', method: 'GET', body: JSON.stringify(list) });
      const files = await runCaptured(['files', 'list'], env());
      assert.strictEqual(files.out.split('\n')[1], 'file-x  batch    1      1970-01-01 00:00:01  a\\u001b[31mred\\u000anext.jsonl');

      f.emulator.faults.next({ kind: 'respond', path: '/v1/files', method: 'GET', body: JSON.stringify(list) });
      const json = await runCaptured(['--json', 'files', 'list'], env());
      assert.ok(!CONTROL.test(json.out));
      assert.strictEqual(
        JSON.parse(json.out).data[0].filename,
        list.data[0]!.filename,
        'JSON output keeps the value, escaped the JSON way',
      );
    });

    it("a 413 names one limit: the service's own when it states one", async () => {
      const small = await import('../../../src/emulator').then((m) => m.startEmulator({ limits: { maxFileBytes: 1_000_000 } }));
      try {
        const big = path.join(f.dir, 'over-limit.jsonl');
        await fs.writeFile(big, (requestLine('x', 'y'.repeat(1000)) + '\n').repeat(1100));
        const run = await runCaptured(['files', 'upload', big], { KLUSTER_API_KEY: small.apiKey, KLUSTER_BASE_URL: small.url });
        assert.strictEqual(run.code, ExitCode.api);
        assert.match(run.err, /0\.954 MB/);
        assert.ok(!/100 MB/.test(run.err), run.err);
      } finally {
        await small.close();
      }
    });
  });

  describe('the API key', () => {
    it('a key with a line break or a non-ASCII letter is called malformed (exit 2), not a network failure', async () => {
      const cases: [string, string][] = [
        ['test\nkey-123', 'it contains a line break (character 5 of 12)'],
        ['tëst-key-123', 'it contains a non-ASCII character (character 2 of 12)'],
        ['test key-123', 'it contains a space (character 5 of 12)'],
      ];
      for (const [key, problem] of cases) {
        const run = await runCaptured(['models'], env({ KLUSTER_API_KEY: key }));
        assert.strictEqual(run.code, ExitCode.usage, run.err);
        assert.strictEqual(
          run.err,
          `kluster: the API key is malformed: ${problem}; check --api-key or KLUSTER_API_KEY\nusage: kluster models\n`,
        );
      }
    });

    it('the key is trimmed, as the extension does: a key file with a CRLF ending works', async () => {
      const run = await runCaptured(['models'], env({ KLUSTER_API_KEY: ` ${f.emulator.apiKey}\r\n` }));
      assert.strictEqual(run.code, ExitCode.ok, run.err);
      const flag = await runCaptured(['--api-key', `${f.emulator.apiKey}\n`, 'models'], { KLUSTER_BASE_URL: f.emulator.url });
      assert.strictEqual(flag.code, ExitCode.ok, flag.err);
    });
  });
});
