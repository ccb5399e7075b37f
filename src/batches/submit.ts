// "kluster: Submit File as Batch": validate, confirm, upload, create, remember, reveal.
import * as path from 'path';
import * as vscode from 'vscode';
import { uriOf } from '../commandArgs';
import { CANCELLED, shownFailure, type Outcome } from '../commands';
import {
  COMPLETION_WINDOWS,
  isCompletionWindow,
  mayHaveBeenCreated,
  type CompletionWindow,
  type FilePurpose,
  type KlusterClient,
} from '../core/api';
import { plural } from '../core/batches/displayText';
import { stampOf } from '../core/batches/inputStamp';
import { inspectBatchFile, modelRows, summaryHeadline, type BatchFileSummary } from '../core/batches/inspect';
import { Codes } from '../core/jsonl';
import { abortOnCancel } from '../core/util/abortOnCancel';
import { Commands } from '../constants';
import type { Container } from '../container';
import { inputMetadata } from './batchLinks';
import type { BatchesFeature } from './feature';

export interface SubmitOptions {
  /** Skips the window pick; the setting's default is used when absent. */
  readonly completionWindow?: CompletionWindow;
  /** The window the pick starts on (and used without confirmation), instead of the setting's. */
  readonly defaultWindow?: CompletionWindow;
  /** false: no confirmation and no questions (scripts, tests). Default true. */
  readonly confirm?: boolean;
  /** More to confirm, shown as rows under their own heading in the pre-flight (an experiment's estimate). */
  readonly preflight?: { readonly heading: string; readonly rows: readonly { label: string; description?: string }[] };
}

export type SubmitOutcome = Outcome<
  | {
      readonly status: 'submitted';
      readonly batchId: string;
      readonly inputFileId: string;
      readonly completionWindow: CompletionWindow;
      readonly warnings: number;
    }
  | { readonly status: 'invalid'; readonly errors: number; readonly firstError?: { line: number; message: string } }
  /** Valid requests, but the service would refuse the file (too large, over the free-tier cap); nothing was uploaded. */
  | { readonly status: 'refused'; readonly code: string; readonly line: number; readonly message: string }
>;

const WINDOW_LABELS: Record<CompletionWindow, string> = {
  '1h': '1 hour',
  '3h': '3 hours',
  '6h': '6 hours',
  '12h': '12 hours',
  '24h': '24 hours',
};

/** Saves unsaved edits first: the file on disk is what gets uploaded. */
export async function ensureSaved(uri: vscode.Uri, confirm: boolean): Promise<boolean> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!document?.isDirty) return true;
  if (confirm) {
    const pick = await vscode.window.showWarningMessage(
      `${path.basename(uri.fsPath)} has unsaved changes.`,
      { modal: true, detail: 'The file on disk is what gets submitted.' },
      'Save and Submit',
    );
    if (pick !== 'Save and Submit') return false;
  }
  return document.save();
}

/**
 * A never-saved file has nothing on disk to upload: offers Save As… (without `confirm`, saves at once) and gives
 * the saved file's URI, or undefined when the person did not save it.
 */
async function saveUntitled(uri: vscode.Uri, confirm: boolean): Promise<vscode.Uri | undefined> {
  if (confirm) {
    const pick = await vscode.window.showWarningMessage(
      `${path.basename(uri.path)} is not saved yet; only a file saved on disk can be submitted.`,
      'Save As…',
    );
    if (pick !== 'Save As…') return undefined;
  }
  // An untitled file with a path of its own is saved there; any other gets the Save As dialog.
  const saved = await vscode.workspace.save(uri);
  return saved?.scheme === 'file' ? saved : undefined;
}

/**
 * Says why the file was not submitted where it goes away once stale (the notice in the status bar; a toast stayed
 * up after the file was fixed), and shows the Problems view, where the file's findings are.
 */
async function showBlocked(feature: BatchesFeature, uri: vscode.Uri, what: string, message: string, confirm: boolean): Promise<void> {
  feature.blocked.show(uri, what, message);
  if (confirm) await vscode.commands.executeCommand('workbench.actions.view.problems');
}

