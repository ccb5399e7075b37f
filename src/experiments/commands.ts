// The CodeLens commands of an experiment file: Build Batch, Preview N Rows, Submit (the batch submit flow, every
// part, tracked as one experiment), Open Comparison, and fetching the results once the batches have ended.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { showApiError } from '../api/showError';
import { submitBatch } from '../batches/submit';
import type { BatchesFeature } from '../batches/feature';
import { uriOf } from '../commandArgs';
import { CANCELLED, failed, type CommandFactories, type Outcome } from '../commands';
import { isCompletionWindow, TERMINAL_BATCH_STATUSES, type Batch, type ChatRequest, type CompletionWindow } from '../core/api';
import { plural, resultsMessage } from '../core/batches/displayText';
import {
  buildBatch,
  estimateExperiment,
  preflightRows,
  experimentOutputPath,
  loadExperiment,
  previewExperiment,
  pricingOf,
  REALTIME_LIMITS,
  scoreResults,
  writePartsResults,
  type ColumnScore,
  type LoadedExperiment,
} from '../core/experiments';
import type { JoinSummary } from '../core/results/join';
import { abortOnCancel } from '../core/util/abortOnCancel';
import { fileExists, FileExistsError } from '../core/util/atomicFile';
import { Commands } from '../constants';
import type { Container } from '../container';
import type { StoredExperimentRun } from '../storage';
import { isExperimentDocument, type ExperimentDocuments } from './documents';

/** The comparison view's command (src/comparison); called with (experimentUri, resultsUri) when it is registered. */
export const OPEN_COMPARISON_COMMAND = 'kluster.openComparison';

export interface ExperimentCommandOptions {
  /** false: no questions (tests, scripts): existing files are then left alone unless `overwrite`. Default true. */
  readonly confirm?: boolean;
  readonly overwrite?: boolean;
}

type Invalid = { readonly status: 'invalid'; readonly errors: number; readonly messages: string[] };
type Exists = { readonly status: 'exists'; readonly path: string };

export type BuildOutcome = Outcome<{ readonly status: 'built'; readonly lines: number; readonly parts: string[] } | Invalid | Exists>;
export type PreviewOutcome = Outcome<
  { readonly status: 'written'; readonly path: string; readonly rows: number; readonly columns: ColumnScore[] } | Invalid | Exists
>;
export type ExperimentSubmitOutcome = Outcome<
  { readonly status: 'submitted'; readonly batchIds: string[]; readonly parts: string[] } | Invalid | Exists
>;
export type FetchOutcome = Outcome<
  | { readonly status: 'written'; readonly path: string; readonly summary: JoinSummary }
  | { readonly status: 'notSubmitted' | 'notReady'; readonly message: string }
  | Exists
>;
export type ComparisonOutcome = Outcome<
  | { readonly status: 'opened'; readonly results: string; readonly via: 'comparison' | 'file' }
  | { readonly status: 'noResults'; readonly message: string }
>;

/** The experiment as the editor has it (unsaved edits included), else as on disk. */
async function load(documents: ExperimentDocuments, container: Container, uri: vscode.Uri): Promise<LoadedExperiment> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document && isExperimentDocument(document)) return documents.loaded(document);
  return loadExperiment(uri.fsPath, { knownModels: container.models.current.ids });
}

