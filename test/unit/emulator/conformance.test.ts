// The emulator speaks the documented API: the official openai SDK drives it directly, and the
// batch guide's curl snippets run against it unchanged except for the host.
import * as assert from 'assert';
import { execFile, execFileSync } from 'child_process';
import { promises as fs, existsSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import OpenAI, { toFile } from 'openai';
import { FAST_TIMING, startEmulator, type Emulator } from '../../emulator';

const ROOT = path.resolve(__dirname, '../../../..');
const QUICKSTART = path.join(ROOT, 'test/fixtures/batch-guide/quickstart-deepseek-r1.sh');
const GUIDE = path.join(ROOT, '../shared/reference/kluster-batch-guide.txt');

// Snippets from the batch guide ("Upload batch job files", "List all batch jobs", "Cancel a batch job").
const UPLOAD_SNIPPET = `curl -s https://api.kluster.ai/v1/files \\
-H "Authorization: Bearer $API_KEY" \\
-H "Content-Type: multipart/form-data" \\
-F "file=@my_batch_request.jsonl" \\
-F "purpose=batch"`;
const LIST_SNIPPET = `curl -s https://api.kluster.ai/v1/batches \\
-H "Authorization: Bearer $API_KEY"`;
const CANCEL_SNIPPET = `curl -s https://api.kluster.ai/v1/batches/$BATCH_ID/cancel \\
-H "Authorization: Bearer $API_KEY" \\
-H "Content-Type: application/json" \\
-X POST`;

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
  let dir: string;
  before(async () => {
    emulator = await startEmulator({ timing: FAST_TIMING });
    sdk = new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey, maxRetries: 0 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'conformance-'));
  });
  after(async () => {
    await emulator.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('with the official openai SDK', () => {
    it('uploads, runs a batch, pages the batch list and reads the output', async () => {
      const line = JSON.stringify({ custom_id: 'sdk-1', method: 'POST', url: '/v1/chat/completions', body: { model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'Hello SDK' }] } });
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
      for await (const chunk of await sdk.chat.completions.create({ model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo', messages, stream: true })) {
        streamed += chunk.choices[0]?.delta?.content ?? '';
      }
      assert.strictEqual(streamed, whole.choices[0]!.message.content);
      const models = [];
      for await (const model of sdk.models.list()) models.push(model.id);
      assert.ok(models.includes('google/gemma-3-27b-it'));
    });

    it('runs the fine-tuning calls from the docs', async () => {
      const training = await sdk.files.create({ file: await toFile(Buffer.from('{"messages":[]}\n'), 'train.jsonl'), purpose: 'fine-tune' });
      const job = await sdk.fineTuning.jobs.create({ training_file: training.id, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', hyperparameters: { batch_size: 4, learning_rate_multiplier: 1, n_epochs: 3 } });
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

  describe("the batch guide's curl snippets", function () {
    before(function () {
      if (!has('curl') || !has('jq') || !has('bash')) this.skip(); // the guide's scripts need curl, jq and bash
    });

    const origin = () => new URL(emulator.url).origin;
    const withHost = (script: string) => script.split('https://api.kluster.ai').join(origin());

    function bash(script: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
      return new Promise((resolve) => {
        execFile('bash', ['-c', script], { cwd: dir, env: { ...process.env, API_KEY: emulator.apiKey, ...env }, timeout: 20000 }, (error, out, err) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
        );
      });
    }

    it('the vendored quickstart matches the guide, when the guide is at hand', async function () {
      if (!existsSync(GUIDE)) this.skip();
      const guide = await fs.readFile(GUIDE, 'utf8');
      const script = await fs.readFile(QUICKSTART, 'utf8');
      assert.ok(guide.includes(script.trimEnd()), 'the guide changed: refresh test/fixtures/batch-guide/');
      for (const snippet of [UPLOAD_SNIPPET, LIST_SNIPPET, CANCEL_SNIPPET]) assert.ok(guide.includes(snippet), snippet);
    });

    it('runs the DeepSeek R1 quickstart end to end (only the host changed)', async () => {
      // The script polls with `sleep 10`; a faster `sleep` on PATH keeps the test quick without editing it.
      const bin = path.join(dir, 'bin');
      await fs.mkdir(bin, { recursive: true });
      await fs.writeFile(path.join(bin, 'sleep'), '#!/bin/sh\nexec /bin/sleep 0.1\n', { mode: 0o755 });
      const script = withHost(await fs.readFile(QUICKSTART, 'utf8'));
      const run = await bash(script, { PATH: `${bin}:${process.env.PATH}` });
      assert.strictEqual(run.code, 0, run.err);
      assert.match(run.out, /File uploaded, file ID: [0-9a-f]{24}/);
      assert.match(run.out, /Batch job submitted, job ID: [0-9a-f]{24}/);
      const results = run.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      assert.deepStrictEqual(results.map((r) => r.custom_id).sort(), ['request-1', 'request-2', 'request-4']);
      assert.ok(results.every((r) => r.response.status_code === 200));
    });

    it('runs the upload, list and cancel snippets', async () => {
      const request = { custom_id: 'request-1', method: 'POST', url: '/v1/chat/completions', body: { model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'Hi' }] } };
      await fs.writeFile(path.join(dir, 'my_batch_request.jsonl'), JSON.stringify(request) + '\n');
      const upload = await bash(withHost(UPLOAD_SNIPPET));
      const file = JSON.parse(upload.out);
      assert.strictEqual(file.filename, 'my_batch_request.jsonl');
      assert.strictEqual(typeof file.created_at, 'string', 'a numeric string, as the docs show');
      const batch = await new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey }).batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const cancel = JSON.parse((await bash(withHost(CANCEL_SNIPPET), { BATCH_ID: batch.id })).out);
      assert.strictEqual(cancel.status, 'cancelling');
      const list = await bash(withHost(LIST_SNIPPET));
      assert.match(list.out, /"items_per_page":9223372036854775807}$/);
      assert.ok(JSON.parse(list.out).data.some((b: { id: string }) => b.id === batch.id));
    });
  });
});
