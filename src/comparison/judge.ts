// "Judge Replies": the judge batch of the comparison's experiment (core judge.ts), submitted through the same
// submit flow as any batch file, waited for, joined beside it, and read back into the comparison (scores and
// reasons; a malformed judge reply is a judge error, never a pass).
import * as path from 'path';
import * as vscode from 'vscode';
import { submitBatch } from '../batches/submit';
import { openResultsBeside } from '../batches/results';
import type { BatchesFeature } from '../batches/feature';
import { CANCELLED, failed, type Outcome } from '../commands';
import type { Container } from '../container';
import { isCompletionWindow, type CompletionWindow } from '../core/api';
import { isTerminal, plural } from '../core/batches/displayText';
import { buildJudgeBatch } from '../core/experiments';
import { fileExists } from '../core/util/atomicFile';
import type { ComparisonPanel } from './comparisonPanel';
import { judgeBatchBeside } from './paths';

export interface JudgeOptions {
  /** false: no questions (scripts, tests): an earlier judge batch and its results are replaced. Default true. */
  readonly confirm?: boolean;
}

export type JudgeOutcome = Outcome<
  | { readonly status: 'judged'; readonly batchId: string; readonly requests: number; readonly judgeResults: string }
  /** Nothing to judge: no llm-rubric assertion, no judge model, or no reply that succeeded. */
  | { readonly status: 'nothing'; readonly message: string }
  /** Submitted, but the batch ended without results (failed), or the wait was stopped. */
  | { readonly status: 'submitted'; readonly batchId: string; readonly message: string }
>;

/** Resolves with the batch once it is terminal, as the poller sees it; or undefined when the wait is cancelled. */
function finished(batches: BatchesFeature, batchId: string, token: vscode.CancellationToken): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (status: string | undefined) => {
      listener.dispose();
      cancel.dispose();
      resolve(status);
    };
    const listener = batches.model.onDidFinish((batch) => batch.id === batchId && done(batch.status));
    const cancel = token.onCancellationRequested(() => done(undefined));
    const known = batches.model.get(batchId);
    if (known && isTerminal(known.status)) done(known.status);
    else batches.poller.kick();
  });
}

export async function judgeReplies(
  container: Container,
  batches: BatchesFeature,
  panel: ComparisonPanel,
  options: JudgeOptions = {},
): Promise<JudgeOutcome> {
  const confirm = options.confirm !== false;
  await panel.rescore(); // judge what is on disk now
  const scored = panel.current;
  if (!scored) {
    const message = panel.snapshot().problem ?? 'The comparison has not been scored yet.';
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', message };
  }
  const dest = judgeBatchBeside(panel.experimentUri.fsPath);
  const name = path.basename(dest);
  if (confirm && (await fileExists(dest))) {
    const pick = await vscode.window.showWarningMessage(
      `${name} already exists. Replace it with a new judge batch?`,
      { modal: true, detail: 'Its results, once joined, replace the judge scores shown now.' },
      'Replace',
    );
    if (pick !== 'Replace') return CANCELLED;
  }
  try {
    panel.setBusy('Building the judge batch…');
    const built = await buildJudgeBatch(scored.experiment, scored.tests, panel.resultsUri.fsPath, dest, { overwrite: true });
    if (built.lines === 0) {
      const message = built.noJudgeModel
        ? `No judge model: set kluster.judge.model in ${path.basename(panel.experimentUri.fsPath)}, or provider on each llm-rubric assertion.`
        : built.skipped
          ? 'Nothing to judge: every reply with an llm-rubric assertion is a failed request.'
          : `Nothing to judge: ${path.basename(panel.experimentUri.fsPath)} has no llm-rubric assertion.`;
      void vscode.window.showWarningMessage(message);
      return { status: 'nothing', message };
    }
    panel.setBusy(`Submitting ${plural(built.lines, 'judge request')}…`);
    const submitted = await submitBatch(container, batches, vscode.Uri.file(dest), {
      confirm,
      // Asked with the file's summary (the confirmation); without questions, the experiment's window.
      completionWindow: confirm ? undefined : experimentWindow(scored.experiment.completionWindow),
    });
    if (submitted.status !== 'submitted')
      return submitted.status === 'cancelled' ? CANCELLED : { status: 'failed', message: describe(submitted) };
    const batchId = submitted.batchId;
    panel.setBusy(`Judging: waiting for batch ${batchId}…`);
    const status = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Judging: ${plural(built.lines, 'judge request')} in batch ${batchId}`,
        cancellable: true,
      },
      (_progress, token) => finished(batches, batchId, token),
    );
    if (status === undefined || status === 'failed') {
      const message =
        status === undefined
          ? `Stopped waiting for judge batch ${batchId}; it keeps running. Open its results beside ${name} and the comparison reads them.`
          : `Judge batch ${batchId} failed; its errors are listed under it in the Batches view.`;
      return { status: 'submitted', batchId, message };
    }
    const joined = await openResultsBeside(container, batches, batchId, { confirm, overwrite: !confirm, show: false });
    if (joined.status !== 'written') {
      if (joined.status === 'cancelled') return CANCELLED;
      const message =
        joined.status === 'exists' ? `${path.basename(joined.path)} was kept; the judge results were not joined.` : joined.message;
      return { status: 'failed', message };
    }
    await panel.rescore();
    return { status: 'judged', batchId, requests: built.lines, judgeResults: joined.path };
  } catch (error) {
    void vscode.window.showErrorMessage(`kluster: judging failed: ${error instanceof Error ? error.message : String(error)}`);
    return failed(error);
  } finally {
    panel.setBusy(null);
  }
}

function experimentWindow(window: string | undefined): CompletionWindow | undefined {
  return window !== undefined && isCompletionWindow(window) ? window : undefined;
}

function describe(outcome: { status: string; message?: string; errors?: number }): string {
  return 'message' in outcome && outcome.message ? outcome.message : `The judge batch was not submitted (${outcome.status}).`;
}
