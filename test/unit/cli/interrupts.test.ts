// Ctrl-C once a batch exists: whatever was interrupted (the wait, a download), the message names the batch and
// the command that gets its results, so nothing is lost to the interruption.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { runCli } from '../../../src/cli/main';
import { ExitCode } from '../../../src/cli/command';
import { useEmulator } from '../api/helpers';
import type { CliRun } from './helpers';

const MODEL = 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo';
const CONTENT = /^\/v1\/files\/[^/]+\/content$/;

describe('CLI interrupted after the batch exists', () => {
  const f = useEmulator();
  const env = () => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });

  /** Runs the CLI in-process and aborts its signal (what Ctrl-C does) once `when` holds for stderr or the requests. */
  async function interrupted(argv: string[], when: (err: string, paths: string[]) => boolean): Promise<CliRun> {
    const controller = new AbortController();
    let out = '';
    let err = '';
    const before = f.emulator.state.requests.length;
    const check = () => {
      const paths = f.emulator.state.requests.slice(before).map((r) => r.path);
      if (!controller.signal.aborted && when(err, paths)) controller.abort();
    };
    const timer = setInterval(check, 2);
    const line = (t: string) => (t.endsWith('\n') ? t : t + '\n');
    const io = { out: (t: string) => void (out += line(t)), err: (t: string) => void ((err += line(t)), check()) };
    try {
      const code = await runCli(argv, io, env(), controller.signal);
      assert.ok(controller.signal.aborted, `never interrupted: ${err}`);
      return { code, out, err };
    } finally {
      clearInterval(timer);
    }
  }
  const batchIdIn = (err: string) => /queued as batch (\S+)|batch (\S+) created/.exec(err)?.slice(1).find(Boolean);

  it('chat --async --wait: Ctrl-C while waiting names the batch and how to read its answer', async () => {
    const run = await interrupted(['chat', '--model', MODEL, '--message', 'later', '--async', '--wait'], (err) => err.includes('queued'));
    assert.strictEqual(run.code, ExitCode.interrupted, run.err);
    const id = batchIdIn(run.err)!;
    assert.match(run.err.trimEnd().split('\n').at(-1)!, new RegExp(`^kluster: .*'kluster batches get ${id}' .*'kluster files content `));
  });

  it('chat --async --wait: Ctrl-C while the answer downloads names the batch and how to read its answer', async () => {
    f.emulator.faults.next({ kind: 'slow', path: CONTENT, delayMs: 10_000 });
    const run = await interrupted(['chat', '--model', MODEL, '--message', 'later', '--async', '--wait'], (_, paths) =>
      paths.some((p) => CONTENT.test(p)),
    );
    assert.strictEqual(run.code, ExitCode.interrupted, run.err);
    const id = batchIdIn(run.err)!;
    assert.match(run.err.trimEnd().split('\n').at(-1)!, new RegExp(`^kluster: Cancelled\\. .*'kluster batches get ${id}' `));

    f.emulator.faults.next({ kind: 'slow', path: CONTENT, delayMs: 10_000 });
    const json = await interrupted(['--json', 'chat', '--model', MODEL, '--message', 'again', '--async', '--wait'], (_, paths) =>
      paths.some((p) => CONTENT.test(p)),
    );
    assert.match(JSON.parse(json.err.trimEnd().split('\n').at(-1)!).error.batch_id, /^[0-9a-f]{24}$/);
  });

  it('experiment run --wait: Ctrl-C while the results download gives the results command of each batch', async () => {
    const dir = await fs.mkdtemp(path.join(f.dir, 'exp-'));
    const exp = path.join(dir, 'e.experiment.yaml');
    await fs.writeFile(exp, `prompts:\n  - "Say {{word}}"\nproviders:\n  - ${MODEL}\ntests:\n  - vars: {word: hi}\n`);
    f.emulator.faults.next({ kind: 'slow', path: CONTENT, delayMs: 10_000 });
    const run = await interrupted(['experiment', 'run', exp, '--wait'], (_, paths) => paths.some((p) => CONTENT.test(p)));
    assert.strictEqual(run.code, ExitCode.interrupted, run.err);
    const id = batchIdIn(run.err)!;
    const batchFile = path.join(dir, 'e.batch.jsonl');
    const results = path.join(dir, 'e.results.jsonl');
    assert.ok(
      run.err.includes(`'kluster results ${id} --input ${batchFile} --out ${results}' writes its results once it has ended`),
      run.err,
    );
  });
});
