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
