// The Fine-tuning view against the emulator: jobs in every state, Cancel, a failed job's error, and no requests
// once every job has ended.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands, Views } from '../../../src/constants';
import type { ItemSnapshot } from '../../../src/batches/batchesTree';
import type { RefreshOutcome } from '../../../src/commands';
import type { CancelJobOutcome } from '../../../src/fineTuning/commands';
import { datasetLines, FINE_TUNE_BASE } from '../../fixtures/fineTuning';
import { useEmulator, waitFor, writeWorkspaceFile } from '../batchesFixture';

interface FineTuningSnapshot {
  readonly items: ItemSnapshot[];
  readonly polling: boolean;
  readonly empty?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const view = async () => (await vscode.commands.executeCommand<FineTuningSnapshot>(Commands.fineTuningSnapshot))!;

describe('Fine-tuning view: jobs, cancel, errors, quiet when all ended', function () {
  this.timeout(120_000);
  let session: Awaited<ReturnType<typeof useEmulator>>;
  const jobRequests = () => session.emulator.state.requests.filter((r) => r.path.startsWith('/v1/fine_tuning')).length;

  before(async () => {
    session = await useEmulator({ timing: { fineTuningPhaseMs: 2500 } });
    await vscode.commands.executeCommand(`${Views.fineTuning}.focus`);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.dispose();
  });

  it('shows each job with its status, files and hyperparameters, polls them to their end, then asks nothing', async () => {
    const { client } = session;
    const good = await client.uploadFile((await writeWorkspaceFile('ft/train.jsonl', datasetLines(12))).fsPath, { purpose: 'fine-tune' });
    const small = await client.uploadFile((await writeWorkspaceFile('ft/small.jsonl', datasetLines(3))).fsPath, { purpose: 'fine-tune' });
    const validation = await client.uploadFile((await writeWorkspaceFile('ft/val.jsonl', datasetLines(10, 'check'))).fsPath, {
      purpose: 'fine-tune',
    });
    const succeeding = await client.createFineTuningJob({
      trainingFile: good.id,
      validationFile: validation.id,
      model: FINE_TUNE_BASE,
      hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5 },
    });
    const failing = await client.createFineTuningJob({ trainingFile: small.id, model: FINE_TUNE_BASE });
    const cancelled = await client.createFineTuningJob({ trainingFile: good.id, model: FINE_TUNE_BASE });

    assert.deepStrictEqual(await vscode.commands.executeCommand<RefreshOutcome>(Commands.refreshFineTuning), {
      status: 'refreshed',
      count: 3,
    });
    const first = await view();
    assert.deepStrictEqual(
      first.items.map((i) => i.id),
      [cancelled.id, failing.id, succeeding.id].map((id) => `fineTune:${id}`),
      'newest first',
    );
    assert.strictEqual(first.empty, false);
    const queued = first.items[2]!;
    assert.strictEqual(queued.label, 'Meta-Llama-3.1-8B-Instruct-Turbo');
    assert.match(queued.description!, /^queued · (just now|\ds ago)$/);
    assert.strictEqual(queued.contextValue, 'fineTune:queued');
    assert.strictEqual(queued.icon, 'clock~spin', 'a job that has not ended spins');
    assert.ok(queued.tooltip?.includes(`| id | ${succeeding.id} |`) && queued.tooltip.includes('| learning\\_rate\\_multiplier | 0.5 |'));
    const details = await waitFor('the file names to come in', async () => {
      const children = (await view()).items[2]!.children!;
      return children.some((c) => c.description?.startsWith('train.jsonl')) && children;
    });
    assert.deepStrictEqual(
      details.map((c) => [c.label, c.description, c.contextValue]),
      [
        ['Training file', `train.jsonl (${good.id})`, 'fineTuneDetail:training'],
        ['Validation file', `val.jsonl (${validation.id})`, 'fineTuneDetail:validation'],
        ['Hyperparameters', 'epochs 2, batch 4, lr× 0.5', 'fineTuneDetail:hyperparameters'],
      ],
    );
    assert.deepStrictEqual(details[0]!.command, { command: Commands.openRemoteFile, arguments: [good.id] });
    assert.strictEqual(first.polling, true, 'running jobs are polled');

    const outcome = (await vscode.commands.executeCommand<CancelJobOutcome>(Commands.cancelFineTuningJob, cancelled.id, {
      confirm: false,
    }))!;
    assert.deepStrictEqual(outcome, { status: 'requested', jobStatus: 'cancelling' });

    let last: ItemSnapshot[] = [];
    const ended = await waitFor(
      'every job to end in the view',
      async () => {
        last = (await view()).items;
        return last.every((i) => /^fineTune:(succeeded|failed|cancelled)$/.test(i.contextValue ?? '')) && last;
      },
      60_000,
      () => last.map((i) => i.contextValue),
    );
    const [cancelledItem, failedItem, succeededItem] = ended as [ItemSnapshot, ItemSnapshot, ItemSnapshot];
    assert.strictEqual(cancelledItem.contextValue, 'fineTune:cancelled');
    assert.strictEqual(cancelledItem.icon, 'circle-slash');
    assert.strictEqual(failedItem.icon, 'error');
    const error = failedItem.children![0]!;
    assert.strictEqual(error.contextValue, 'fineTuneDetail:error');
    assert.match(error.label, /The training file has 3 examples; at least 10 are required\./);
    assert.ok(failedItem.tooltip?.includes('| error | The training file has 3 examples'), failedItem.tooltip);
    assert.strictEqual(succeededItem.icon, 'pass');
    const model = session.emulator.state.store.fineTuningJobs.get(succeeding.id)!.fineTunedModel!;
    assert.deepStrictEqual(
      [succeededItem.children![0]!.label, succeededItem.children![0]!.description],
      ['Fine-tuned model', model],
      'the fine-tuned model is the first detail',
    );
    assert.ok(succeededItem.tooltip?.includes(`| fine-tuned model | ${model} |`));

    await waitFor('the poller to stop', async () => !(await view()).polling);
    const before = jobRequests();
    await sleep(7000); // longer than the poller's first two delays (3 s, 6 s)
    assert.strictEqual(jobRequests() - before, 0, 'no fine-tuning requests once every job has ended');
  });

  it('refuses to cancel a job that has ended, without asking the service', async () => {
    const ended = (await view()).items[0]!.id!.slice('fineTune:'.length);
    const before = jobRequests();
    const outcome = await vscode.commands.executeCommand<CancelJobOutcome>(Commands.cancelFineTuningJob, ended, { confirm: false });
    assert.deepStrictEqual(outcome, { status: 'cancelled' });
    assert.strictEqual(jobRequests(), before);
  });

  it('asks before cancelling: dismissed or answered No, nothing is sent; Cancel Job sends the cancel', async () => {
    const { client } = session;
    const training = await client.uploadFile((await writeWorkspaceFile('ft/ask.jsonl', datasetLines(12))).fsPath, { purpose: 'fine-tune' });
    const job = await client.createFineTuningJob({ trainingFile: training.id, model: FINE_TUNE_BASE });
    await vscode.commands.executeCommand(Commands.refreshFineTuning);
    const cancels = () => session.emulator.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel')).length;
    const asked: { message: string; actions: readonly string[] }[] = [];
    // The harness cannot click a workbench dialog: the question is answered by a stand-in, given what the dialog shows.
    const cancel = (answer: string | undefined) =>
      vscode.commands.executeCommand<CancelJobOutcome>(Commands.cancelFineTuningJob, job.id, {
        confirm: (message: string, actions: readonly string[]) => {
          asked.push({ message, actions });
          return answer;
        },
      });
    const before = cancels();
    assert.deepStrictEqual(await cancel(undefined), { status: 'cancelled' }, 'dismissed (Escape, or the dialog closed)');
    assert.deepStrictEqual(await cancel('No'), { status: 'cancelled' }, 'any answer but Cancel Job');
    assert.strictEqual(cancels(), before, 'no cancel request without a yes');
    assert.notStrictEqual(session.emulator.state.store.fineTuningJobs.get(job.id)!.status, 'cancelled');
    assert.deepStrictEqual(asked[0], {
      message: `Cancel fine-tuning job Meta-Llama-3.1-8B-Instruct-Turbo (${job.id})?`,
      actions: ['Cancel Job'],
    });
    assert.deepStrictEqual(await cancel('Cancel Job'), { status: 'requested', jobStatus: 'cancelling' });
    assert.strictEqual(cancels(), before + 1);
    assert.strictEqual(asked.length, 3);
  });
});
