// "kluster: Open Results Beside": download output and error files, join them to the input in input order,
// write `<input>.results.jsonl` beside the input (atomically, never replacing without asking), open it beside.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { batchIdOf } from '../commandArgs';
import { CANCELLED, shownFailure, type Outcome } from '../commands';
import { BATCH_STATUSES_WITH_RESULTS, type Batch, type KlusterClient } from '../core/api';
import { resultsMessage, resultsPathFor, statusText } from '../core/batches/displayText';
import { inputChange, stampOf } from '../core/batches/inputStamp';
import { writeJoinedResults, type JoinSummary } from '../core/results/join';
import { abortOnCancel } from '../core/util/abortOnCancel';
import { fileExists, FileExistsError } from '../core/util/atomicFile';
import { Commands } from '../constants';
import type { Container } from '../container';
import type { BatchesFeature } from './feature';

export interface ResultsOptions {
  /** Replace an existing results file without asking. Default false. */
  readonly overwrite?: boolean;
  /** false: no questions (scripts, tests); an existing results file is then left alone. Default true. */
  readonly confirm?: boolean;
  /** false: write the results without opening them (the comparison reads a judge batch's results). Default true. */
  readonly show?: boolean;
}

/** `notReady`: the batch has no results yet (or failed before any request ran); `noInput`: its input file is not known here. */
export type ResultsOutcome = Outcome<
  | {
      readonly status: 'written';
      readonly path: string;
      readonly summary: JoinSummary;
      readonly message: string;
      readonly warnings: string[];
    }
  | { readonly status: 'exists'; readonly path: string }
  | { readonly status: 'notReady' | 'noInput'; readonly message: string }
>;

const MISSING_REASONS: Record<string, string> = {
  cancelled: 'The batch was cancelled before this request ran.',
  expired: 'The batch expired before this request ran.',
};

async function chooseInput(feature: BatchesFeature, batch: Batch, confirm: boolean): Promise<vscode.Uri | undefined> {
  const found = await feature.locateInputFile(batch);
  if (found) return found;
  const known = feature.inputFile(batch);
  if (!confirm) return undefined;
  const where = known ? `${vscode.workspace.asRelativePath(known)} is gone` : 'This batch was not submitted from this workspace';
  const pick = await vscode.window.showWarningMessage(
    `${where}. Results are joined to the input file by custom_id; choose the input file to continue.`,
    { modal: true },
    'Choose Input File…',
  );
  if (pick !== 'Choose Input File…') return undefined;
  const [chosen] =
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSONL: ['jsonl'] }, title: 'Input file of the batch' })) ?? [];
  if (chosen) await feature.links.set(batch.id, chosen);
  return chosen;
}

/** Downloads a batch's output and error files (those it has) into `dir`. */
export async function download(
  client: KlusterClient,
  batch: Batch,
  dir: string,
  signal: AbortSignal,
): Promise<{ output?: string; error?: string }> {
  const fetch = async (fileId: string | null | undefined, name: string) => {
    if (!fileId) return undefined;
    const dest = path.join(dir, name);
    await client.downloadFileContent(fileId, dest, { signal });
    return dest;
  };
  const [output, error] = await Promise.all([fetch(batch.output_file_id, 'output.jsonl'), fetch(batch.error_file_id, 'error.jsonl')]);
  return { output, error };
}

const tabColumn = (uri: vscode.Uri): vscode.ViewColumn | undefined =>
  vscode.window.tabGroups.all.find((group) =>
    group.tabs.some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString()),
  )?.viewColumn;

