// The schemas accept what the service really sends (examples copied from the kluster.ai API reference).
import * as assert from 'assert';
import {
  BatchListSchema,
  BatchSchema,
  FileObjectSchema,
  FineTuningJobListSchema,
  ChatCompletionSchema,
  describeZodError,
} from '../../../src/core/api';

const docsRetrievedBatch = `{
  "id": "mybatch-123", "object": "batch", "endpoint": "/v1/chat/completions", "errors": null,
  "input_file_id": "myfile-123", "completion_window": "24h", "status": "completed",
  "output_file_id": "myfile-123-output", "error_file_id": null,
  "created_at": "1733832777", "in_progress_at": "1733832777", "expires_at": "1733919177",
  "finalizing_at": "1733832781", "completed_at": "1733832781", "failed_at": null, "expired_at": null,
  "cancelling_at": null, "cancelled_at": null,
  "request_counts": { "total": 4, "completed": 4, "failed": 0 }, "metadata": {}
}`;

describe('API schemas', () => {
  it('normalises numeric-string timestamps to numbers', () => {
    const batch = BatchSchema.parse(JSON.parse(docsRetrievedBatch));
    assert.strictEqual(batch.created_at, 1733832777);
    assert.strictEqual(batch.completed_at, 1733832781);
    assert.strictEqual(batch.failed_at, null);
  });

  it('accepts integer timestamps (the create response)', () => {
    const batch = BatchSchema.parse({
      ...JSON.parse(docsRetrievedBatch),
      status: 'validating',
      created_at: 1733832777,
      expires_at: 1733919177,
    });
    assert.strictEqual(batch.expires_at, 1733919177);
  });

  it('accepts errors as null or as a list with line numbers', () => {
    const failed = BatchSchema.parse({
      ...JSON.parse(docsRetrievedBatch),
      status: 'failed',
      errors: { object: 'list', data: [{ code: 'invalid_json_line', message: 'bad', param: null, line: 3 }] },
    });
    assert.strictEqual(failed.errors?.data?.[0]?.line, 3);
  });

  it('accepts errors as a bare list, as the service sometimes sends it, in the documented shape', () => {
    const bare = BatchSchema.parse({
      ...JSON.parse(docsRetrievedBatch),
      status: 'failed',
      errors: [{ code: 'invalid_json_line', message: 'Line 2: not valid JSON', param: null, line: 2 }],
    });
    assert.deepStrictEqual(bare.errors, {
      object: 'list',
      data: [{ code: 'invalid_json_line', message: 'Line 2: not valid JSON', param: null, line: 2 }],
    });
    assert.deepStrictEqual(BatchSchema.parse({ ...JSON.parse(docsRetrievedBatch), errors: [] }).errors, { object: 'list', data: [] });
    assert.strictEqual(BatchSchema.parse({ ...JSON.parse(docsRetrievedBatch), errors: null }).errors, null);
  });

  it('one batch with a bare errors list does not break the whole list', () => {
    const failed = { ...JSON.parse(docsRetrievedBatch), id: 'b-failed', status: 'failed', errors: [{ message: 'bad', line: '7' }] };
    const list = BatchListSchema.parse({ object: 'list', data: [JSON.parse(docsRetrievedBatch), failed], has_more: false });
    assert.strictEqual(list.data[1]!.errors?.data?.[0]?.line, 7);
  });

  it('normalises numeric strings in error lines, request counts and file sizes', () => {
    const batch = BatchSchema.parse({
      ...JSON.parse(docsRetrievedBatch),
      errors: { object: 'list', data: [{ code: 'x', message: 'bad', line: '12' }] },
      request_counts: { total: '4', completed: '3', failed: '1' },
    });
    assert.strictEqual(batch.errors?.data?.[0]?.line, 12);
    assert.deepStrictEqual(batch.request_counts, { total: 4, completed: 3, failed: 1 });
    assert.strictEqual(FileObjectSchema.parse({ id: 'f', bytes: '2797', created_at: 1733832768 }).bytes, 2797);
    // Words are still refused, naming the field.
    const bad = FileObjectSchema.safeParse({ id: 'f', bytes: 'big' });
    assert.ok(!bad.success);
    assert.match(describeZodError(bad.error), /^bytes: /);
  });

  it('passes an undocumented status through', () => {
    assert.strictEqual(BatchSchema.parse({ ...JSON.parse(docsRetrievedBatch), status: 'paused_for_review' }).status, 'paused_for_review');
  });

  it("accepts kluster's list shape, keeping count, page and an items_per_page beyond 2^53", () => {
    const text = `{"object":"list","data":[${docsRetrievedBatch}],"first_id":"mybatch-123","last_id":"mybatch-789","has_more":false,"count":1,"page":1,"page_count":-1,"items_per_page":9223372036854775807}`;
    const list = BatchListSchema.parse(JSON.parse(text));
    assert.strictEqual(list.data[0]!.id, 'mybatch-123');
    assert.strictEqual(list.count, 1);
    assert.strictEqual(list.page_count, -1);
    assert.ok((list.items_per_page as number) > Number.MAX_SAFE_INTEGER);
  });

  it('parses the documented file object and fine-tuning list', () => {
    const file = FileObjectSchema.parse({
      id: 'myfile-123',
      bytes: 2797,
      created_at: '1733832768',
      filename: 'my_batch_request.jsonl',
      object: 'file',
      purpose: 'batch',
    });
    assert.strictEqual(file.created_at, 1733832768);
    const jobs = FineTuningJobListSchema.parse({
      object: 'list',
      data: [
        {
          object: 'fine_tuning.job',
          id: '67ae81b59b08392687ea5f69',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          created_at: 1739489717,
          result_files: [],
          status: 'running',
          training_file: '67ae81587772e8a89c8fd5cf',
          hyperparameters: { batch_size: 4, learning_rate_multiplier: 1, n_epochs: 3 },
          method: { type: 'supervised' },
          integrations: [],
        },
      ],
      first_id: '67ae81b59b08392687ea5f69',
      last_id: '67abefddbee1f22fb0a742ef',
      has_more: true,
    });
    assert.strictEqual(jobs.data[0]!.status, 'running');
  });

  it('parses the documented async acknowledgement (no usage)', () => {
    const ack = ChatCompletionSchema.parse({
      id: '67783976bf636f79b49643ee_1743267849127',
      object: 'chat.completion',
      created: 1743267849,
      model: 'google/gemma-3-27b-it',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Your request has been queued.' }, finish_reason: 'stop' }],
    });
    assert.strictEqual(ack.usage, undefined);
  });

  it('names the failing field', () => {
    const bad = BatchSchema.safeParse({ ...JSON.parse(docsRetrievedBatch), request_counts: { total: 'four' } });
    assert.ok(!bad.success);
    assert.match(describeZodError(bad.error), /^request_counts\.total: /);
    const badTime = BatchSchema.safeParse({ ...JSON.parse(docsRetrievedBatch), created_at: 'yesterday' });
    assert.ok(!badTime.success);
    assert.match(describeZodError(badTime.error), /^created_at: /);
  });
});
