import * as vscode from 'vscode';
import { batchIdOf } from '../commandArgs';
import {
  CANCELLED,
  copyIdCommand,
  failed,
  loadMoreCommand,
  refreshCommand,
  shownError,
  shownFailure,
  type CommandFactories,
  type Outcome,
} from '../commands';
import { describeBatchError, isTerminal, statusText } from '../core/batches/displayText';
import { Commands, ContextKeys } from '../constants';
import { getContext } from '../context';
import { stepDone } from '../firstRun/walkthroughProgress';
import type { Container } from '../container';
import type { SendAsyncOptions } from './asyncRequests';
import type { BatchesFeature } from './feature';
import { failureDiagnostics, loadFailures, pickFailure } from './failedRequests';
import { openResultsBeside, type ResultsOptions } from './results';
import { retryFailedRequests, type RetryOptions } from './retry';
import { submitBatch, type SubmitOptions } from './submit';

async function batchOf(container: Container, feature: BatchesFeature, id: string) {
  return feature.model.get(id) ?? (await (await container.clients.get()).getBatch(id));
}

/** `requested`: the service took the request; `batchStatus` is what it answered (usually `cancelling`). */
export type CancelOutcome = Outcome<{ readonly status: 'requested'; readonly batchStatus: string }>;
/** Where Show Errors put them: as problems on the input file, the error file opened, the batch's error nodes, or none to show. */
export type ErrorsOutcome = Outcome<
  | { readonly status: 'problems' | 'errorFile' | 'tree' | 'none' }
  /** `notInFile`: failed requests with no line of their own in the file as it is now, listed but not placed. */
  | { readonly status: 'requests'; readonly notInFile: number }
>;
/**
 * `opened`: the input file at the error's line (1-based). `noLine`: the batch or its error is not known here, or
 * the error names no line. `noInput`: the input file is not known here or is gone (`path`: where it was).
 */
export type ErrorLineOutcome = Outcome<
  | { readonly status: 'opened'; readonly path: string; readonly line: number }
  | { readonly status: 'noLine' }
  | { readonly status: 'noInput'; readonly path?: string }
>;
/** `revealed`: the local input file, in the editor and the Explorer. `noInput`: not known here; `openedRemote` says whether the copy at kluster.ai was opened instead. */
export type RevealInputOutcome = Outcome<
  { readonly status: 'revealed'; readonly path: string } | { readonly status: 'noInput'; readonly openedRemote: boolean }
>;

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
    return shownFailure(container.log, `Cancelling batch ${label}`, error, () => cancelBatch(container, feature, id, { confirm: false }));
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
        const placed = failureDiagnostics(document, batch, label, failures);
        feature.diagnostics.set(input, placed);
        if (placed.length) {
          const first = placed[0]!.range.start.line;
          const range = document.lineAt(first).range;
          await vscode.window.showTextDocument(document, { preview: false, selection: new vscode.Selection(range.start, range.end) });
          await vscode.commands.executeCommand('workbench.actions.view.problems');
        }
        if (options.pick !== false) await pickFailure(document, batch, label, failures);
        return { status: 'requests', notInFile: failures.length - placed.length };
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
    return shownFailure(container.log, `Showing errors of batch ${id}`, error);
  }
}

async function openErrorLine(feature: BatchesFeature, batchId: unknown, index: unknown): Promise<ErrorLineOutcome> {
  const batch = typeof batchId === 'string' ? feature.model.get(batchId) : undefined;
  const error = typeof index === 'number' ? batch?.errors?.data?.[index] : undefined;
  if (!batch || !error || error.line == null) return { status: 'noLine' };
  try {
    const input = await feature.locateInputFile(batch);
    if (!input) {
      const known = feature.inputFile(batch);
      const where = known && vscode.workspace.asRelativePath(known);
      void vscode.window.showWarningMessage(
        where ? `${where} is not there any more.` : `The input file of batch ${feature.labelOf(batch.id)} is not known in this workspace.`,
      );
      return { status: 'noInput', path: known?.fsPath };
    }
    const document = await vscode.workspace.openTextDocument(input);
    const line = Math.min(document.lineCount - 1, Math.max(0, error.line - 1));
    const range = document.lineAt(line).range;
    await vscode.window.showTextDocument(document, { selection: new vscode.Selection(range.start, range.end), preview: true });
    return { status: 'opened', path: input.fsPath, line: line + 1 };
  } catch (failure) {
    return shownError(failed(failure).message);
  }
}

