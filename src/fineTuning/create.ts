// "kluster: Create Fine-tuning Job": validate the dataset, pick base model, validation file and hyperparameters,
// confirm the summary, upload with purpose=fine-tune, create the job, reveal it in the Fine-tuning view.
import * as path from 'path';
import * as vscode from 'vscode';
import { showApiError } from '../api/showError';
import { ensureSaved, upload } from '../batches/submit';
import { uriOf } from '../commandArgs';
import { CANCELLED, failed, type Outcome } from '../commands';
import { mayHaveBeenCreated, type KlusterClient } from '../core/api';
import { plural } from '../core/batches/displayText';
import { inspectBatchFile, type BatchFileSummary } from '../core/batches/inspect';
import { baseModelChoices, createSummaryText, HYPERPARAMETERS, parseHyperparameter, type Hyperparameters } from '../core/fineTuning/create';
import type { FineTuningFeature } from './feature';

export interface CreateJobOptions {
  /** The base model; skips its pick. */
  readonly model?: string;
  /** A local dataset (path or URI), the id of an uploaded file, or null for none; skips its pick. */
  readonly validationFile?: string | vscode.Uri | null;
  /** Skips the hyperparameter inputs; missing keys take the service's default. */
  readonly hyperparameters?: Hyperparameters;
  /** false: no questions and no confirmation (scripts, tests); the model must be given. Default true. */
  readonly confirm?: boolean;
}

export type CreateJobOutcome =
  | Outcome<{
      readonly status: 'created';
      readonly jobId: string;
      readonly trainingFileId: string;
      readonly validationFileId?: string;
      readonly model: string;
    }>
  /** The dataset (training or validation) has problems that block an upload; nothing was uploaded. */
  | { readonly status: 'invalid'; readonly file: string; readonly problems: number; readonly firstProblem?: string };

type Checked = { ok: true; summary: BatchFileSummary } | { ok: false; outcome: CreateJobOutcome };

