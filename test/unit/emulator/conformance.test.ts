// The emulator speaks the documented API: the official openai SDK drives it directly, and every curl snippet
// and bash quickstart of the batch guide runs against it unchanged except for the host.
import * as assert from 'assert';
import { execFile, execFileSync } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import OpenAI, { toFile } from 'openai';
import { FAST_TIMING, startEmulator, type Emulator, type RequestLogEntry } from '../../../src/emulator';
import { GUIDE, loadFixtures, loadGuide, type GuideSnippet } from './batchGuide';

/** A batch input like the guide's. */
const GUIDE_REQUESTS =
  ['request-1', 'request-2']
    .map((id) =>
      JSON.stringify({
        custom_id: id,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'deepseek-ai/DeepSeek-R1', messages: [{ role: 'user', content: `Question ${id}` }], max_completion_tokens: 1000 },
      }),
    )
    .join('\n') + '\n';
const QUICKSTARTS = [
  'deepseek-r1',
  'deepseek-v3',
  'deepseek-v3-0324',
  'gemma-3-27b',
  'llama-3-1-405b',
  'llama-3-1-8b',
  'llama-3-3-70b',
  'qwen-2-5-7b',
]
  .map((n) => `quickstart-${n}.sh`)
  .sort();
const SNIPPETS = [
  'cancel-a-batch-job',
  'list-all-batch-jobs',
  'monitor-job-progress',
  'retrieve-results',
  'submit-a-batch-job',
  'upload-batch-job-files',
]
  .map((n) => `snippet-${n}.sh`)
  .sort();
/** The guide's placeholder ids: myfile-123, mybatch-123, kluster-output-file-123. */
const EXAMPLE_ID = /\b[a-z][\w-]*-123\b/g;

interface Run {
  code: number;
  out: string;
  err: string;
  cwd: string;
  requests: RequestLogEntry[];
}

function realIdFor(example: string, ids: { batchId: string; inputFileId: string; outputFileId: string }): string {
  if (/output/.test(example)) return ids.outputFileId;
  if (/batch/.test(example)) return ids.batchId;
  if (/file/.test(example)) return ids.inputFileId;
  throw new Error(`no real id for the example id ${example}`);
}

/** What the snippet printed, or wrote where its `> FILE` sends it. */
async function responseText(script: string, run: Run): Promise<string> {
  const target = /> *(\S+)\s*$/.exec(script.trim())?.[1];
  return target ? fs.readFile(path.join(run.cwd, target), 'utf8') : run.out;
}

function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  return into;
}

/**
 * The response has every field the guide shows (at any depth), the same `object`, and integers beyond 2^53 as
 * the guide prints them. The guide's text is not always JSON (`{ ... },`), so its keys are read line by line.
 */