/** Options for scripts and tests: `openRemote` answers the question whether to open the copy at kluster.ai. */
export interface RevealInputOptions {
  readonly openRemote?: boolean;
}

async function revealInputFile(
  container: Container,
  feature: BatchesFeature,
  arg: unknown,
  options: RevealInputOptions = {},
): Promise<RevealInputOutcome> {
  const id = batchIdOf(arg);
  if (!id) return CANCELLED; // only run from a batch's context menu, which always names one
  try {
    const batch = await batchOf(container, feature, id);
    const input = await feature.locateInputFile(batch);
    if (!input) {
      const remote = batch.input_file_id;
      const question = `The local input file of batch ${feature.labelOf(id)} is not known in this workspace.`;
      const open =
        options.openRemote ??
        (remote
          ? (await vscode.window.showWarningMessage(`${question} Open the copy stored at kluster.ai instead?`, 'Open Remote Input')) ===
            'Open Remote Input'
          : (void vscode.window.showWarningMessage(question), false));
      if (open && remote) await vscode.commands.executeCommand(Commands.openRemoteFile, remote);
      return { status: 'noInput', openedRemote: Boolean(open && remote) };
    }
    await vscode.window.showTextDocument(input, { preview: false });
    await vscode.commands.executeCommand('revealInExplorer', input);
    return { status: 'revealed', path: input.fsPath };
  } catch (error) {
    return shownFailure(container.log, `Revealing the input of batch ${feature.labelOf(id)}`, error);
  }
}

export function batchCommands(feature: BatchesFeature): CommandFactories {
  return {
    [Commands.submitBatch]: (container) => (arg?: unknown, options?: SubmitOptions) => submitBatch(container, feature, arg, options),
    [Commands.openResults]: (container) => async (arg?: unknown, options?: ResultsOptions) => {
      const outcome = await openResultsBeside(container, feature, arg, options);
      if (outcome.status === 'written') stepDone(ContextKeys.resultsOpened);
      return outcome;
    },
    [Commands.retryFailed]: (container) => (arg?: unknown, options?: RetryOptions) => retryFailedRequests(container, feature, arg, options),
    [Commands.cancelBatch]: (container) => (arg?: unknown, options?: { confirm?: boolean }) =>
      cancelBatch(container, feature, arg, options),
    [Commands.showBatchErrors]: (container) => (arg?: unknown, options?: ShowErrorsOptions) =>
      showBatchErrors(container, feature, arg, options),
    [Commands.sendRequestLineAsync]: () => (uri?: unknown, line?: unknown, options?: SendAsyncOptions) =>
      feature.asyncRequests.send(uri, line, options),
    [Commands.openBatchErrorLine]: () => (batchId?: unknown, index?: unknown) => openErrorLine(feature, batchId, index),
    [Commands.revealInputFile]: (container) => (arg?: unknown, options?: RevealInputOptions) =>
      revealInputFile(container, feature, arg, options),
    [Commands.copyBatchId]: () => copyIdCommand('batch', batchIdOf),
    [Commands.refreshBatches]: (container) =>
      refreshCommand(container.log, 'batches', Commands.refreshBatches, () => feature.tree.refresh()),
    [Commands.loadMoreBatches]: (container) =>
      loadMoreCommand(container.log, 'batches', Commands.loadMoreBatches, () => feature.tree.loadMore()),
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
