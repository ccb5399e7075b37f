// How jobs read in the Fine-tuning view: the docs' own job objects (test/fixtures/fine-tuning-docs) go through.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FineTuningJobSchema, type FineTuningJob } from '../../../src/core/api';
import {
  hyperparametersText,
  jobDescription,
  jobEndedMessage,
  jobErrorText,
  jobIcon,
  jobLabel,
  jobTooltip,
} from '../../../src/core/fineTuning/jobText';

const fixture = (name: string): FineTuningJob =>
  FineTuningJobSchema.parse(
    JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../test/fixtures/fine-tuning-docs', `${name}.json`), 'utf8')),
  );
const names = (id: string) => (id === '67ad38760272045e7006171b' ? 'train.jsonl' : undefined);

describe('Fine-tuning job text', () => {
  it('labels a job by its base model and describes status and age', () => {
    const job = fixture('object');
    assert.strictEqual(jobLabel(job), 'Llama-3.1-8B-Instruct');
    assert.strictEqual(jobDescription(job, (job.created_at! + 120) * 1000), 'succeeded · 2m ago');
    assert.strictEqual(jobDescription({ ...job, status: 'validating_files' }, (job.created_at! + 3) * 1000), 'validating files · just now');
  });

  it('spins the icon of every status that is not terminal, and colours the ended ones', () => {
    const job = fixture('retrieve');
    assert.strictEqual(jobIcon(job).id, 'sync~spin');
    for (const status of ['pending', 'validating_files', 'queued', 'cancelling', 'something_new'])
      assert.match(jobIcon({ ...job, status }).id, /~spin$/, status);
    assert.deepStrictEqual(jobIcon({ ...job, status: 'succeeded' }), { id: 'pass', color: 'testing.iconPassed' });
    assert.deepStrictEqual(jobIcon({ ...job, status: 'failed' }), { id: 'error', color: 'testing.iconFailed' });
    assert.strictEqual(jobIcon({ ...job, status: 'cancelled' }).id, 'circle-slash');
  });

  it('reads hyperparameters from either place the docs put them', () => {
    assert.strictEqual(hyperparametersText(fixture('object')), 'epochs 2, batch 4, lr× 1');
    assert.strictEqual(hyperparametersText(fixture('create')), 'epochs 3, batch 4, lr× 1');
  });

  it('treats error {} and null as no error, and names message and code otherwise', () => {
    assert.strictEqual(jobErrorText(fixture('cancel')), undefined);
    assert.strictEqual(jobErrorText({ ...fixture('cancel'), error: {} }), undefined);
    const failed = { ...fixture('retrieve'), status: 'failed', error: { code: 'invalid_file', message: 'Too few examples.' } };
    assert.strictEqual(jobErrorText(failed), 'Too few examples. (invalid_file)');
    assert.strictEqual(
      jobEndedMessage(failed),
      `Fine-tuning job ${failed.id} (${jobLabel(failed)}) failed: Too few examples. (invalid_file).`,
    );
    const done = fixture('object');
    assert.strictEqual(
      jobEndedMessage(done),
      'Fine-tuning job 67ad3877720af9f9ba78b684 (Llama-3.1-8B-Instruct) succeeded: ft:meta-llama:Llama-3.1-8B-Instruct:personal:805b5d69.',
    );
  });

  it('puts every field in the tooltip, with file names and escaped text', () => {
    const tooltip = jobTooltip(fixture('object'), names);
    for (const row of [
      '| id | 67ad3877720af9f9ba78b684 |',
      '| status | succeeded |',
      '| base model | meta-llama/Llama-3.1-8B-Instruct |',
      '| fine-tuned model | ft:meta-llama:Llama-3.1-8B-Instruct:personal:805b5d69 |',
      '| training file | train.jsonl (67ad38760272045e7006171b) |',
      '| n\\_epochs | 2 |',
      '| batch\\_size | 4 |',
      '| learning\\_rate\\_multiplier | 1 |',
      '| method | supervised |',
      '| created at | 2025-02-13 00:10 UTC |',
      '| finished at | 2025-02-13 00:12 UTC |',
      '| trained tokens | 3,065 |',
    ])
      assert.ok(tooltip.includes(row), `${row} in\n${tooltip}`);
    const hostile = jobTooltip({ ...fixture('retrieve'), status: 'failed', error: { message: '<img src=x> | *boom*' } }, () => undefined);
    assert.ok(hostile.includes('| error | \\<img src=x\\> \\| \\*boom\\* |'), hostile);
  });
});