function assertDocumentedShape(documented: string, actualText: string): void {
  const actual = JSON.parse(actualText) as Record<string, unknown>;
  const missing = [...documented.matchAll(/^"(\w+)":/gm)].map((m) => m[1]!).filter((key) => !keysOf(actual).has(key));
  assert.deepStrictEqual([...new Set(missing)], [], `fields the guide shows but the emulator left out, in ${actualText}`);
  assert.strictEqual(actual.object, /^"object": "(\w+)"/m.exec(documented)![1]);
  const status = /^"status": "(\w+)"/m.exec(documented)?.[1];
  if (status && 'status' in actual) assert.strictEqual(actual.status, status, 'the status the guide shows at this step');
  for (const [, key, digits] of documented.matchAll(/^"(\w+)": (\d{16,})/gm))
    assert.ok(actualText.includes(`"${key}":${digits}`), `${key} is ${digits}, verbatim`);
  for (const [, key] of documented.matchAll(/^"(\w+)": "\d+",?$/gm)) {
    if (key === 'id' || !(key! in actual)) continue;
    const value = actual[key!];
    assert.ok(
      value === null || typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value)),
      `${key} is a timestamp: ${String(value)}`,
    );
  }
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('emulator conformance', () => {
  let emulator: Emulator;
  let sdk: OpenAI;
  before(async () => {
    emulator = await startEmulator({ timing: FAST_TIMING });
    sdk = new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey, maxRetries: 0 });
  });
  after(() => emulator.close());

  describe('with the official openai SDK', () => {
    it('uploads, runs a batch, pages the batch list and reads the output', async () => {
      const line = JSON.stringify({
        custom_id: 'sdk-1',
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'Hello SDK' }] },
      });
      const file = await sdk.files.create({ file: await toFile(Buffer.from(line + '\n'), 'sdk.jsonl'), purpose: 'batch' });
      assert.strictEqual(file.filename, 'sdk.jsonl');
      const batch = await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      assert.strictEqual(batch.status, 'validating');
      let current = batch;
      for (let i = 0; i < 100 && current.status !== 'completed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        current = await sdk.batches.retrieve(batch.id);
      }
      assert.strictEqual(current.status, 'completed');
      const output = await (await sdk.files.content(current.output_file_id!)).text();
      assert.match(output, /"custom_id":"sdk-1"/);
      assert.match(output, /Hello SDK/);

      await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const ids: string[] = [];
      for await (const b of sdk.batches.list({ limit: 1 })) ids.push(b.id); // the SDK follows after= cursors
      assert.strictEqual(ids.length, 3);
      assert.strictEqual(new Set(ids).size, 3);
    });

    it('answers chat completions whole and streamed, and lists models', async () => {
      const messages = [{ role: 'user' as const, content: 'What is the capital of Argentina?' }];
      const whole = await sdk.chat.completions.create({ model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo', messages });
      let streamed = '';
      for await (const chunk of await sdk.chat.completions.create({
        model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo',
        messages,
        stream: true,
      })) {
        streamed += chunk.choices[0]?.delta?.content ?? '';
      }
      assert.strictEqual(streamed, whole.choices[0]!.message.content);
      const models = [];
      for await (const model of sdk.models.list()) models.push(model.id);
      assert.ok(models.includes('google/gemma-3-27b-it'));
    });

    it('runs the fine-tuning calls from the docs', async () => {
      const training = await sdk.files.create({
        file: await toFile(Buffer.from('{"messages":[]}\n'), 'train.jsonl'),
        purpose: 'fine-tune',
      });
      const job = await sdk.fineTuning.jobs.create({
        training_file: training.id,
        model: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
        hyperparameters: { batch_size: 4, learning_rate_multiplier: 1, n_epochs: 3 },
      });
      assert.strictEqual(job.object, 'fine_tuning.job');
      assert.strictEqual((await sdk.fineTuning.jobs.retrieve(job.id)).id, job.id);
      assert.strictEqual((await sdk.fineTuning.jobs.cancel(job.id)).status, 'cancelling');
      const listed = await sdk.fineTuning.jobs.list({ limit: 3 });
      assert.ok(listed.data.some((j) => j.id === job.id));
    });

    it('refuses a wrong key with 401 as the SDK expects', async () => {
      const wrong = new OpenAI({ baseURL: emulator.url, apiKey: 'wrong', maxRetries: 0 });
      await assert.rejects(wrong.models.list(), OpenAI.AuthenticationError);
    });
  });

  describe("the batch guide's curl snippets and quickstarts, unchanged but for the host", function () {
    this.timeout(30_000);
    // Read while mocha collects tests: one test per quickstart and snippet. From the guide when ../shared is there.
    const guide = loadGuide();
    let fast: Emulator;
    /** Batches there stay running for seconds: the cancel snippet needs one. */
    let slow: Emulator;
    let completed: { batchId: string; inputFileId: string; outputFileId: string };
    let work: string;

    before(async function () {
      // The guide's scripts need curl, jq and bash. CI installs them, so there a missing tool is a failure, not a skip.
      const missing = ['curl', 'jq', 'bash'].filter((tool) => !has(tool));
      if (missing.length && process.env.CI)
        assert.fail(`the batch guide's scripts need ${missing.join(', ')}; test/vscode/setup.sh installs them`);
      if (missing.length) this.skip();
      fast = await startEmulator({ timing: FAST_TIMING });
      slow = await startEmulator();
      work = await fs.mkdtemp(path.join(os.tmpdir(), 'batch-guide-'));
      const client = new OpenAI({ baseURL: fast.url, apiKey: fast.apiKey, maxRetries: 0 });
      const input = await client.files.create({
        file: await toFile(Buffer.from(GUIDE_REQUESTS), 'my_batch_request.jsonl'),
        purpose: 'batch',
      });
      let batch = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      for (let i = 0; i < 200 && batch.status !== 'completed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        batch = await client.batches.retrieve(batch.id);
      }
      assert.strictEqual(batch.status, 'completed');
      completed = { batchId: batch.id, inputFileId: input.id, outputFileId: batch.output_file_id! };
    });
    after(async () => {
      await fast?.close();
      await slow?.close();
      if (work) await fs.rm(work, { recursive: true, force: true });
    });

    /** Runs a script in a fresh folder holding the guide's request file; `sleep` is fast, nothing else changes. */
    async function run(emulator: Emulator, script: string, env: Record<string, string> = {}): Promise<Run> {
      const cwd = await fs.mkdtemp(path.join(work, 'run-'));
      const bin = path.join(cwd, '.bin');
      await fs.mkdir(bin);
      await fs.writeFile(path.join(bin, 'sleep'), '#!/bin/sh\nexec /bin/sleep 0.1\n', { mode: 0o755 });
      await fs.writeFile(path.join(cwd, 'my_batch_request.jsonl'), GUIDE_REQUESTS);
      const since = emulator.state.requests.length;
      const hosted = script.split('https://api.kluster.ai').join(new URL(emulator.url).origin);
      assert.ok(!hosted.includes('api.kluster.ai'), 'every URL points at the emulator');
      const result = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(
          'bash',
          ['-c', hosted],
          { cwd, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, API_KEY: emulator.apiKey, ...env }, timeout: 20_000 },
          (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
        );
      });
      return { ...result, cwd, requests: emulator.state.requests.slice(since) };
    }

    it(`has all ${guide.source === 'guide' ? 'of the guide' : 'vendored'}: 8 quickstarts and 6 snippets`, () => {
      assert.deepStrictEqual(guide.scripts.map((s) => s.name).sort(), QUICKSTARTS);
      assert.deepStrictEqual(guide.snippets.map((s) => s.name).sort(), SNIPPETS);
    });

    it('the vendored copies in test/fixtures/batch-guide/ match the guide, when the guide is at hand', function () {
      if (!existsSync(GUIDE)) this.skip();
      const vendored = loadFixtures();
      const refresh = 'the guide changed: run `npm run build:tests && node out/test/unit/emulator/batchGuide.js --write`';
      assert.deepStrictEqual(
        vendored.scripts.map((s) => [s.name, s.script]),
        guide.scripts.map((s) => [s.name, s.script]).sort(),
        refresh,
      );
      const snippets = (list: GuideSnippet[]) => list.map((s) => [s.name, s.script, s.documentedResponse]).sort();
      assert.deepStrictEqual(snippets(vendored.snippets), snippets(guide.snippets), refresh);
    });

    for (const quickstart of guide.scripts) {
      it(`runs the ${quickstart.title} quickstart end to end`, async () => {
        const result = await run(fast, quickstart.script);
        assert.strictEqual(result.code, 0, result.err);
        assert.match(result.out, /File uploaded, file ID: [0-9a-f]{24}\n/);
        assert.match(result.out, /Batch job submitted, job ID: [0-9a-f]{24}\n/);
        const ids = [...quickstart.script.matchAll(/"custom_id": "([^"]+)"/g)].map((m) => m[1]);
        const model = /"model": "([^"]+)"/.exec(quickstart.script)![1];
        const results = result.out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l));
        assert.deepStrictEqual(results.map((r) => r.custom_id).sort(), ids.sort());
        for (const r of results) {
          assert.strictEqual(r.response.status_code, 200);
          assert.strictEqual(r.response.body.model, model);
          assert.ok(r.response.body.choices[0].message.content.length > 0);
        }
        assert.ok(
          result.requests.every((r) => r.status === 200),
          'no request failed',
        );
      });
    }

    for (const snippet of guide.snippets) {
      const examples = [...new Set(snippet.script.match(EXAMPLE_ID) ?? [])];
      const what = examples.length ? `its example id (${examples.join(', ')}) gets a JSON error; a real id gets` : 'gets';
      it(`${snippet.title}: ${what} the documented response`, async () => {
        const emulator = snippet.script.includes('/cancel') ? slow : fast;
        const env: Record<string, string> = {};
        if (snippet.script.includes('$BATCH_ID')) {
          const sdk = new OpenAI({ baseURL: slow.url, apiKey: slow.apiKey, maxRetries: 0 });
          const input = await sdk.files.create({ file: await toFile(Buffer.from(GUIDE_REQUESTS), 'to-cancel.jsonl'), purpose: 'batch' });
          env.BATCH_ID = (
            await sdk.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
          ).id;
        }
        if (examples.length) {
          const asIs = await run(emulator, snippet.script, env);
          assert.strictEqual(asIs.code, 0, asIs.err);
          assert.deepStrictEqual(
            asIs.requests.map((r) => r.status),
            [404],
            'one request, answered 404',
          );
          const error = JSON.parse(await responseText(snippet.script, asIs)).error;
          assert.strictEqual(typeof error.type, 'string');
          assert.ok(
            examples.some((id) => error.message.includes(id)),
            `the message names the id: ${error.message}`,
          );
        }
        const real = examples.reduce((script, id) => script.split(id).join(realIdFor(id, completed)), snippet.script);
        const result = await run(emulator, real, env);
        assert.strictEqual(result.code, 0, result.err);
        assert.deepStrictEqual(
          result.requests.map((r) => r.status),
          [200],
          'one request, answered 200',
        );
        const text = await responseText(real, result);
        if (snippet.documentedResponse) assertDocumentedShape(snippet.documentedResponse, text);
        else {
          // "each line contains the custom_id from your input file request and the corresponding response"
          const lines = text
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l));
          assert.deepStrictEqual(lines.map((l) => l.custom_id).sort(), ['request-1', 'request-2']);
          assert.ok(lines.every((l) => l.response.status_code === 200));
        }
      });
    }
  });
});