/** Checks a local dataset with the fine-tuning rules; problems open the file at the first and offer Show Problems. */
async function checkDataset(feature: FineTuningFeature, uri: vscode.Uri, confirm: boolean): Promise<Checked> {
  const name = path.basename(uri.fsPath);
  if (!(await ensureSaved(uri, confirm))) return { ok: false, outcome: CANCELLED };
  const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Validating ${name}` }, () =>
    inspectBatchFile(uri.fsPath, feature.container.validation.options),
  );
  if (summary.kind !== 'finetune') {
    const what =
      summary.kind === 'empty'
        ? 'is empty'
        : `holds ${summary.kind === 'batch' ? 'batch requests' : summary.kind === 'results' ? 'batch results' : 'no fine-tuning examples'}`;
    const message = `${name} ${what}; a fine-tuning dataset has one {"messages": [...]} conversation per line, ending with the assistant's reply.`;
    void vscode.window.showErrorMessage(message);
    return { ok: false, outcome: { status: 'failed', message } };
  }
  const first = summary.firstError ?? summary.refused[0];
  const problems = summary.errors + summary.refused.length;
  if (!first) return { ok: true, summary };
  const message = `${name} has ${plural(problems, 'problem')} that stop a fine-tuning upload; nothing was uploaded. First, on line ${first.line + 1}: ${first.message}`;
  const selection = new vscode.Range(first.line, first.startColumn, first.line, first.endColumn);
  // Opening the file lets the validator put its diagnostics into the Problems view.
  await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: !confirm, selection });
  feature.blocked.show(uri, plural(problems, 'problem'), message);
  if (confirm) {
    void vscode.window.showErrorMessage(message, 'Show Problems').then((pick) => {
      if (pick === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }
  return { ok: false, outcome: { status: 'invalid', file: uri.fsPath, problems, firstProblem: first.message } };
}

async function pickModel(feature: FineTuningFeature): Promise<string | undefined> {
  const known = feature.container.models.current.ids;
  type Row = vscode.QuickPickItem & { id?: string };
  const choices = baseModelChoices(feature.model.all);
  const rows: Row[] = [];
  for (const source of ['documented', 'reported'] as const) {
    const group = choices.filter((c) => c.source === source);
    if (!group.length) continue;
    rows.push({
      label: source === 'documented' ? 'Fine-tunable (kluster.ai docs)' : 'Base models of your jobs',
      kind: vscode.QuickPickItemKind.Separator,
    });
    for (const choice of group)
      rows.push({
        label: choice.id,
        description: known.has(choice.id) ? undefined : 'not in the model list',
        id: choice.id,
        iconPath: new vscode.ThemeIcon('symbol-constant'),
      });
  }
  const picked = await vscode.window.showQuickPick(rows, {
    title: 'Create Fine-tuning Job (1/3): base model',
    placeHolder: 'The model to fine-tune',
    ignoreFocusOut: true,
  });
  return picked?.id;
}

type Validation = { kind: 'none' } | { kind: 'local'; uri: vscode.Uri } | { kind: 'uploaded'; id: string; name: string };

async function pickValidation(feature: FineTuningFeature, client: KlusterClient, training: vscode.Uri): Promise<Validation | undefined> {
  type Row = vscode.QuickPickItem & { value?: Validation };
  const rows: Row[] = [{ label: 'No validation file', iconPath: new vscode.ThemeIcon('circle-slash'), value: { kind: 'none' } }];
  const local = (await vscode.workspace.findFiles('**/*.jsonl', '**/node_modules/**', 200)).filter(
    (uri) => uri.toString() !== training.toString() && !uri.path.endsWith('.results.jsonl'),
  );
  if (local.length) rows.push({ label: 'In this workspace', kind: vscode.QuickPickItemKind.Separator });
  for (const uri of local)
    rows.push({
      label: path.basename(uri.fsPath),
      description: vscode.workspace.asRelativePath(uri),
      iconPath: new vscode.ThemeIcon('file'),
      value: { kind: 'local', uri },
    });
  try {
    const uploaded = await client.listFiles({ purpose: 'fine-tune', limit: 100 });
    if (uploaded.data.length) rows.push({ label: 'Uploaded to kluster.ai', kind: vscode.QuickPickItemKind.Separator });
    for (const file of uploaded.data) {
      feature.fileNames.learn(file);
      const name = file.filename ?? file.id;
      rows.push({
        label: name,
        description: file.id,
        iconPath: new vscode.ThemeIcon('cloud'),
        value: { kind: 'uploaded', id: file.id, name },
      });
    }
  } catch (error) {
    feature.container.log.warn('fineTuning', `listing uploaded fine-tune files: ${error instanceof Error ? error.message : String(error)}`);
  }
  const picked = await vscode.window.showQuickPick(rows, {
    title: 'Create Fine-tuning Job (2/3): validation file (optional)',
    placeHolder: 'A separate dataset the service evaluates the model on while training',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked?.value;
}

async function askHyperparameters(): Promise<Hyperparameters | undefined> {
  const values: Hyperparameters = {};
  for (const [index, spec] of HYPERPARAMETERS.entries()) {
    const text = await vscode.window.showInputBox({
      title: `Create Fine-tuning Job (3/3): ${spec.title} (${index + 1} of ${HYPERPARAMETERS.length}) · ${spec.key}`,
      prompt: `${spec.meaning} Leave empty for the service's default.`,
      placeHolder: "the service's default",
      ignoreFocusOut: true,
      validateInput: (input) => parseHyperparameter(spec, input).error,
    });
    if (text === undefined) return undefined;
    const { value } = parseHyperparameter(spec, text);
    if (value !== undefined) values[spec.key] = value;
  }
  return values;
}

function validationOf(option: CreateJobOptions['validationFile']): Validation | undefined {
  if (option === undefined) return undefined;
  if (option === null) return { kind: 'none' };
  const uri = option instanceof vscode.Uri || path.isAbsolute(option) ? uriOf(option) : undefined;
  return uri ? { kind: 'local', uri } : { kind: 'uploaded', id: option as string, name: option as string };
}

export async function createFineTuningJob(
  feature: FineTuningFeature,
  arg: unknown,
  options: CreateJobOptions = {},
): Promise<CreateJobOutcome> {
  const { container } = feature;
  const confirm = options.confirm !== false;
  const uri = uriOf(arg) ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') {
    const message = uri
      ? 'Only files saved on disk can be uploaded.'
      : 'Open a fine-tuning dataset (.jsonl), or pick one in the Explorer, first.';
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', message };
  }
  const name = path.basename(uri.fsPath);
  const uploaded: string[] = [];
  let client: KlusterClient | undefined;
  try {
    client = await container.clients.get(); // no key: say so before any work
    const training = await checkDataset(feature, uri, confirm);
    if (!training.ok) return training.outcome;
    if (!feature.model.isLoaded) await feature.tree.refresh().catch(() => undefined); // the base models jobs report
    const model = options.model ?? (confirm ? await pickModel(feature) : undefined);
    if (!model) return options.confirm === false ? { status: 'failed', message: 'No base model given.' } : CANCELLED;
    const validation =
      validationOf(options.validationFile) ?? (confirm ? await pickValidation(feature, client, uri) : { kind: 'none' as const });
    if (!validation) return CANCELLED;
    let validationSummary: BatchFileSummary | undefined;
    if (validation.kind === 'local') {
      const checked = await checkDataset(feature, validation.uri, confirm);
      if (!checked.ok) return checked.outcome;
      validationSummary = checked.summary;
    }
    const hyperparameters = options.hyperparameters ?? (confirm ? await askHyperparameters() : {});
    if (!hyperparameters) return CANCELLED;
    const validationName =
      validation.kind === 'local' ? path.basename(validation.uri.fsPath) : validation.kind === 'uploaded' ? validation.name : undefined;
    if (confirm) {
      const text = createSummaryText({
        trainingName: name,
        examples: training.summary.requests,
        estimatedTokens: training.summary.estimatedInputTokens,
        model,
        validation: validationName,
        hyperparameters,
      });
      const pick = await vscode.window.showInformationMessage(text.headline, { modal: true, detail: text.detail }, 'Upload and Create Job');
      if (pick !== 'Upload and Create Job') return CANCELLED;
    }

    const trainingFileId = await upload(client, uri, training.summary.bytes, 'fine-tune');
    if (!trainingFileId) return CANCELLED;
    uploaded.push(trainingFileId);
    feature.fileNames.learn({ id: trainingFileId, filename: name });
    let validationFileId: string | undefined;
    if (validation.kind === 'local') {
      validationFileId = await upload(client, validation.uri, validationSummary!.bytes, 'fine-tune');
      if (!validationFileId) return CANCELLED;
      uploaded.push(validationFileId);
      feature.fileNames.learn({ id: validationFileId, filename: validationName });
    } else if (validation.kind === 'uploaded') validationFileId = validation.id;

    const job = await client
      .createFineTuningJob({
        trainingFile: trainingFileId,
        validationFile: validationFileId,
        model,
        hyperparameters: Object.keys(hyperparameters).length ? hyperparameters : undefined,
      })
      .catch((error: unknown) => {
        if (!mayHaveBeenCreated(error)) throw error;
        // The service may have created the job before the answer was lost: deleting its files would break it.
        uploaded.length = 0;
        void feature.tree.refresh().catch(() => undefined);
        throw error.withSentence(
          `The job may have been created anyway (the Fine-tuning view shows it); ${name} stays uploaded as file ${trainingFileId}.`,
        );
      });
    uploaded.length = 0; // the job owns them now
    feature.blocked.clear(uri);
    feature.added(job);
    container.log.info('fineTuning', `created job ${job.id} (${model}) from ${vscode.workspace.asRelativePath(uri)}`);
    void vscode.window.showInformationMessage(`Created fine-tuning job ${job.id} of ${model} on ${name} (${job.status}).`);
    return { status: 'created', jobId: job.id, trainingFileId, validationFileId, model };
  } catch (error) {
    void showApiError(container.log, `Creating a fine-tuning job from ${name}`, error);
    return failed(error);
  } finally {
    // Uploads a job never took (cancelled, refused) are not left behind.
    for (const id of uploaded) await client?.deleteFile(id).catch(() => undefined);
  }
}
