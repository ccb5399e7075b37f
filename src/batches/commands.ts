import * as vscode from 'vscode';
import { showApiError } from '../api/showError';
import { batchIdOf } from '../commandArgs';
import { CANCELLED, failed, type CommandFactories, type Outcome } from '../commands';
import { describeBatchError, isTerminal, statusText } from '../core/batches/displayText';
import { Commands, ContextKeys } from '../constants';
import { getContext } from '../context';
import type { Container } from '../container';
import type { BatchesFeature } from './feature';
import { failureDiagnostics, loadFailures, pickFailure } from './failedRequests';
import { openResultsBeside, type ResultsOptions } from './results';
import { submitBatch, type SubmitOptions } from './submit';

async function batchOf(container: Container, feature: BatchesFeature, id: string) {
  return feature.model.get(id) ?? (await (await container.clients.get()).getBatch(id));
}

/** `requested`: the service took the request; `batchStatus` is what it answered (usually `cancelling`). */
export type CancelOutcome = Outcome<{ readonly status: 'requested'; readonly batchStatus: string }>;
/** Where Show Errors put them: as problems on the input file, the error file opened, the batch's error nodes, or none to show. */
export type ErrorsOutcome = Outcome<{ readonly status: 'problems' | 'requests' | 'errorFile' | 'tree' | 'none' }>;

async function cancelBatch(
  container: Container,
  feature: BatchesFeature,
  arg: unknown,
  options: { confirm?: boolean } = {},
): Promise<CancelOutcome> {
  const id = batchIdOf(arg) ?? (await feature.pickBatch('Cancel which batch?', (b) => !isTerminal(b.status)));
  if (!id) return CANCELLED;
  const label = feature.labelOf(id);
  if (options.confirm !== false) {
    const pick = await vscode.window.showWarningMessage(
      `Cancel batch ${label}?`,
      { modal: true, detail: `Batch ${id}: requests that already ran keep their results; the others will not run. This cannot be undone.` },
      'Cancel Batch',
    );
    if (pick !== 'Cancel Batch') return CANCELLED;
  }
  try {
    const batch = await (await container.clients.get()).cancelBatch(id);
    feature.model.upsert(batch);
    feature.poller.kick();
    container.log.info('batches', `cancel requested for ${id}: now ${batch.status}`);
    void vscode.window.showInformationMessage(`Batch ${label} is ${statusText(batch.status)}.`);
    return { status: 'requested', batchStatus: batch.status };
  } catch (error) {
    void showApiError(container.log, `Cancelling batch ${label}`, error, () => cancelBatch(container, feature, id, { confirm: false }));
    return failed(error);
  }
}

export interface ShowErrorsOptions {
  /** false: no quick pick of the failed requests (scripts, tests). Default true. */
  readonly pick?: boolean;
}

/**
 * Puts errors.data on the input file as problems; else each failed request on its input line (and in a quick
 * pick); else opens the error file (the input is not here), else reveals the batch.
 */