async function reportInvalid(
  feature: BatchesFeature,
  uri: vscode.Uri,
  summary: BatchFileSummary,
  confirm: boolean,
): Promise<SubmitOutcome> {
  const first = summary.firstError;
  const name = path.basename(uri.fsPath);
  const firstText = first ? ` First, on line ${first.line + 1}: ${first.message}` : '';
  const message = `${name} has ${plural(summary.errors, 'error')}; nothing was submitted. Fix ${summary.errors === 1 ? 'it' : 'them'} first.${firstText}`;
  // Opening the file lets the validator put its diagnostics into the Problems view.
  const selection = first && new vscode.Range(first.line, first.startColumn, first.line, first.endColumn);
  await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: !confirm, selection });
  await showBlocked(feature, uri, plural(summary.errors, 'error'), message, confirm);
  return { status: 'invalid', errors: summary.errors, firstError: first && { line: first.line + 1, message: first.message } };
}

async function reportRefused(
  feature: BatchesFeature,
  uri: vscode.Uri,
  summary: BatchFileSummary,
  confirm: boolean,
): Promise<SubmitOutcome> {
  const first = summary.refused[0]!;
  const message = `${path.basename(uri.fsPath)} was not submitted: kluster.ai would refuse it. ${first.message}`;
  // The free-tier warning is in Problems once the file is open; a file over 100 MB is too large for the editor to help.
  if (first.code === Codes.fileTooLarge) {
    void vscode.window.showErrorMessage(message);
  } else {
    const selection = new vscode.Range(first.line, first.startColumn, first.line, first.endColumn);
    await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: !confirm, selection });
    await showBlocked(feature, uri, 'kluster.ai would refuse it', message, confirm);
  }
  return { status: 'refused', code: first.code, line: first.line + 1, message };
}

async function pickWindow(
  name: string,
  summary: BatchFileSummary,
  fallback: CompletionWindow,
  preflight: SubmitOptions['preflight'],
): Promise<CompletionWindow | undefined> {
  const warnings = summary.warnings ? ` · ${plural(summary.warnings, 'warning')}` : '';
  type Row = vscode.QuickPickItem & { window?: CompletionWindow };
  const windows: Row[] = COMPLETION_WINDOWS.map((window) => ({
    label: window,
    description: `${WINDOW_LABELS[window]}${window === fallback ? ' (default)' : ''}`,
    window,
  }));
  // The models as rows of their own under the windows: in the placeholder a line of long names was cut off.
  const models: Row[] = modelRows(summary).map((row) => ({ ...row, iconPath: new vscode.ThemeIcon('symbol-constant') }));
  const extra: Row[] = preflight
    ? [
        { label: preflight.heading, kind: vscode.QuickPickItemKind.Separator },
        ...preflight.rows.map((row) => ({ ...row, iconPath: new vscode.ThemeIcon('info') })),
      ]
    : [];
  const items: Row[] = [...windows, ...extra, { label: 'Models in this file', kind: vscode.QuickPickItemKind.Separator }, ...models];
  const picked = await new Promise<CompletionWindow | undefined>((resolve) => {
    const quickPick = vscode.window.createQuickPick<Row>();
    quickPick.title = `Submit ${name}: ${summaryHeadline(summary)}${warnings}`;
    quickPick.placeholder = 'Pick a completion window to submit, or Escape to cancel.';
    quickPick.items = items;
    quickPick.activeItems = windows.filter((i) => i.window === fallback);
    quickPick.ignoreFocusOut = true;
    let chosen: CompletionWindow | undefined;
    quickPick.onDidAccept(() => {
      const window = (quickPick.selectedItems[0] ?? quickPick.activeItems[0])?.window;
      if (!window) return; // a model row is there to read, not to pick
      chosen = window;
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      quickPick.dispose();
      resolve(chosen);
    });
    quickPick.show();
  });
  return picked;
}