/** Shows the results in the tab they already have, else in the group right of the input's, with what is on disk now. */
export async function showResults(results: vscode.Uri, input: vscode.Uri): Promise<void> {
  const wasOpen = vscode.workspace.textDocuments.some((d) => d.uri.toString() === results.toString());
  const inputColumn = tabColumn(input);
  const viewColumn = tabColumn(results) ?? (inputColumn ? inputColumn + 1 : vscode.ViewColumn.Beside);
  const document = await vscode.workspace.openTextDocument(results);
  await vscode.window.showTextDocument(document, { viewColumn, preview: false });
  // The file was replaced by a rename, which a file watcher can miss: reload an editor that held an older version
  // (never one with unsaved edits).
  if (wasOpen && !document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
}

export async function openResultsBeside(
  container: Container,
  feature: BatchesFeature,
  arg: unknown,
  options: ResultsOptions = {},
): Promise<ResultsOutcome> {
  const confirm = options.confirm !== false;
  const batchId =
    batchIdOf(arg) ?? (await feature.pickBatch('Open results of which batch?', (b) => BATCH_STATUSES_WITH_RESULTS.has(b.status)));
  if (!batchId) return CANCELLED;
  const retry = () => vscode.commands.executeCommand(Commands.openResults, batchId, options);
  try {
    const client = await container.clients.get();
    const batch = await client.getBatch(batchId);
    feature.model.upsert(batch);
    const label = feature.labelOf(batch.id);
    if (!BATCH_STATUSES_WITH_RESULTS.has(batch.status)) {
      const message =
        batch.status === 'failed'
          ? `Batch ${label} failed before running any request, so it has no results. Its errors are listed under it in the Batches view.`
          : `Batch ${label} is still ${statusText(batch.status)}; results can be opened once it completes, expires or is cancelled.`;
      void vscode.window.showWarningMessage(message);
      return { status: 'notReady', message };
    }
    const input = await chooseInput(feature, batch, confirm);
    if (!input) {
      const message = `The input file of batch ${label} is not known in this workspace, so results cannot be joined to it.`;
      if (!confirm) void vscode.window.showWarningMessage(message);
      return { status: 'noInput', message };
    }
    const warnings: string[] = [];
    const change = inputChange(feature.links.stamp(batch.id), await stampOf(input.fsPath));
    if (change) {
      const name = path.basename(input.fsPath);
      const warning = `${name} changed since batch ${label} was submitted (${change}); results were joined by custom_id to its lines as they are now.`;
      if (confirm) {
        const pick = await vscode.window.showWarningMessage(
          `${name} changed since batch ${label} was submitted.`,
          {
            modal: true,
            detail: `${change[0]!.toUpperCase()}${change.slice(1)}. Results are joined by custom_id to the lines as they are now; edited lines may get results of what was sent before.`,
          },
          'Join Anyway',
        );
        if (pick !== 'Join Anyway') return CANCELLED;
      }
      warnings.push(warning);
    }
    const dest = resultsPathFor(input.fsPath);
    let overwrite = options.overwrite ?? false;
    if (!overwrite && (await fileExists(dest))) {
      if (!confirm) return { status: 'exists', path: dest };
      const pick = await vscode.window.showWarningMessage(
        `${path.basename(dest)} already exists. Replace it with the results of batch ${label}?`,
        { modal: true },
        'Replace',
      );
      if (pick !== 'Replace') return { status: 'exists', path: dest };
      overwrite = true;
    }
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Fetching results of ${label}`, cancellable: true },
      async (_progress, token) => {
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-results-'));
        try {
          return await abortOnCancel(token, async (signal) => {
            const files = await download(client, batch, dir, signal);
            return writeJoinedResults(
              {
                inputPath: input.fsPath,
                outputPath: files.output,
                errorPath: files.error,
                missingReason: MISSING_REASONS[batch.status],
                signal,
              },
              dest,
              { overwrite },
            );
          });
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      },
    );
    if (options.show !== false) await showResults(vscode.Uri.file(dest), input);
    const message = [resultsMessage(path.basename(dest), summary), ...warnings].join(' ');
    container.log.info('batches', `results of ${batch.id} written to ${dest}: ${message}`);
    // Results that found no input line, or an edited input, deserve a second look.
    const show = summary.unmatched || warnings.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(message);
    return { status: 'written', path: dest, summary, message, warnings };
  } catch (error) {
    if (error instanceof FileExistsError) return { status: 'exists', path: error.path };
    return shownFailure(container.log, `Opening results of batch ${batchId}`, error, retry);
  }
}
