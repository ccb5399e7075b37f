// `chat` against the emulator: a streamed reply, and an async request answered through its one-request batch.
import * as assert from 'assert';
import { execFile } from 'child_process';
import { ExitCode } from '../../../src/cli/command';
import { useEmulator } from '../api/helpers';
import { CLI, runCaptured, type CliRun } from './helpers';

const MODEL = 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo';

describe('CLI chat', () => {
  const f = useEmulator();
  const env = () => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });
  const cli = (args: string[]) => runCaptured(args, env());

  it('streams the reply to stdout (the built CLI, a real process) and sends the system message first', async () => {
    const run = await new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'chat', '--model', MODEL, '--system', 'Be brief.', '--message', 'hello there'],
        { env: { PATH: process.env.PATH, ...env() }, timeout: 20000 },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? -1) : 0, out, err }),
      );
    });
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(run.out, `Emulated answer from ${MODEL} to: hello there\n`);
    const sent = f.emulator.state.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as {
      stream: boolean;
      messages: unknown[];
    };
    assert.strictEqual(sent.stream, true);
    assert.deepStrictEqual(sent.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hello there' },
    ]);
  });

  it('--async queues the request as a batch of one and prints the batch id', async () => {
    const run = await cli(['chat', '--model', MODEL, '--message', 'later please', '--async', '--window', '1h']);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    const batchId = run.out.trim();
    const batch = f.emulator.state.batch(batchId);
    assert.ok(batch, `batch ${batchId} exists`);
    assert.match(run.err, new RegExp(`queued as batch ${batchId} \\(completion window 1h\\)`));
    const shown = JSON.parse((await cli(['--json', 'batches', 'get', batchId])).out);
    assert.strictEqual(shown.completion_window, '1h');
  });

  it('--async --wait prints the answer once the batch completes; --json gives the completion', async () => {
    const run = await cli(['chat', '--model', MODEL, '--message', 'queued question', '--async', '--window', '1h', '--wait']);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(run.out, `Emulated answer from ${MODEL} to: queued question\n`);
    assert.match(run.err, /: completed 1\/1/);
    const json = await cli(['--json', 'chat', '--model', MODEL, '--message', 'json please', '--async', '--wait']);
    const report = JSON.parse(json.out);
    assert.match(report.batch_id, /^[0-9a-f]{24}$/);
    assert.strictEqual(report.completion.choices[0].message.content, `Emulated answer from ${MODEL} to: json please`);
  });

  it('escapes control characters of a streamed reply: the model cannot drive the terminal', async () => {
    const run = await new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'chat', '--model', MODEL, '--message', '[[answer:\u001b[31mRED\u0007 and\ttab]]'],
        { env: { PATH: process.env.PATH, ...env() }, timeout: 20000 },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? -1) : 0, out, err }),
      );
    });
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(run.out, '\\u001b[31mRED\\u0007 and\ttab\n');
  });

  it('a stream cut by a dropped connection ends its partial reply with a line break and says it was cut off (exit 4)', async () => {
    f.emulator.faults.next({ kind: 'drop', path: '/v1/chat/completions', times: 5 });
    const run = await new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'chat', '--model', MODEL, '--message', 'a long question that is cut'],
        { env: { PATH: process.env.PATH, ...env() }, timeout: 20000 },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? -1) : 0, out, err }),
      );
    });
    assert.strictEqual(run.code, ExitCode.network, run.err);
    assert.ok(run.out.length > 1 && run.out.endsWith('\n'), JSON.stringify(run.out));
    assert.ok(`Emulated answer from ${MODEL} to: a long question that is cut`.startsWith(run.out.trimEnd()), run.out);
    assert.match(run.err, /^kluster: The connection to .* broke: .* The reply above is incomplete\.\n$/);
  });

  it('--async whose answer is cut off says the request may have been queued anyway (exit 4)', async () => {
    const batchesBefore = f.emulator.state.batches.list().length;
    f.emulator.faults.next({ kind: 'drop', path: '/v1/chat/completions', method: 'POST' });
    const run = await cli(['chat', '--model', MODEL, '--message', 'lost answer', '--async']);
    assert.strictEqual(run.code, ExitCode.network, run.err);
    assert.strictEqual(f.emulator.state.batches.list().length, batchesBefore + 1, 'the service did queue it');
    assert.match(
      run.err,
      /^kluster: The connection to .* broke: .* It may have been queued anyway: 'kluster batches list' shows its batch\.\n$/,
    );
  });

  it('--async --wait on a batch that fails says why (the batch’s errors), exit 1', async () => {
    const failedBatch = {
      id: 'b-failed',
      object: 'batch',
      status: 'failed',
      errors: { object: 'list', data: [{ code: 'invalid_request', message: 'Line 1: the model is not available', line: 1 }] },
      output_file_id: null,
      error_file_id: null,
    };
    f.emulator.faults.next({ kind: 'respond', path: '/v1/batches/', method: 'GET', times: 5, body: JSON.stringify(failedBatch) });
    const run = await cli(['chat', '--model', MODEL, '--message', 'doomed', '--async', '--wait']);
    assert.strictEqual(run.code, ExitCode.findings, run.err);
    assert.match(
      run.err,
      /kluster: The request's batch [0-9a-f]{24} ended failed without a result: Line 1: the model is not available \(invalid_request\)\.\n$/,
    );
    assert.strictEqual(run.out, '');
  });

  it('bad usage exits 2', async () => {
    for (const [args, message] of [
      [['chat', '--message', 'x'], /missing --model/],
      [['chat', '--model', MODEL], /missing --message/],
      [['chat', '--model', MODEL, '--message', 'x', '--wait'], /--window and --wait go with --async/],
      [['chat', '--model', MODEL, '--message', 'x', '--async', '--window', '2h'], /--window must be one of 1h, 3h, 6h, 12h, 24h, not '2h'/],
    ] as const) {
      const run = await cli([...args]);
      assert.strictEqual(run.code, ExitCode.usage, `${args.join(' ')}: ${run.err}`);
      assert.match(run.err, message);
    }
  });
});
