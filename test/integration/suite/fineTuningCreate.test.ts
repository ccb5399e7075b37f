// Create Fine-tuning Job from a workspace dataset against the emulator, watch it succeed, then use the model:
// Open in Chat, the validator's model list, Add to Experiment.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands, Views } from '../../../src/constants';
import type { ItemSnapshot } from '../../../src/batches/batchesTree';
import type { ChatSnapshot } from '../../../src/chat/chatPanel';
import type { CreateJobOutcome } from '../../../src/fineTuning/create';
import type { AddToExperimentOutcome } from '../../../src/fineTuning/tunedModel';
import { datasetLines, FINE_TUNE_BASE } from '../../fixtures/fineTuning';
import { requestLine, useEmulator, waitFor, workspaceDir, writeWorkspaceFile } from '../batchesFixture';

interface FineTuningSnapshot {
  readonly items: ItemSnapshot[];
  readonly polling: boolean;
  readonly datasets?: string[];
}

const view = async () => (await vscode.commands.executeCommand<FineTuningSnapshot>(Commands.fineTuningSnapshot))!;
const create = (uri: vscode.Uri, options: object) =>
  vscode.commands.executeCommand<CreateJobOutcome>(Commands.createFineTuningJob, uri, { confirm: false, ...options }).then((o) => o!);
const unknownModelLines = (uri: vscode.Uri) =>
  vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.code === 'kluster.unknownModel')
    .map((d) => d.range.start.line);