/** Uploads with cancellable progress; undefined when the person cancelled. */
export async function upload(
  client: KlusterClient,
  uri: vscode.Uri,
  bytes: number,
  purpose: FilePurpose = 'batch',
): Promise<string | undefined> {
  const name = path.basename(uri.fsPath);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Uploading ${name}`, cancellable: true },
    async (progress, token) => {
      let reported = 0;
      try {
        const file = await abortOnCancel(token, (signal) =>
          client.uploadFile(uri.fsPath, {
            purpose,
            signal,
            onProgress: (done, total) => {
              const percent = Math.floor((done / (total || bytes || 1)) * 100);
              if (percent > reported) progress.report({ increment: percent - reported, message: `${percent}%` });
              reported = Math.max(reported, percent);
            },
          }),
        );
        return file.id;
      } catch (error) {
        if (token.isCancellationRequested) return undefined;
        throw error;
      }
    },
  );
}

export async function submitBatch(
  container: Container,
  feature: BatchesFeature,
  arg: unknown,
  options: SubmitOptions = {},
): Promise<SubmitOutcome> {
  const confirm = options.confirm !== false;
  const uri = uriOf(arg) ?? vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme === 'untitled') {
    const saved = await saveUntitled(uri, confirm);
    return saved ? submitBatch(container, feature, saved, options) : CANCELLED;
  }
  if (!uri || uri.scheme !== 'file') {
    const message = uri
      ? 'Only files saved on disk can be submitted.'
      : 'Open a .jsonl batch file, or pick one in the Explorer, to submit it.';
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', message };
  }
  const name = path.basename(uri.fsPath);
  const retry = () => vscode.commands.executeCommand(Commands.submitBatch, uri, options);
  try {
    const client = await container.clients.get(); // no key: say so before any work
    if (!(await ensureSaved(uri, confirm))) return CANCELLED;

    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Validating ${name}` }, () =>
      inspectBatchFile(uri.fsPath, container.validation.options),
    );
    if (summary.errors > 0) return reportInvalid(feature, uri, summary, confirm);
    if (summary.kind !== 'batch') {
      const what =
        summary.kind === 'empty'
          ? 'is empty'
          : `holds ${summary.kind === 'results' ? 'batch results' : summary.kind === 'finetune' ? 'fine-tuning data' : 'no batch requests'}`;
      const message = `${name} ${what}; a batch file has one {"custom_id", "method", "url", "body"} request per line.`;
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', message };
    }
    if (summary.refused.length > 0) return reportRefused(feature, uri, summary, confirm);

    const fallback = options.completionWindow ?? options.defaultWindow ?? container.config.completionWindow;
    const window = confirm && !options.completionWindow ? await pickWindow(name, summary, fallback, options.preflight) : fallback;
    if (!window || !isCompletionWindow(window)) return CANCELLED;

    const stamp = await stampOf(uri.fsPath); // as uploaded: the results join checks the file is still so
    const inputFileId = await upload(client, uri, summary.bytes);
    if (!inputFileId) return CANCELLED;
    let batch;
    try {
      batch = await client.createBatch({
        inputFileId,
        completionWindow: window,
        metadata: { ...inputMetadata(uri), source: 'vscode' },
      });
    } catch (error) {
      if (mayHaveBeenCreated(error)) {
        // Its upload stays (the batch may be reading it), and no Retry: it could make a second batch.
        const said = error.withSentence(
          `A batch may have been created all the same: refresh the Batches view before you submit ${name} again.`,
        );
        return shownFailure(container.log, `Submitting ${name}`, said);
      }
      // Do not leave an orphan upload behind when the batch could not be made.
      await client.deleteFile(inputFileId).catch(() => undefined);
      throw error;
    }
    await feature.links.set(batch.id, uri, stamp);
    feature.diagnostics.delete(uri); // errors of an earlier batch of this file no longer apply
    feature.blocked.clear(uri);
    feature.added(batch);
    container.log.info(
      'batches',
      `submitted ${vscode.workspace.asRelativePath(uri)} as ${batch.id} (${window}, ${plural(summary.requests, 'request')})`,
    );
    void vscode.window.showInformationMessage(
      `Submitted ${name} as batch ${batch.id} (${plural(summary.requests, 'request')}, ${window} window).`,
    );
    return { status: 'submitted', batchId: batch.id, inputFileId, completionWindow: window, warnings: summary.warnings };
  } catch (error) {
    return shownFailure(container.log, `Submitting ${name}`, error, retry);
  }
}