async function reportInvalid(uri: vscode.Uri, loaded: LoadedExperiment, confirm: boolean): Promise<Invalid> {
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  const message = `${path.basename(uri.fsPath)} has ${plural(errors.length, 'error')}; fix ${errors.length === 1 ? 'it' : 'them'} first.${first ? ` First, on line ${first.range.start.line + 1}: ${first.message}` : ''}`;
  void vscode.window.showErrorMessage(message);
  if (confirm) {
    await vscode.window.showTextDocument(uri, { preview: false });
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  return { status: 'invalid', errors: errors.length, messages: errors.map((e) => e.message) };
}

/** Whether `dest` may be written: it does not exist, `overwrite` says so, or the person chose Replace. */
async function mayWrite(dest: string, options: ExperimentCommandOptions, what: string): Promise<boolean> {
  if (options.overwrite || !(await fileExists(dest))) return true;
  if (options.confirm === false) return false;
  const pick = await vscode.window.showWarningMessage(
    `${path.basename(dest)} already exists. Replace it with ${what}?`,
    { modal: true },
    'Replace',
  );
  return pick === 'Replace';
}

function experimentUri(arg: unknown): vscode.Uri | undefined {
  const uri = uriOf(arg) ?? vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri : undefined;
}

function noExperiment(): { status: 'failed'; message: string } {
  const message = 'Open an *.experiment.yaml file to use this command.';
  void vscode.window.showErrorMessage(message);
  return { status: 'failed', message };
}

export class ExperimentCommands {
  constructor(
    private readonly container: Container,
    private readonly documents: ExperimentDocuments,
    private readonly batches: BatchesFeature,
  ) {}

  get previewRows(): number {
    const rows = vscode.workspace.getConfiguration('kluster').get<number>('experiment.previewRows', 5);
    return Number.isInteger(rows) && rows > 0 ? rows : 5;
  }

  private get runs(): Record<string, StoredExperimentRun> {
    return this.container.workspaceState.get('kluster.experimentRuns') ?? {};
  }

  run(uri: vscode.Uri): StoredExperimentRun | undefined {
    const run = this.runs[uri.toString()];
    return run && Array.isArray(run.batchIds) && Array.isArray(run.parts) && run.batchIds.length === run.parts.length ? run : undefined;
  }

  /** The experiment whose run includes this batch. */
  experimentOf(batchId: string): vscode.Uri | undefined {
    const found = Object.entries(this.runs).find(([, run]) => run.batchIds?.includes(batchId));
    return found && vscode.Uri.parse(found[0]);
  }

  async build(arg: unknown, options: ExperimentCommandOptions = {}): Promise<BuildOutcome> {
    const uri = experimentUri(arg);
    if (!uri) return noExperiment();
    const confirm = options.confirm !== false;
    const loaded = await load(this.documents, this.container, uri);
    if (!loaded.ok || !loaded.experiment) return reportInvalid(uri, loaded, confirm);
    const dest = experimentOutputPath(uri.fsPath, 'batch');
    try {
      const built = await this.write(loaded, dest, options);
      if (built.status !== 'built') return built;
      await vscode.window.showTextDocument(vscode.Uri.file(built.parts[0]!), { preview: false });
      const where = built.parts.length === 1 ? path.basename(built.parts[0]!) : `${built.parts.length} parts`;
      void vscode.window.showInformationMessage(`Wrote ${plural(built.lines, 'request')} to ${where}.`);
      return built;
    } catch (error) {
      void showApiError(this.container.log, `Building the batch of ${path.basename(uri.fsPath)}`, error);
      return failed(error);
    }
  }

  /** Writes the batch (asking before replacing it); the part files, or why not. */
  private async write(
    loaded: LoadedExperiment,
    dest: string,
    options: ExperimentCommandOptions,
  ): Promise<{ status: 'built'; lines: number; parts: string[] } | Invalid | Exists | { status: 'cancelled' }> {
    const build = (overwrite: boolean) =>
      buildBatch(loaded.experiment!, loaded.tests, dest, {
        knownModels: this.container.models.current.ids,
        tier: this.container.config.tier,
        overwrite,
      });
    let built;
    try {
      built = await build(options.overwrite ?? false);
    } catch (error) {
      if (!(error instanceof FileExistsError)) throw error;
      if (options.confirm === false) return { status: 'exists', path: error.path };
      const pick = await vscode.window.showWarningMessage(
        `${path.basename(error.path)} already exists. Replace it with the batch built from the experiment?`,
        { modal: true },
        'Replace',
      );
      if (pick !== 'Replace') return CANCELLED;
      built = await build(true);
    }
    const errors = built.diagnostics.filter((d) => d.diagnostic.severity === 'error');
    if (built.parts.length === 0) {
      const message = errors.length
        ? `The batch has ${plural(errors.length, 'error')}; nothing was written. First: ${errors[0]!.diagnostic.message}`
        : 'The dataset has no rows; nothing was written.';
      void vscode.window.showErrorMessage(message);
      return { status: 'invalid', errors: errors.length, messages: errors.map((e) => e.diagnostic.message) };
    }
    return { status: 'built', lines: built.lines, parts: built.parts.map((p) => p.path) };
  }

  async preview(arg: unknown, options: ExperimentCommandOptions & { rows?: number } = {}): Promise<PreviewOutcome> {
    const uri = experimentUri(arg);
    if (!uri) return noExperiment();
    const confirm = options.confirm !== false;
    const loaded = await load(this.documents, this.container, uri);
    if (!loaded.ok || !loaded.experiment) return reportInvalid(uri, loaded, confirm);
    const dest = experimentOutputPath(uri.fsPath, 'preview.results');
    const rows = options.rows ?? this.previewRows;
    try {
      const client = await this.container.clients.get();
      if (!(await mayWrite(dest, options, 'a new preview'))) return confirm ? CANCELLED : { status: 'exists', path: dest };
      const limits = REALTIME_LIMITS[this.container.config.tier];
      const name = path.basename(uri.fsPath);
      const preview = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Previewing ${name}`, cancellable: true },
        async (progress, token) => {
          try {
            return await abortOnCancel(token, (signal) =>
              previewExperiment(loaded.experiment!, loaded.tests, dest, {
                rows,
                limits,
                overwrite: true,
                signal,
                send: (body, s) => client.chat(body as unknown as ChatRequest, { signal: s }),
                onProgress: (done, total) => progress.report({ increment: 100 / total, message: `${done} of ${plural(total, 'request')}` }),
              }),
            );
          } catch (error) {
            if (token.isCancellationRequested) return undefined;
            throw error;
          }
        },
      );
      if (!preview) return CANCELLED;
      const scored = await scoreResults(loaded.experiment, loaded.tests.slice(0, preview.rows), dest);
      const rates = scored.columns.map((c) => `${c.prompt} × ${c.provider} ${Math.round(c.passRate * 100)}%`).join(' · ');
      this.container.log.info('experiments', `preview of ${name}: ${preview.requests} requests, ${rates}`);
      void vscode.window.showInformationMessage(`Preview of ${plural(preview.rows, 'row')}: ${rates}`);
      if (confirm) await this.show(uri, vscode.Uri.file(dest));
      return { status: 'written', path: dest, rows: preview.rows, columns: scored.columns };
    } catch (error) {
      void showApiError(this.container.log, `Previewing ${path.basename(uri.fsPath)}`, error);
      return failed(error);
    }
  }

  async submit(
    arg: unknown,
    options: ExperimentCommandOptions & { completionWindow?: CompletionWindow } = {},
  ): Promise<ExperimentSubmitOutcome> {
    const uri = experimentUri(arg);
    if (!uri) return noExperiment();
    const confirm = options.confirm !== false;
    const loaded = await load(this.documents, this.container, uri);
    if (!loaded.ok || !loaded.experiment) return reportInvalid(uri, loaded, confirm);
    const built = await this.write(loaded, experimentOutputPath(uri.fsPath, 'batch'), options).catch((error: unknown) => {
      void showApiError(this.container.log, `Building the batch of ${path.basename(uri.fsPath)}`, error);
      return failed(error);
    });
    if (built.status !== 'built') return built;
    const pricing = pricingOf(vscode.workspace.getConfiguration('kluster').get('pricing'));
    const estimate = estimateExperiment(loaded.experiment, loaded.tests, pricing);
    const preflight = {
      heading: `Experiment ${path.basename(uri.fsPath)}${built.parts.length > 1 ? ` (${built.parts.length} parts, submitted together)` : ''}`,
      rows: preflightRows(estimate, Object.keys(pricing).length > 0),
    };
    const experimentWindow = loaded.experiment.completionWindow;
    const batchIds: string[] = [];
    const parts: string[] = [];
    let window: CompletionWindow | undefined = options.completionWindow;
    for (const [i, part] of built.parts.entries()) {
      const partUri = vscode.Uri.file(part);
      const outcome = await submitBatch(this.container, this.batches, partUri, {
        confirm: confirm && i === 0,
        ...(window ? { completionWindow: window } : {}),
        ...(experimentWindow && isCompletionWindow(experimentWindow) ? { defaultWindow: experimentWindow } : {}),
        preflight,
      });
      if (outcome.status !== 'submitted') {
        if (batchIds.length) {
          await this.remember(uri, batchIds, parts);
          void vscode.window.showErrorMessage(
            `Part ${i + 1} of ${built.parts.length} was not submitted (${outcome.status}); parts 1–${i} run as ${batchIds.join(', ')}.`,
          );
        }
        if (outcome.status === 'cancelled') return CANCELLED;
        const message =
          outcome.status === 'invalid'
            ? `${path.basename(part)} has ${plural(outcome.errors, 'error')}; nothing was submitted.`
            : outcome.message;
        return { status: 'failed', message };
      }
      window = outcome.completionWindow; // the rest go with the window picked for the first
      batchIds.push(outcome.batchId);
      parts.push(partUri.toString());
    }
    await this.remember(uri, batchIds, parts);
    return { status: 'submitted', batchIds, parts: built.parts };
  }

  private async remember(uri: vscode.Uri, batchIds: string[], parts: string[]): Promise<void> {
    await this.container.workspaceState.update('kluster.experimentRuns', {
      ...this.runs,
      [uri.toString()]: { batchIds, parts, at: Date.now() },
    });
  }

  /** Joins the results of every part of the last submit into NAME.results.jsonl once all its batches have ended. */
  async fetchResults(arg: unknown, options: ExperimentCommandOptions = {}): Promise<FetchOutcome> {
    const uri = experimentUri(arg);
    if (!uri) return noExperiment();
    const run = this.run(uri);
    const name = path.basename(uri.fsPath);
    if (!run) return { status: 'notSubmitted', message: `${name} has not been submitted from this workspace.` };
    const dest = experimentOutputPath(uri.fsPath, 'results');
    try {
      const client = await this.container.clients.get();
      const batches: Batch[] = [];
      for (const id of run.batchIds) batches.push(await client.getBatch(id));
      for (const batch of batches) this.batches.model.upsert(batch);
      const running = batches.filter((b) => !TERMINAL_BATCH_STATUSES.has(b.status));
      if (running.length) {
        const message = `${name}: ${running.length === batches.length && batches.length === 1 ? 'its batch is' : `${running.length} of ${plural(batches.length, 'batch')} are`} still running (${running.map((b) => b.status).join(', ')}).`;
        return { status: 'notReady', message };
      }
      if (!(await mayWrite(dest, options, `the results of ${plural(batches.length, 'batch')}`))) {
        return options.confirm === false ? { status: 'exists', path: dest } : CANCELLED;
      }
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Fetching the results of ${name}`, cancellable: true },
        async (_progress, token) => {
          const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-experiment-'));
          try {
            return await abortOnCancel(token, async (signal) => {
              const inputs = [];
              for (const [i, batch] of batches.entries()) {
                const fetch = async (id: string | null | undefined, file: string) => {
                  if (!id) return undefined;
                  const target = path.join(dir, `${i + 1}.${file}`);
                  await client.downloadFileContent(id, target, { signal });
                  return target;
                };
                inputs.push({
                  inputPath: vscode.Uri.parse(run.parts[i]!).fsPath,
                  outputPath: await fetch(batch.output_file_id, 'output.jsonl'),
                  errorPath: await fetch(batch.error_file_id, 'error.jsonl'),
                  missingReason: `No result for this request (batch status: ${batch.status}).`,
                });
              }
              return writePartsResults(inputs, dest, { overwrite: true, signal });
            });
          } finally {
            await fs.rm(dir, { recursive: true, force: true });
          }
        },
      );
      this.container.log.info('experiments', `results of ${name} written to ${dest}`);
      if (options.confirm !== false) void vscode.window.showInformationMessage(resultsMessage(path.basename(dest), summary));
      return { status: 'written', path: dest, summary };
    } catch (error) {
      void showApiError(this.container.log, `Fetching the results of ${name}`, error);
      return failed(error);
    }
  }

  /**
   * The comparison of the experiment's latest results: the batch's (fetched when they are not on disk yet), else
   * the preview's. Opens the comparison view when it is installed, else the results file.
   */
  async openComparison(arg: unknown, options: ExperimentCommandOptions = {}): Promise<ComparisonOutcome> {
    const uri = experimentUri(arg);
    if (!uri) return noExperiment();
    const run = this.run(uri);
    const batchResults = experimentOutputPath(uri.fsPath, 'results');
    const previewResults = experimentOutputPath(uri.fsPath, 'preview.results');
    let results: string | undefined;
    let note: string | undefined;
    if (run) {
      const stat = await fs.stat(batchResults).catch(() => undefined);
      if (stat && stat.mtimeMs >= run.at) results = batchResults;
      else {
        const fetched = await this.fetchResults(uri, { ...options, overwrite: options.overwrite ?? true });
        if (fetched.status === 'written') results = fetched.path;
        else if (fetched.status === 'notReady') note = fetched.message;
        else if (fetched.status === 'failed' || fetched.status === 'cancelled') return fetched;
      }
    }
    if (!results && (await fileExists(batchResults))) results = batchResults;
    if (!results && (await fileExists(previewResults))) results = previewResults;
    if (!results) {
      const message = note ?? `${path.basename(uri.fsPath)} has no results yet: Preview it, or Submit it and wait for the batch.`;
      void vscode.window.showInformationMessage(message);
      return { status: 'noResults', message };
    }
    if (note)
      void vscode.window.showInformationMessage(
        `${note} Showing the ${results === previewResults ? 'preview' : 'earlier results'} meanwhile.`,
      );
    const via = await this.show(uri, vscode.Uri.file(results));
    return { status: 'opened', results, via };
  }

  private async show(experiment: vscode.Uri, results: vscode.Uri): Promise<'comparison' | 'file'> {
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes(OPEN_COMPARISON_COMMAND)) {
      await vscode.commands.executeCommand(OPEN_COMPARISON_COMMAND, experiment, results);
      return 'comparison';
    }
    await vscode.commands.executeCommand('vscode.open', results, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    return 'file';
  }

  /** When the last batch of a run ends, offer its comparison. */
  async finished(batch: Batch): Promise<void> {
    const uri = this.experimentOf(batch.id);
    const run = uri && this.run(uri);
    if (!uri || !run) return;
    const open = run.batchIds.filter((id) => id !== batch.id && !TERMINAL_BATCH_STATUSES.has(this.batches.model.get(id)?.status ?? ''));
    if (open.length) return;
    const pick = await vscode.window.showInformationMessage(
      `${path.basename(uri.fsPath)}: ${run.batchIds.length === 1 ? 'its batch has' : `all ${run.batchIds.length} batches have`} ended.`,
      'Open Comparison',
    );
    if (pick) await vscode.commands.executeCommand(Commands.experimentOpenComparison, uri);
  }

  factories(): CommandFactories {
    return {
      [Commands.experimentBuild]: () => (arg: unknown, options?: ExperimentCommandOptions) => this.build(arg, options),
      [Commands.experimentPreview]: () => (arg: unknown, options?: ExperimentCommandOptions & { rows?: number }) =>
        this.preview(arg, options),
      [Commands.experimentSubmit]: () => (arg: unknown, options?: ExperimentCommandOptions & { completionWindow?: CompletionWindow }) =>
        this.submit(arg, options),
      [Commands.experimentFetchResults]: () => (arg: unknown, options?: ExperimentCommandOptions) => this.fetchResults(arg, options),
      [Commands.experimentOpenComparison]: () => (arg: unknown, options?: ExperimentCommandOptions) => this.openComparison(arg, options),
    };
  }
}
