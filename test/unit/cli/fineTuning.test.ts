// `fine-tuning list|get|cancel|create` against the emulator, in-process.
import * as assert from 'assert';
import { ExitCode } from '../../../src/cli/command';
import { runCli } from '../../../src/cli/main';
import { useEmulator, writeLines } from '../api/helpers';
import { runCaptured } from './helpers';

const BASE = 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo';
const example = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'Label it.' },
      { role: 'user', content: `text ${i}` },
      { role: 'assistant', content: 'neutral' },
    ],
  });
const examples = (n: number) => Array.from({ length: n }, (_, i) => example(i));

describe('CLI fine-tuning', () => {
  const f = useEmulator();
  const cli = (args: string[]) => runCaptured(args, { KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });

  it('create --wait: checks and uploads the dataset with purpose fine-tune, prints the fine-tuned model', async () => {
    const dataset = await writeLines(f.dir, 'train.jsonl', examples(10));
    const run = await cli([
      'fine-tuning',
      'create',
      '--training-file',
      dataset,
      '--model',
      BASE,
      '--n-epochs',
      '2',
      '--batch-size',
      '8',
      '--learning-rate-multiplier',
      '0.5',
      '--wait',
    ]);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    const tuned = run.out.trim();
    assert.match(tuned, /^ft:/);
    assert.match(run.err, /uploaded .*train\.jsonl as file [0-9a-f]{24}/);
    assert.match(run.err, /fine-tuning job [0-9a-f]{24} created \(queued\)\n[\s\S]*: succeeded\n/);

    const listed = await cli(['--json', 'fine-tuning', 'list', '--limit', '5']);
    const job = JSON.parse(listed.out).data[0];
    assert.strictEqual(job.fine_tuned_model, tuned);
    assert.deepStrictEqual(job.hyperparameters, { batch_size: 8, learning_rate_multiplier: 0.5, n_epochs: 2 });
    const uploaded = JSON.parse((await cli(['--json', 'files', 'list', '--purpose', 'fine-tune'])).out).data;
    assert.ok(
      uploaded.some((file: { id: string }) => file.id === job.training_file),
      'the training file was uploaded with purpose fine-tune',
    );

    const shown = await cli(['fine-tuning', 'get', job.id]);
    assert.strictEqual(shown.code, ExitCode.ok);
    assert.match(shown.out, /status: +succeeded/);
    assert.match(shown.out, /fine-tuned model: ft:/);
    assert.match(shown.out, /hyperparameters: +epochs 2, batch 8, lr× 0\.5/);
    const table = await cli(['fine-tuning', 'list']);
    assert.match(table.out, new RegExp(`${job.id} +succeeded +${BASE.replace(/[/.]/g, '\\$&')} +${tuned}`));
  });

  it('create refuses a dataset under the minimum before uploading anything (exit 1, file:line:col)', async () => {
    const before = f.emulator.state.requests.filter((r) => r.method === 'POST').length;
    const dataset = await writeLines(f.dir, 'small.jsonl', examples(3));
    const run = await cli(['fine-tuning', 'create', '--training-file', dataset, '--model', BASE]);
    assert.strictEqual(run.code, ExitCode.findings);
    assert.match(
      run.err,
      /small\.jsonl:1:1: warning kluster\.finetuneTooFewExamples: kluster\.ai fine-tuning needs at least 10 examples; this dataset has 3\. Add 7 more\./,
    );
    assert.match(run.err, /was not uploaded: it has 1 problem\./);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.method === 'POST').length, before, 'nothing was sent');
  });

  it('create refuses a base model that cannot be fine-tuned before uploading anything (exit 2)', async () => {
    const before = f.emulator.state.requests.filter((r) => r.method === 'POST').length;
    const dataset = await writeLines(f.dir, 'model.jsonl', examples(10));
    const run = await cli(['fine-tuning', 'create', '--training-file', dataset, '--model', 'klusterai/Meta-Llama-3.1-8B-Instruct-Turb']);
    assert.strictEqual(run.code, ExitCode.usage, run.err);
    assert.match(run.err, /'klusterai\/Meta-Llama-3\.1-8B-Instruct-Turb' is not a model kluster\.ai fine-tunes/);
    assert.match(run.err, /did you mean klusterai\/Meta-Llama-3\.1-8B-Instruct-Turbo\?/);
    assert.match(run.err, /klusterai\/Meta-Llama-3\.3-70B-Instruct-Turbo/, 'lists the fine-tunable models');
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.method === 'POST').length, before, 'nothing was uploaded');
  });

  it('create with an uploaded file id: a job that fails ends with exit 1 and the service’s error', async () => {
    const small = await writeLines(f.dir, 'nine.jsonl', examples(9));
    const id = (await cli(['files', 'upload', small, '--purpose', 'fine-tune'])).out.trim();
    const run = await cli(['fine-tuning', 'create', '--training-file', id, '--model', BASE, '--wait']);
    assert.strictEqual(run.code, ExitCode.findings);
    assert.match(run.err, /failed: The training file has 9 examples; at least 10 are required\./);
    assert.strictEqual(run.out, '');
  });

  it('cancel: a running job goes to cancelling, --json prints the job', async () => {
    const dataset = await writeLines(f.dir, 'cancel.jsonl', examples(10));
    const id = (await cli(['fine-tuning', 'create', '--training-file', dataset, '--model', BASE])).out.trim();
    const run = await cli(['--json', 'fine-tuning', 'cancel', id]);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(JSON.parse(run.out).status, 'cancelling');
    const again = await cli(['fine-tuning', 'get', 'nosuchjob']);
    assert.strictEqual(again.code, ExitCode.api);
  });

  it('create with a dataset path that does not exist says so (exit 5), rather than taking it for a file id', async () => {
    const before = f.emulator.state.requests.filter((r) => r.method === 'POST').length;
    for (const missing of ['data/nope.jsonl', 'nope.jsonl', `${f.dir}/gone.jsonl`]) {
      const run = await cli(['fine-tuning', 'create', '--training-file', missing, '--model', BASE]);
      assert.strictEqual(run.code, ExitCode.io, `${missing}: ${run.err}`);
      assert.match(run.err, /^kluster: Cannot read .*(nope|gone)\.jsonl: no such file\.\n/);
      assert.doesNotMatch(run.err, /base URL/);
    }
    const validation = await writeLines(f.dir, 'valid-missing.jsonl', examples(10));
    const run = await cli(['fine-tuning', 'create', '--training-file', validation, '--validation-file', 'val.jsonl', '--model', BASE]);
    assert.strictEqual(run.code, ExitCode.io, run.err);
    assert.match(run.err, /^kluster: Cannot read val\.jsonl: no such file\.\n/);
    assert.strictEqual(f.emulator.state.requests.filter((r) => r.method === 'POST').length, before, 'nothing was uploaded');
  });

  it('an unknown uploaded file id is the service’s "not found", not a wrong base URL', async () => {
    const run = await cli(['fine-tuning', 'create', '--training-file', 'file-nosuchid', '--model', BASE]);
    assert.strictEqual(run.code, ExitCode.api, run.err);
    assert.match(run.err, /Not found \(404\): No file found with id 'file-nosuchid'/);
    assert.doesNotMatch(run.err, /base URL/);
  });

  it('Ctrl-C after the upload names the uploaded file and says the job may exist already', async () => {
    const dataset = await writeLines(f.dir, 'interrupted.jsonl', examples(10));
    // The service creates the job, then its answer is slow: Ctrl-C arrives while the client waits for it.
    f.emulator.faults.next({ kind: 'slow', path: '/v1/fine_tuning/jobs', method: 'POST', delayMs: 5000 });
    const controller = new AbortController();
    let err = '';
    const io = { out: () => undefined, err: (t: string) => void (err += t + '\n') };
    const env = { KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url };
    const jobsBefore = f.emulator.state.store.fineTuningJobs.size;
    const running = runCli(['fine-tuning', 'create', '--training-file', dataset, '--model', BASE], io, env, controller.signal);
    const created = async () => {
      for (let i = 0; i < 200 && f.emulator.state.store.fineTuningJobs.size === jobsBefore; i++)
        await new Promise((r) => setTimeout(r, 25));
    };
    await created();
    controller.abort();
    const code = await running;
    assert.strictEqual(code, ExitCode.interrupted, err);
    const fileId = /uploaded .*interrupted\.jsonl as file ([0-9a-f]{24})/.exec(err)?.[1];
    assert.ok(fileId, err);
    assert.match(
      err,
      new RegExp(
        `kluster: Cancelled\\. .*interrupted\\.jsonl was uploaded as file ${fileId}; the job may have been created anyway: 'kluster fine-tuning list' shows it\\.`,
      ),
    );
  });

  it('a create the service refuses after the upload says which option reuses the uploaded file', async () => {
    const training = await writeLines(f.dir, 'reuse-train.jsonl', examples(10));
    const trainingId = (await cli(['files', 'upload', training, '--purpose', 'fine-tune'])).out.trim();
    const validation = await writeLines(f.dir, 'reuse-val.jsonl', examples(10));
    const refusal = { error: { message: 'Quota reached', type: 'invalid_request_error', param: null, code: 'quota' } };
    f.emulator.faults.next({ kind: 'respond', path: '/v1/fine_tuning/jobs', method: 'POST', status: 400, body: JSON.stringify(refusal) });
    const run = await cli(['fine-tuning', 'create', '--training-file', trainingId, '--validation-file', validation, '--model', BASE]);
    assert.strictEqual(run.code, ExitCode.api, run.err);
    const validationId = /uploaded .*reuse-val\.jsonl as file ([0-9a-f]{24})/.exec(run.err)?.[1];
    assert.ok(validationId, run.err);
    assert.match(
      run.err,
      new RegExp(
        `Quota reached\\. .*reuse-val\\.jsonl was uploaded as file ${validationId}; --validation-file ${validationId} uses it again without another upload\\.\\n$`,
      ),
    );
  });

  it('create takes the base model names of the API reference’s own create example', async () => {
    const dataset = await writeLines(f.dir, 'docs-model.jsonl', examples(10));
    for (const model of ['meta-llama/Meta-Llama-3.1-8B-Instruct', 'meta-llama/Meta-Llama-3.3-70B-Instruct-Turbo']) {
      const run = await cli(['--json', 'fine-tuning', 'create', '--training-file', dataset, '--model', model]);
      assert.strictEqual(run.code, ExitCode.ok, `${model}: ${run.err}`);
      assert.strictEqual(JSON.parse(run.out).model, model);
    }
  });

  it('get prints the result files, estimated finish and metrics of a job when it has them, escaped', async () => {
    const job = {
      object: 'fine_tuning.job',
      id: 'ft-shown',
      model: BASE,
      created_at: '1739405431',
      estimated_finish: 1739409031,
      result_files: ['file-metrics', { id: 'file-x' }],
      status: 'running',
      metrics: { train_loss: 0.25, step: '4\u001b[2J' },
      error: null,
    };
    f.emulator.faults.next({ kind: 'respond', path: '/v1/fine_tuning/jobs/ft-shown', body: JSON.stringify(job) });
    const run = await cli(['fine-tuning', 'get', 'ft-shown']);
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.match(run.out, /^estimated finish: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    assert.match(run.out, /^result files: +file-metrics, \{"id":"file-x"\}$/m);
    assert.match(run.out, /^metrics: +train_loss 0\.25, step "4\\u001b\[2J"$/m);
    assert.ok(!run.out.includes('\u001b'), 'no raw escape');
  });

  it('bad usage exits 2 and sends nothing', async () => {
    for (const [args, message] of [
      [['fine-tuning', 'create', '--model', BASE], /missing --training-file/],
      [
        ['fine-tuning', 'create', '--training-file', 'x', '--model', BASE, '--n-epochs', '0'],
        /--n-epochs must be a whole number from 1 up, not '0'/,
      ],
      [
        ['fine-tuning', 'create', '--training-file', 'x', '--model', BASE, '--learning-rate-multiplier', 'fast'],
        /--learning-rate-multiplier must be a number above 0, not 'fast'/,
      ],
      [['fine-tuning', 'get'], /missing job ID/],
    ] as const) {
      const run = await cli([...args]);
      assert.strictEqual(run.code, ExitCode.usage, `${args.join(' ')}: ${run.err}`);
      assert.match(run.err, message);
    }
  });
});
