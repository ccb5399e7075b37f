// Fine-tuning job responses parse in the shapes the kluster.ai docs print. The fixtures are the docs' own JSON
// (API reference "Fine-tuning" responses and the fine-tuning tutorial's printed job), copied verbatim.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  FineTuningJobListSchema,
  FineTuningJobSchema,
  fineTuningHyperparameters,
  TERMINAL_FINE_TUNING_STATUSES,
} from '../../../src/core/api';
import { jobErrorText } from '../../../src/core/fineTuning/jobText';

const fixture = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../test/fixtures/fine-tuning-docs', `${name}.json`), 'utf8'));

describe('Fine-tuning job schemas (the docs’ examples)', () => {
  it('parses the create response: queued, result_files [], method.supervised with the hyperparameters', () => {
    const job = FineTuningJobSchema.parse(fixture('create'));
    assert.strictEqual(job.status, 'queued');
    assert.deepStrictEqual(job.result_files, []);
    assert.strictEqual(job.method?.type, 'supervised');
    assert.strictEqual(job.method?.supervised?.n_epochs, 3);
    assert.deepStrictEqual(fineTuningHyperparameters(job), { batch_size: 4, learning_rate_multiplier: 1, n_epochs: 3 });
    assert.strictEqual(job.fine_tuned_model, undefined);
  });

  it('parses the retrieve response and the paginated list', () => {
    assert.strictEqual(FineTuningJobSchema.parse(fixture('retrieve')).status, 'running');
    const list = FineTuningJobListSchema.parse(fixture('list'));
    assert.deepStrictEqual(
      list.data.map((j) => j.status),
      ['running', 'cancelled'],
    );
    assert.strictEqual(list.has_more, true);
    assert.strictEqual(list.last_id, '67abefddbee1f22fb0a742ef');
    assert.strictEqual(fineTuningHyperparameters(list.data[1]!).n_epochs, 10);
  });

  it('parses the cancel response: null fine_tuned_model and validation_file, metrics {}, error null', () => {
    const job = FineTuningJobSchema.parse(fixture('cancel'));
    assert.strictEqual(job.status, 'cancelling');
    assert.strictEqual(job.fine_tuned_model, null);
    assert.strictEqual(job.validation_file, null);
    assert.deepStrictEqual(job.metrics, {});
    assert.strictEqual(job.error, null);
    assert.strictEqual(job.created_at, 1738382911);
  });

  it('parses the job object example: succeeded, finished_at, the fine-tuned model and trained_tokens', () => {
    const job = FineTuningJobSchema.parse(fixture('object'));
    assert.strictEqual(job.fine_tuned_model, 'ft:meta-llama:Llama-3.1-8B-Instruct:personal:805b5d69');
    assert.strictEqual(job.finished_at, 1739405521);
    assert.strictEqual(job.trained_tokens, 3065);
    assert.ok(TERMINAL_FINE_TUNING_STATUSES.has(job.status));
  });

  it('parses the tutorial’s job: method.supervised.hyperparameters null beside the values, dpo null, nulls everywhere', () => {
    const job = FineTuningJobSchema.parse(fixture('tutorial-create'));
    assert.strictEqual(job.method?.supervised?.hyperparameters, null);
    assert.strictEqual(job.method?.dpo, null);
    assert.strictEqual(job.trained_tokens, null);
    assert.strictEqual(job.estimated_finish, null);
    assert.deepStrictEqual(fineTuningHyperparameters(job), { batch_size: 1, learning_rate_multiplier: 1, n_epochs: 10 });
  });

  it('normalises numeric-string timestamps and counts, as the service sends them elsewhere', () => {
    const job = FineTuningJobSchema.parse({
      ...(fixture('object') as object),
      created_at: '1739405431',
      finished_at: '1739405521',
      trained_tokens: '3065',
    });
    assert.strictEqual(job.created_at, 1739405431);
    assert.strictEqual(job.finished_at, 1739405521);
    assert.strictEqual(job.trained_tokens, 3065);
  });

  it('takes the hyperparameters from method.supervised.hyperparameters when only that is set', () => {
    const job = FineTuningJobSchema.parse({
      id: 'j',
      status: 'queued',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2, batch_size: 8 } } },
    });
    assert.deepStrictEqual(fineTuningHyperparameters(job), { batch_size: 8, learning_rate_multiplier: undefined, n_epochs: 2 });
  });

  it('keeps a failed job’s error and an unknown status', () => {
    const failed = FineTuningJobSchema.parse({
      id: 'j',
      status: 'failed',
      error: { code: 'invalid_training_file', message: 'too few examples', param: 'training_file' },
    });
    assert.strictEqual(failed.error?.message, 'too few examples');
    assert.strictEqual(FineTuningJobSchema.parse({ id: 'j', status: 'validating_files' }).status, 'validating_files');
  });

  it('keeps a job whose error is a bare string or a list (one odd job must not hide the whole list)', () => {
    const text = FineTuningJobSchema.parse({ id: 'j', status: 'failed', error: 'Training diverged' });
    assert.deepStrictEqual(text.error, { message: 'Training diverged' });
    assert.strictEqual(jobErrorText(text), 'Training diverged');
    const list = FineTuningJobSchema.parse({
      id: 'j',
      status: 'failed',
      error: [{ code: 'oom', message: 'Out of memory' }, { message: 'later' }],
    });
    assert.strictEqual(jobErrorText(list), 'Out of memory (oom)');
    assert.strictEqual(FineTuningJobSchema.parse({ id: 'j', status: 'failed', error: [] }).error, null);
    const numeric = FineTuningJobSchema.parse({ id: 'j', status: 'failed', error: { code: 500, message: 'Internal' } });
    assert.strictEqual(jobErrorText(numeric), 'Internal (500)');
    const listed = FineTuningJobListSchema.parse({ object: 'list', data: [{ id: 'a', status: 'failed', error: 'x' }, fixture('object')] });
    assert.strictEqual(listed.data.length, 2);
  });
});