describe('Create Fine-tuning Job: dataset to fine-tuned model in chat and experiment', function () {
  this.timeout(120_000);
  let session: Awaited<ReturnType<typeof useEmulator>>;
  const uploads = () => session.emulator.state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files').length;

  before(async () => {
    session = await useEmulator({ timing: { fineTuningPhaseMs: 1500 } });
    await vscode.commands.executeCommand(`${Views.fineTuning}.focus`);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.dispose();
  });

  it('blocks a dataset the service would refuse, uploading nothing, and marks datasets for the menus', async () => {
    const small = await writeWorkspaceFile('ftc/small.jsonl', datasetLines(4));
    const batch = await writeWorkspaceFile('ftc/requests.jsonl', [requestLine('r1', 'hi')]);
    // Opened, as a person does before using the editor title menu (the file watcher alone can miss a write).
    await vscode.workspace.openTextDocument(small);
    await vscode.workspace.openTextDocument(batch);
    const datasets = await waitFor('the dataset context key', async () => {
      const known = (await view()).datasets ?? [];
      return known.includes(small.fsPath) && known;
    });
    assert.ok(!datasets.includes(batch.fsPath), 'a batch file is no dataset');

    const before = uploads();
    const outcome = await create(small, { model: FINE_TUNE_BASE });
    assert.strictEqual(outcome.status, 'invalid', JSON.stringify(outcome));
    if (outcome.status === 'invalid') assert.match(outcome.firstProblem!, /at least 10 examples/);
    const notADataset = await create(batch, { model: FINE_TUNE_BASE });
    assert.strictEqual(notADataset.status, 'failed');
    assert.strictEqual(uploads(), before, 'nothing was uploaded');
  });

  it('uploads with purpose fine-tune, creates the job, reveals it, and once it succeeded chats with the model', async () => {
    const training = await writeWorkspaceFile('ftc/train.jsonl', datasetLines(12));
    const validation = await writeWorkspaceFile('ftc/val.jsonl', datasetLines(10, 'check'));
    const outcome = await create(training, {
      model: FINE_TUNE_BASE,
      validationFile: validation,
      hyperparameters: { n_epochs: 2, learning_rate_multiplier: 0.5 },
    });
    assert.strictEqual(outcome.status, 'created', JSON.stringify(outcome));
    if (outcome.status !== 'created') return;
    const stored = session.emulator.state.store;
    assert.strictEqual(stored.files.get(outcome.trainingFileId)?.purpose, 'fine-tune');
    assert.strictEqual(stored.files.get(outcome.trainingFileId)?.filename, 'train.jsonl');
    assert.strictEqual(stored.files.get(outcome.validationFileId!)?.purpose, 'fine-tune');
    const job = stored.fineTuningJobs.get(outcome.jobId)!;
    assert.strictEqual(job.model, FINE_TUNE_BASE);
    assert.strictEqual(job.validationFile, outcome.validationFileId);
    assert.strictEqual(job.hyperparameters.n_epochs, 2);
    assert.strictEqual(job.hyperparameters.learning_rate_multiplier, 0.5);
    assert.strictEqual((await view()).items[0]?.id, `fineTune:${outcome.jobId}`, 'the new job is at the top');

    // A batch file naming the model-to-be: unknown until the job succeeds.
    const batch = await writeWorkspaceFile('ftc/uses-tuned.jsonl', [requestLine('t1', 'hi', { model: 'placeholder' })]);
    let tuned: string | undefined;
    await waitFor(
      'the job to succeed in the view',
      async () => {
        const item = (await view()).items.find((i) => i.id === `fineTune:${outcome.jobId}`);
        tuned = item?.children?.find((c) => c.contextValue === 'fineTuneDetail:fineTunedModel')?.description;
        return item?.contextValue === 'fineTune:succeeded' && tuned;
      },
      60_000,
    );
    assert.strictEqual(tuned, stored.fineTuningJobs.get(outcome.jobId)!.fineTunedModel);

    const document = await vscode.workspace.openTextDocument(batch);
    await waitFor('the validator to flag the unknown model first', () => unknownModelLines(batch).length === 1);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(batch, document.lineAt(0).range, requestLine('t1', 'hi', { model: tuned }));
    await vscode.workspace.applyEdit(edit);
    await waitFor('the validator to know the fine-tuned model', () => unknownModelLines(batch).length === 0 && document.isDirty);

    const opened = await vscode.commands.executeCommand<string>(Commands.fineTuningOpenInChat, outcome.jobId);
    assert.strictEqual(opened, tuned);
    const chat = await waitFor(
      'the chat panel',
      async () => await vscode.commands.executeCommand<ChatSnapshot | undefined>(Commands.chatSnapshot),
    );
    assert.strictEqual(chat.state.settings.model, tuned, 'the fine-tuned model is preselected');
  });

  it('a create cut off by the network keeps the upload (the job may exist) and says so', async () => {
    const training = await writeWorkspaceFile('ftc/cut.jsonl', datasetLines(10));
    const jobsBefore = session.emulator.state.store.fineTuningJobs.size;
    // The service creates the job, then the connection drops mid-answer, on every retry.
    session.emulator.faults.next({ kind: 'drop', path: '/v1/fine_tuning/jobs', method: 'POST', times: 10 });
    let outcome: CreateJobOutcome;
    try {
      outcome = await create(training, { model: FINE_TUNE_BASE });
    } finally {
      session.emulator.faults.clear();
    }
    assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
    assert.match(
      outcome.status === 'failed' ? outcome.message : '',
      /The job may have been created anyway \(the Fine-tuning view shows it\); cut\.jsonl stays uploaded as file [0-9a-f]{24}\./,
    );
    assert.ok(session.emulator.state.store.fineTuningJobs.size > jobsBefore, 'the service did create the job');
    const job = [...session.emulator.state.store.fineTuningJobs.values()].at(-1)!;
    assert.ok(session.emulator.state.store.files.has(job.trainingFile), 'the job’s training file was not deleted');
    await waitFor('the job in the view', async () => (await view()).items.some((i) => i.id === `fineTune:${job.id}`));
  });

  it('adds the fine-tuned model to an experiment as one undoable edit, keeping the rest of the file', async () => {
    const tuned = await waitFor('a fine-tuned model', () => [...session.emulator.state.store.fineTunedModelIds()][0]);
    const text =
      '# compare\nprompts:\n  - "Genre of {{overview}}?"   # one prompt\nproviders:\n  - deepseek-ai/DeepSeek-V3\ntests: file://movies.csv\n';
    const uri = await writeWorkspaceFile('ftc/movies.experiment.yaml', [text.trimEnd()]);
    const outcome = (await vscode.commands.executeCommand<AddToExperimentOutcome>(Commands.fineTuningAddToExperiment, tuned, uri))!;
    assert.deepStrictEqual(outcome, { status: 'added', file: path.join(workspaceDir(), 'ftc', 'movies.experiment.yaml') });
    const document = await vscode.workspace.openTextDocument(uri);
    assert.strictEqual(
      document.getText(),
      text.replace('tests:', `  - {id: ${JSON.stringify(tuned).slice(1, -1)}, label: fine-tuned}\ntests:`),
    );
    assert.ok(document.isDirty, 'left unsaved for the person to look at');
    const again = await vscode.commands.executeCommand<AddToExperimentOutcome>(Commands.fineTuningAddToExperiment, tuned, uri);
    assert.strictEqual(again?.status, 'present');

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(document.getText(), text, 'Undo takes the edit back');
  });
});