async function showBatchErrors(
  container: Container,
  feature: BatchesFeature,
  arg: unknown,
  options: ShowErrorsOptions = {},
): Promise<ErrorsOutcome> {
  const id = batchIdOf(arg);
  if (!id) return { status: 'none' };
  try {
    const batch = await batchOf(container, feature, id);
    const errors = batch.errors?.data ?? [];
    const input = await feature.locateInputFile(batch);
    if (errors.length && input) {
      const document = await vscode.workspace.openTextDocument(input);
      const last = Math.max(0, document.lineCount - 1);
      const diagnostics = errors.map((error) => {
        const line = Math.min(last, Math.max(0, (error.line ?? 1) - 1));
        const diagnostic = new vscode.Diagnostic(
          document.lineAt(line).range,
          `Batch ${id}: ${describeBatchError(error)}`,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = 'kluster.ai batch';
        return diagnostic;
      });
      feature.diagnostics.set(input, diagnostics);
      await vscode.window.showTextDocument(document, { preview: false });
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      return { status: 'problems' };
    }
    if (batch.error_file_id && input) {
      const label = feature.labelOf(id);
      const failures = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Reading the errors of ${label}` },
        async () => loadFailures(await container.clients.get(), batch, input),
      );
      if (failures.length) {
        const document = await vscode.workspace.openTextDocument(input);
        feature.diagnostics.set(input, failureDiagnostics(document, batch, label, failures));
        const first = document.lineAt(failures[0]!.inputLine - 1).range;
        await vscode.window.showTextDocument(document, { preview: false, selection: new vscode.Selection(first.start, first.end) });
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        if (options.pick !== false) await pickFailure(document, label, failures);
        return { status: 'requests' };
      }
    }
    if (batch.error_file_id) {
      await vscode.commands.executeCommand(Commands.openRemoteFile, batch.error_file_id);
      return { status: 'errorFile' };
    }
    if (errors.length) {
      await feature.reveal(id, true);
      return { status: 'tree' };
    }
    void vscode.window.showInformationMessage(`Batch ${feature.labelOf(id)} has no errors.`);
    return { status: 'none' };
  } catch (error) {
    void showApiError(container.log, `Showing errors of batch ${id}`, error);
    return failed(error);
  }
}

async function openErrorLine(feature: BatchesFeature, batchId: string, index: number): Promise<boolean> {
  const batch = feature.model.get(batchId);
  const error = batch?.errors?.data?.[index];
  if (!batch || !error || error.line == null) return false;
  const input = await feature.locateInputFile(batch);
  if (!input) {
    const known = feature.inputFile(batch);
    if (known) void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(known)} is not there any more.`);
    return false;
  }
  const document = await vscode.workspace.openTextDocument(input);
  const line = Math.min(document.lineCount - 1, Math.max(0, error.line - 1));
  const range = document.lineAt(line).range;
  await vscode.window.showTextDocument(document, { selection: new vscode.Selection(range.start, range.end), preview: true });
  return true;
}

async function revealInputFile(container: Container, feature: BatchesFeature, arg: unknown): Promise<string | undefined> {
  const id = batchIdOf(arg);
  if (!id) return undefined;
  const batch = await batchOf(container, feature, id);
  const input = await feature.locateInputFile(batch);
  if (!input) {
    const pick = await vscode.window.showWarningMessage(
      `The local input file of batch ${feature.labelOf(id)} is not known in this workspace. Open the copy stored at kluster.ai instead?`,
      'Open Remote Input',
    );
    if (pick === 'Open Remote Input' && batch.input_file_id)
      await vscode.commands.executeCommand(Commands.openRemoteFile, batch.input_file_id);
    return undefined;
  }
  await vscode.window.showTextDocument(input, { preview: false });
  await vscode.commands.executeCommand('revealInExplorer', input);
  return input.fsPath;
}

export function batchCommands(feature: BatchesFeature): CommandFactories {
  return {
    [Commands.submitBatch]: (container) => (arg?: unknown, options?: SubmitOptions) => submitBatch(container, feature, arg, options),
    [Commands.openResults]: (container) => (arg?: unknown, options?: ResultsOptions) => openResultsBeside(container, feature, arg, options),
    [Commands.cancelBatch]: (container) => (arg?: unknown, options?: { confirm?: boolean }) =>
      cancelBatch(container, feature, arg, options),
    [Commands.showBatchErrors]: (container) => (arg?: unknown, options?: ShowErrorsOptions) =>
      showBatchErrors(container, feature, arg, options),
    [Commands.openBatchErrorLine]: () => (batchId: string, index: number) => openErrorLine(feature, batchId, index),
    [Commands.revealInputFile]: (container) => (arg?: unknown) => revealInputFile(container, feature, arg),
    [Commands.copyBatchId]: () => async (arg?: unknown) => {
      const id = batchIdOf(arg);
      if (!id) return undefined;
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(`Copied batch id ${id}`, 3000);
      return id;
    },
    [Commands.refreshBatches]: (container) => async () => {
      try {
        await feature.tree.refresh();
        return true;
      } catch (error) {
        void showApiError(container.log, 'Listing batches', error, () => vscode.commands.executeCommand(Commands.refreshBatches));
        return false;
      }
    },
    [Commands.loadMoreBatches]: (container) => async () => {
      try {
        return await feature.model.loadMore(await container.clients.get());
      } catch (error) {
        void showApiError(container.log, 'Loading more batches', error, () => vscode.commands.executeCommand(Commands.loadMoreBatches));
        return 0;
      }
    },
    /** Hidden: the tree as data, plus the status bar and poller state, for tests. */
    [Commands.batchesSnapshot]: () => async () => ({
      items: await feature.tree.snapshot(),
      statusBar: feature.statusBar.text,
      polling: feature.poller.isActive,
      agesRedrawn: feature.agesRedrawn,
      blockedNotice: feature.blocked.text,
      empty: getContext(ContextKeys.batchesEmpty),
      inputFiles: Object.fromEntries(feature.model.all.map((b) => [b.id, feature.inputFile(b)?.fsPath ?? null])),
    }),
  };
}
