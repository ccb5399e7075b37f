// KlusterClient against the emulator: every endpoint, real HTTP, real files.
import * as assert from 'assert';
import { getEventListeners } from 'events';
import { promises as fs } from 'fs';
import * as path from 'path';
import { KlusterError } from '../../../src/core/api';
import { DOCUMENTED_MODELS } from '../../../src/core/models';
import { FileExistsError } from '../../../src/core/util/atomicFile';
import { FAIL_TRIGGER } from '../../../src/emulator';
import { rejects, requestLine, useEmulator, waitForBatch, writeLines } from './helpers';

describe('KlusterClient against the emulator', () => {
  const f = useEmulator();

  describe('models', () => {
    it('lists the documented models', async () => {
      const models = await f.client().listModels();
      assert.deepStrictEqual(
        models.map((m) => m.id),
        DOCUMENTED_MODELS.map((m) => m.id),
      );
      assert.strictEqual(models[0]!.created, DOCUMENTED_MODELS[0]!.created);
    });
  });

  it("leaves no abort listeners on the caller's signal (a long --wait polls hundreds of times)", async () => {
    const controller = new AbortController();
    for (let i = 0; i < 15; i++) await f.client().listBatches({ signal: controller.signal });
    assert.strictEqual(getEventListeners(controller.signal, 'abort').length, 0);
  });

  describe('files', () => {
    it('uploads from disk reporting progress, then retrieves, lists, reads and deletes', async () => {
      const client = f.client();
      const input = await writeLines(f.dir, 'files.jsonl', [requestLine('a', 'one'), requestLine('b', 'two')]);
      const { size } = await fs.stat(input);
      const progress: number[] = [];
      const uploaded = await client.uploadFile(input, {
        onProgress: (done, total) => (assert.strictEqual(total, size), progress.push(done)),
      });
      assert.strictEqual(uploaded.bytes, size);
      assert.strictEqual(uploaded.filename, 'files.jsonl');
      assert.strictEqual(uploaded.purpose, 'batch');
      assert.strictEqual(typeof uploaded.created_at, 'number', 'the numeric-string timestamp is normalised');
      assert.strictEqual(progress.at(-1), size);
      assert.deepStrictEqual(
        [...progress].sort((a, b) => a - b),
        progress,
        'progress never goes back',
      );

      assert.strictEqual((await client.getFile(uploaded.id)).bytes, size);
      const listed = await client.listFiles({ purpose: 'batch' });
      assert.ok(listed.data.some((file) => file.id === uploaded.id));

      const dest = path.join(f.dir, 'copy.jsonl');
      assert.strictEqual(await client.downloadFileContent(uploaded.id, dest), size);
      assert.strictEqual(await fs.readFile(dest, 'utf8'), await fs.readFile(input, 'utf8'));

      const chunks: Buffer[] = [];
      for await (const chunk of await client.openFileContent(uploaded.id)) chunks.push(Buffer.from(chunk));
      assert.strictEqual(Buffer.concat(chunks).toString('utf8'), await fs.readFile(input, 'utf8'));

      assert.deepStrictEqual(await client.deleteFile(uploaded.id), { id: uploaded.id, object: 'file', deleted: true });
      const gone = await rejects(client.getFile(uploaded.id));
      assert.ok(gone instanceof KlusterError && gone.kind === 'not_found');
    });

    it('uploads fine-tune files and filters the list by purpose', async () => {
      const client = f.client();
      const train = await writeLines(f.dir, 'train.jsonl', [
        JSON.stringify({
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'hello' },
          ],
        }),
      ]);
      const uploaded = await client.uploadFile(train, { purpose: 'fine-tune' });
      const second = await client.uploadFile(train, { purpose: 'fine-tune', filename: 'train-2.jsonl' });
      assert.strictEqual(uploaded.purpose, 'fine-tune');
      assert.strictEqual(second.filename, 'train-2.jsonl');
      const batchFiles = await client.listFiles({ purpose: 'batch' });
      assert.ok(!batchFiles.data.some((file) => file.id === uploaded.id));
      const page = await client.listFiles({ limit: 1, purpose: 'fine-tune' });
      assert.strictEqual(page.data.length, 1);
      assert.strictEqual(page.has_more, true);
      assert.strictEqual(page.data[0]!.id, second.id, 'newest first');
      const next = await client.listFiles({ limit: 1, after: page.data[0]!.id, purpose: 'fine-tune' });
      assert.strictEqual(next.data[0]!.id, uploaded.id);
    });

    it('never overwrites an existing download unless asked, and leaves no temp file', async () => {
      const client = f.client();
      const input = await writeLines(f.dir, 'keep.jsonl', [requestLine('k', 'keep')]);
      const uploaded = await client.uploadFile(input);
      const dest = path.join(f.dir, 'exists.jsonl');
      await fs.writeFile(dest, 'precious');
      assert.ok((await rejects(client.downloadFileContent(uploaded.id, dest))) instanceof FileExistsError);
      assert.strictEqual(await fs.readFile(dest, 'utf8'), 'precious');
      await client.downloadFileContent(uploaded.id, dest, { overwrite: true });
      assert.strictEqual(await fs.readFile(dest, 'utf8'), await fs.readFile(input, 'utf8'));
      assert.deepStrictEqual(
        (await fs.readdir(f.dir)).filter((n) => n.endsWith('.tmp')),
        [],
      );
    });
  });

  describe('batches', () => {
    it('runs a batch through validating → in_progress → finalizing → completed with results and errors', async () => {
      const client = f.client();
      const lines = [
        requestLine('r1', 'What is the capital of Argentina?'),
        requestLine('r2', `boom ${FAIL_TRIGGER}`),
        requestLine('r3', 'x', { model: 'no/such-model' }),
        requestLine('r4', 'Last one'),
      ];
      const file = await client.uploadFile(await writeLines(f.dir, 'batch.jsonl', lines));
      const created = await client.createBatch({ inputFileId: file.id, completionWindow: '1h', metadata: { project: 'test' } });
      assert.strictEqual(created.status, 'validating');
      assert.strictEqual(created.completion_window, '1h');
      assert.deepStrictEqual(created.metadata, { project: 'test' });
      assert.strictEqual(created.expires_at! - created.created_at!, 3600);

      const seen: string[] = [];
      const done = await waitForBatch(client, created.id, ['completed'], seen);
      assert.deepStrictEqual(seen, ['validating', 'in_progress', 'finalizing', 'completed']);
      assert.deepStrictEqual(done.request_counts, { total: 4, completed: 2, failed: 2 });
      assert.strictEqual(typeof done.completed_at, 'number');

      const out = path.join(f.dir, 'out.jsonl');
      const err = path.join(f.dir, 'err.jsonl');
      await client.downloadFileContent(done.output_file_id!, out);
      await client.downloadFileContent(done.error_file_id!, err);
      const outLines = (await fs.readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const errLines = (await fs.readFile(err, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepStrictEqual(outLines.map((l) => l.custom_id).sort(), ['r1', 'r4']);
      assert.match(outLines.find((l) => l.custom_id === 'r1').response.body.choices[0].message.content, /capital of Argentina/);
      assert.deepStrictEqual(errLines.map((l) => l.custom_id).sort(), ['r2', 'r3']);
      assert.strictEqual(errLines.find((l) => l.custom_id === 'r3').response.status_code, 404);
      assert.strictEqual(errLines.find((l) => l.custom_id === 'r2').error.code, 'server_error');
    });

    it('fails a batch whose input has invalid lines, naming the line numbers', async () => {
      const client = f.client();
      const bad = [
        '{"custom_id":"ok","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"x"}]}}',
        '{not json',
        '{"custom_id":"ok","method":"GET","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"x"}]}}',
      ];
      const file = await client.uploadFile(await writeLines(f.dir, 'bad.jsonl', bad));
      const batch = await client.createBatch({ inputFileId: file.id });
      const failed = await waitForBatch(client, batch.id, ['failed']);
      const errors = failed.errors!.data!;
      assert.deepStrictEqual(
        errors.map((e) => e.line),
        [2, 3, 3],
      );
      assert.deepStrictEqual(
        errors.map((e) => e.code),
        ['invalid_json_line', 'duplicate_custom_id', 'invalid_value'],
      );
      assert.strictEqual(errors[2]!.param, 'method');
      assert.strictEqual(typeof failed.failed_at, 'number');
    });

    it('cancels: cancelling → cancelled, keeping results done before the cancel', async () => {
      const client = f.client();
      const file = await client.uploadFile(await writeLines(f.dir, 'cancel.jsonl', [requestLine('c1', 'a'), requestLine('c2', 'b')]));
      const batch = await client.createBatch({ inputFileId: file.id });
      const cancelling = await client.cancelBatch(batch.id);
      assert.strictEqual(cancelling.status, 'cancelling');
      assert.strictEqual(typeof cancelling.cancelling_at, 'number');
      const cancelled = await waitForBatch(client, batch.id, ['cancelled']);
      assert.strictEqual(typeof cancelled.cancelled_at, 'number');
      assert.strictEqual(cancelled.output_file_id, null, 'cancelled while validating: nothing ran');
      const again = await rejects(client.cancelBatch(batch.id));
      assert.ok(again instanceof KlusterError && again.kind === 'bad_request', String(again));
    });

    it('expires a running batch with partial results', async () => {
      const client = f.client();
      const file = await client.uploadFile(await writeLines(f.dir, 'expire.jsonl', [requestLine('e1', 'a')]));
      const batch = await client.createBatch({ inputFileId: file.id });
      await waitForBatch(client, batch.id, ['in_progress', 'finalizing']);
      assert.ok(await f.emulator.state.expireBatch(batch.id));
      const expired = await client.getBatch(batch.id);
      assert.strictEqual(expired.status, 'expired');
      assert.strictEqual(typeof expired.expired_at, 'number');
    });

    it('lists batches newest first with after/limit pagination, keeping kluster extra fields', async () => {
      const client = f.client();
      const file = await client.uploadFile(await writeLines(f.dir, 'list.jsonl', [requestLine('l1', 'a')]));
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await client.createBatch({ inputFileId: file.id })).id);
      const first = await client.listBatches({ limit: 2 });
      assert.deepStrictEqual(
        first.data.map((b) => b.id),
        [ids[2], ids[1]],
      );
      assert.strictEqual(first.has_more, true);
      assert.strictEqual(first.last_id, ids[1]);
      assert.strictEqual(first.count, 2);
      assert.strictEqual(first.items_per_page, Number('9223372036854775807'), 'what JSON.parse makes of 2^63-1');
      const second = await client.listBatches({ limit: 2, after: first.last_id! });
      assert.strictEqual(second.data[0]!.id, ids[0]);
      const all: string[] = [];
      for await (const batch of client.iterateBatches({ pageSize: 2 })) all.push(batch.id);
      assert.deepStrictEqual(all.slice(0, 3), [ids[2], ids[1], ids[0]]);
      assert.strictEqual(new Set(all).size, all.length, 'no batch twice across pages');
    });
  });

  describe('chat', () => {
    const request = { model: 'google/gemma-3-27b-it', messages: [{ role: 'user', content: 'What is the capital of Argentina?' }] };

    it('returns a whole, deterministic completion', async () => {
      const first = await f.client().chat(request);
      const second = await f.client().chat(request);
      assert.strictEqual(
        first.choices[0]!.message.content,
        'Emulated answer from google/gemma-3-27b-it to: What is the capital of Argentina?',
      );
      assert.strictEqual(first.id, second.id);
      assert.strictEqual(first.usage!.total_tokens, first.usage!.prompt_tokens! + first.usage!.completion_tokens!);
    });

    it('streams the same answer chunk by chunk', async () => {
      const whole = await f.client().chat(request);
      let text = '';
      let chunks = 0;
      for await (const chunk of f.client().chatStream({ ...request, stream_options: { include_usage: true } })) {
        chunks++;
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      assert.strictEqual(text, whole.choices[0]!.message.content);
      assert.ok(chunks > 5);
    });

    it('queues an async request, which appears as a batch and completes', async () => {
      const client = f.client();
      const ack = await client.submitAsyncChat({ ...request, metadata: { tag: 'async-test' } }, '6h');
      assert.match(String(ack.choices[0]!.message.content), /queued/);
      const batch = (await client.listBatches({ limit: 100 })).data.find((b) => b.metadata?.['tag'] === 'async-test');
      assert.ok(batch, 'the async request shows up in the batch list');
      assert.strictEqual(batch.completion_window, '6h');
      assert.deepStrictEqual(batch.metadata!['@kluster.ai'], { async: true, completion_window: '6h' });
      const done = await waitForBatch(client, batch.id, ['completed']);
      assert.deepStrictEqual(done.request_counts, { total: 1, completed: 1, failed: 0 });
    });
  });

  describe('fine-tuning', () => {
    it('creates, lists, retrieves, finishes and cancels jobs', async () => {
      const client = f.client();
      const example = JSON.stringify({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      });
      const train = await client.uploadFile(await writeLines(f.dir, 'ft.jsonl', Array<string>(10).fill(example)), { purpose: 'fine-tune' });
      const job = await client.createFineTuningJob({
        trainingFile: train.id,
        model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo',
        hyperparameters: { n_epochs: 2 },
      });
      assert.strictEqual(job.status, 'queued');
      assert.strictEqual(job.hyperparameters!['n_epochs'], 2);
      const other = await client.createFineTuningJob({ trainingFile: train.id, model: 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo' });
      assert.strictEqual((await client.cancelFineTuningJob(other.id)).status, 'cancelling');

      const listed = await client.listFineTuningJobs({ limit: 10 });
      assert.deepStrictEqual(
        listed.data.slice(0, 2).map((j) => j.id),
        [other.id, job.id],
      );

      let current = job;
      const deadline = Date.now() + 5000;
      while (current.status !== 'succeeded' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        current = await client.getFineTuningJob(job.id);
      }
      assert.strictEqual(current.status, 'succeeded');
      assert.ok(current.fine_tuned_model);
      assert.ok(
        (await client.listModels()).some((m) => m.id === current.fine_tuned_model),
        'the tuned model is listed',
      );
      assert.strictEqual((await client.getFineTuningJob(other.id)).status, 'cancelled');

      const tooSmall = await client.uploadFile(await writeLines(f.dir, 'ft-9.jsonl', Array<string>(9).fill(example)), {
        purpose: 'fine-tune',
      });
      let failed = await client.createFineTuningJob({ trainingFile: tooSmall.id, model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo' });
      assert.strictEqual(failed.status, 'queued');
      const seen = new Set<string>();
      while (failed.status !== 'failed' && Date.now() < deadline + 5000) {
        seen.add(failed.status);
        await new Promise((resolve) => setTimeout(resolve, 25));
        failed = await client.getFineTuningJob(failed.id);
      }
      assert.ok(seen.has('running'), `went through running: ${[...seen].join(', ')}`);
      assert.strictEqual(failed.status, 'failed');
      assert.strictEqual(failed.fine_tuned_model, null);
      assert.ok(failed.finished_at);
      assert.deepStrictEqual(failed.error, {
        code: 'invalid_training_file',
        message: 'The training file has 9 examples; at least 10 are required.',
        param: 'training_file',
      });

      const wrongPurpose = await rejects(client.createFineTuningJob({ trainingFile: train.id, model: 'google/gemma-3-27b-it' }));
      assert.ok(wrongPurpose instanceof KlusterError && wrongPurpose.kind === 'bad_request');
    });
  });
});
