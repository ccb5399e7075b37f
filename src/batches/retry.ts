// "kluster: Retry Failed Requests": the failed and missing requests of a results file, copied byte for byte from
// its input into a new batch file and submitted through Submit's own checks and pre-flight summary. The retry
// batch is linked to the results file; when it ends, its results merge into that file (rows that now succeeded
// replace the old ones), and the file as it was is kept beside it.
import { constants as fsConstants, promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { showApiError } from '../api/showError';
import { batchIdOf } from '../commandArgs';
import { CANCELLED, failed, type Outcome } from '../commands';
import { BATCH_STATUSES_WITH_RESULTS, type Batch, type CompletionWindow } from '../core/api';
import { formatCount, plural, resultsPathFor } from '../core/batches/displayText';
import { assertResultsFile } from '../core/results/fileKind';
import { writeJoinedResults } from '../core/results/join';
import { mergeResults, type MergeSummary } from '../core/results/merge';
import { experimentResultsFor } from '../core/experiments/outputs';
import { inputFilesNamedIn, selectRetry, type RetrySelection } from '../core/results/retry';
import { fileExists } from '../core/util/atomicFile';
import type { Container } from '../container';
import { RESULTS_VIEW_TYPE, RAW_RESULTS_VIEW_TYPE } from '../results/protocol';
import { inputFileFor } from '../results/resultsDocument';
import type { BatchesFeature } from './feature';
import { download, openResultsBeside } from './results';
import { submitBatch } from './submit';

export interface RetryOptions {
  /** false: no questions (scripts, tests); the completion window is the setting's unless given. Default true. */
  readonly confirm?: boolean;
  readonly completionWindow?: CompletionWindow;
}

export type RetryOutcome = Outcome<
  | {
      readonly status: 'submitted';
      readonly batchId: string;
      /** The new batch file: the failed and missing request lines of the input, as they are there. */
      readonly retryFile: string;
      /** The results file the retry's results merge into. */
      readonly results: string;
      readonly selection: RetrySelection;
    }
  /** Every request has a success: no file was written, nothing submitted. */
  | { readonly status: 'nothing'; readonly message: string }
>;

const isResultsTab = (input: unknown): input is vscode.TabInputCustom =>
  input instanceof vscode.TabInputCustom && (input.viewType === RESULTS_VIEW_TYPE || input.viewType === RAW_RESULTS_VIEW_TYPE);

/** A results file to retry from, and the input files to copy from when they are not the results file's own. */
interface RetrySource {
  readonly results: string;
  readonly inputs?: readonly string[];
}

/**
 * The results file to retry from: the one given, the grid or editor in front, else that of a batch (joined now if
 * need be). A batch of an experiment retries into the experiment's results (the comparison's file), from its part.
 */
async function sourceOf(container: Container, feature: BatchesFeature, arg: unknown, confirm: boolean): Promise<RetrySource | undefined> {
  if (arg instanceof vscode.Uri) return { results: arg.fsPath };
  if (typeof arg === 'string' && path.isAbsolute(arg)) return { results: arg };
  let batchId = batchIdOf(arg);
  if (!batchId) {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (isResultsTab(tab)) return { results: tab.uri.fsPath };
    for (const inFront of feature.resultsInFront) {
      const shown = inFront();
      if (shown) return { results: shown.fsPath };
    }
    const editor = vscode.window.activeTextEditor?.document.uri;
    if (editor?.scheme === 'file' && editor.fsPath.toLowerCase().endsWith('.results.jsonl')) return { results: editor.fsPath };
    batchId = await feature.pickBatch('Retry the failed requests of which batch?', (b) => BATCH_STATUSES_WITH_RESULTS.has(b.status));
    if (!batchId) return undefined;
  }
  const batch = feature.model.get(batchId) ?? (await (await container.clients.get()).getBatch(batchId));
  const input = await feature.locateInputFile(batch);
  const experimentResults = input && (await experimentResultsFor(input.fsPath));
  if (experimentResults && (await inputFilesNamedIn(experimentResults).catch((): string[] => [])).includes(input.fsPath))
    return { results: experimentResults, inputs: [input.fsPath] };
  const existing = input && resultsPathFor(input.fsPath);
  if (existing && (await fileExists(existing))) return { results: existing };
  // No joined results yet: join them first (asking what Open Results asks), then retry from them.
  const joined = await openResultsBeside(container, feature, batchId, { confirm });
  return joined.status === 'written' ? { results: joined.path } : undefined;
}

/**
 * The input files of a results file: `x.jsonl` beside `x.results.jsonl`, else the files its rows name in
 * `input_file` (an experiment's batch, or its parts); undefined, with why, when one is not there.
 */
async function inputsOf(results: string): Promise<{ inputs: string[] } | { problem: string }> {
  const beside = await inputFileFor(results);
  if (beside) return { inputs: [beside] };
  const named = await inputFilesNamedIn(results);
  const gone: string[] = [];
  for (const file of named) if (!(await fileExists(file))) gone.push(file);
  if (named.length && !gone.length) return { inputs: named };
  const name = path.basename(results);
  return {
    problem: gone.length
      ? `${name} names ${gone.map((f) => path.basename(f)).join(', ')} as its input, which is not there any more; Retry Failed Requests copies the requests from there.`
      : `The input file of ${name} (${name.replace(/\.results\.jsonl$/i, '.jsonl')}) is not beside it; Retry Failed Requests copies the requests from there.`,
  };
}

/** `run.retry.jsonl` beside the input, else `run.retry-2.jsonl` and on: a retry never replaces a file. */
async function freeRetryPath(input: string): Promise<string> {
  const stem = input.replace(/\.jsonl$/i, '');
  for (let n = 1; ; n++) {
    const candidate = `${stem}.retry${n === 1 ? '' : `-${n}`}.jsonl`;
    if (!(await fileExists(candidate)) && !(await fileExists(resultsPathFor(candidate)))) return candidate;
  }
}

/** Where the results file is kept as it was before a retry's results merge into it. */
export function backupPathFor(results: string, batchId: string): string {
  return `${results.replace(/\.jsonl$/i, '')}.before-${batchId}.jsonl`;
}

export async function retryFailedRequests(
  container: Container,
  feature: BatchesFeature,
  arg: unknown,
  options: RetryOptions = {},
): Promise<RetryOutcome> {
  const confirm = options.confirm !== false;
  try {
    const source = await sourceOf(container, feature, arg, confirm);
    if (!source) return CANCELLED;
    const { results } = source;
    const found = source.inputs ? { inputs: [...source.inputs] } : await inputsOf(results);
    if ('problem' in found) {
      void vscode.window.showErrorMessage(found.problem);
      return { status: 'failed', message: found.problem };
    }
    const inputs = found.inputs;
    // The parts of a split batch retry as one file, named after the batch they were split from.
    const input = inputs.length === 1 ? inputs[0]! : inputs[0]!.replace(/\.part-\d+(\.jsonl)$/i, '$1');
    const inputNames = inputs.map((f) => path.basename(f)).join(', ');
    await assertResultsFile(results);
    const retryFile = await freeRetryPath(input);
    const selection = await selectRetry({ resultsPath: results, inputPath: inputs, outPath: retryFile });
    const where = (s: { file: string; line: number }) => (inputs.length === 1 ? `line ${s.line}` : `${path.basename(s.file)}:${s.line}`);
    const skipped = selection.skipped.length
      ? ` ${plural(selection.skipped.length, 'request')} cannot be sent again as ${selection.skipped.length === 1 ? 'it is' : 'they are'} (${selection.skipped.map(where).join(', ')}: ${selection.skipped[0]!.reason}).`
      : '';
    if (!selection.fileWritten) {
      const message = `Every request in ${path.basename(results)} succeeded; there is nothing to retry.${skipped}`;
      void vscode.window.showInformationMessage(message);
      return { status: 'nothing', message };
    }
    const what = [selection.failed && `${plural(selection.failed, 'failed request')}`, selection.missing && `${selection.missing} missing`]
      .filter(Boolean)
      .join(' and ');
    if (confirm) {
      const pick = await vscode.window.showInformationMessage(
        `Retry ${what} of ${inputNames}?`,
        {
          modal: true,
          detail:
            `${path.basename(retryFile)} now holds exactly those request lines, copied from ${inputNames}; next you pick a completion window to submit it. ` +
            `When the retry batch ends, its results are merged into ${path.basename(results)}, and the file as it is now is kept beside it as ${path.basename(backupPathFor(results, '<batch id>'))}.${skipped}`,
        },
        'Retry',
      );
      if (pick !== 'Retry') {
        await fs.rm(retryFile, { force: true });
        return CANCELLED;
      }
    }
    const submitted = await submitBatch(container, feature, vscode.Uri.file(retryFile), {
      confirm,
      completionWindow: options.completionWindow,
    });
    if (submitted.status !== 'submitted') {
      if (submitted.status === 'cancelled') await fs.rm(retryFile, { force: true });
      return submitted.status === 'cancelled' || submitted.status === 'failed'
        ? submitted
        : { status: 'failed', message: `${path.basename(retryFile)} was not submitted (${submitted.status}).` };
    }
    await feature.links.setRetry(submitted.batchId, results);
    container.log.info(
      'batches',
      `retry ${submitted.batchId} of ${results}: ${selection.lines.map((line, i) => `${path.basename(selection.files[i]!)}:${line}`).join(', ')} in ${retryFile}`,
    );
    return { status: 'submitted', batchId: submitted.batchId, retryFile, results, selection };
  } catch (error) {
    void showApiError(container.log, 'Retrying failed requests', error);
    return failed(error);
  }
}

export type MergeOutcome = Outcome<{
  readonly status: 'merged';
  readonly results: string;
  readonly backup: string;
  readonly summary: MergeSummary;
}>;

/** A copy of `file` at `backupPathFor` (with -2, -3… if that is taken): never over another file. */
async function keepBackup(file: string, batchId: string): Promise<string> {
  const base = backupPathFor(file, batchId);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : base.replace(/\.jsonl$/i, `-${n}.jsonl`);
    try {
      await fs.copyFile(file, candidate, fsConstants.COPYFILE_EXCL);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** A retry batch ended: joins its results to the retry file, and merges them into the results file it came from. */
export async function mergeRetry(container: Container, feature: BatchesFeature, batch: Batch): Promise<MergeOutcome | undefined> {
  const results = feature.links.retryOf(batch.id);
  if (!results) return undefined;
  const label = feature.labelOf(batch.id);
  try {
    const retryFile = await feature.locateInputFile(batch);
    if (!BATCH_STATUSES_WITH_RESULTS.has(batch.status) || !retryFile) {
      const message = !retryFile
        ? `Retry batch ${label} ended, but its batch file is gone, so its results cannot be merged into ${path.basename(results)}.`
        : `Retry batch ${label} ${batch.status}; ${path.basename(results)} is unchanged.`;
      void vscode.window.showWarningMessage(message);
      await feature.links.markMerged(batch.id);
      return { status: 'failed', message };
    }
    if (!(await fileExists(results))) {
      const message = `Retry batch ${label} ended, but ${results} is gone; Open Results of the retry batch to see its results.`;
      void vscode.window.showWarningMessage(message);
      await feature.links.markMerged(batch.id);
      return { status: 'failed', message };
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === results);
    if (open?.isDirty) {
      const message =
        `${path.basename(results)} has unsaved edits, so the results of retry batch ${label} were not merged into it. ` +
        `Open Results of the retry batch, then merge them with \`kluster results merge\`.`;
      void vscode.window.showWarningMessage(message);
      return { status: 'failed', message };
    }
    const client = await container.clients.get();
    const { backup, summary } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Merging the results of ${label}` },
      async () => {
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-retry-'));
        try {
          const files = await download(client, batch, dir, new AbortController().signal);
          const joined = path.join(dir, 'retry.results.jsonl');
          await writeJoinedResults({ inputPath: retryFile.fsPath, outputPath: files.output, errorPath: files.error }, joined);
          const kept = await keepBackup(results, batch.id);
          const merged = await mergeResults({
            basePath: results,
            newer: [{ path: joined, origin: batch.id }],
            outPath: results,
            overwrite: true,
          });
          return { backup: kept, summary: merged };
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      },
    );
    await feature.links.markMerged(batch.id);
    const message =
      `Merged retry batch ${label} into ${path.basename(results)}: ${formatCount(summary.recovered)} recovered, ` +
      `${formatCount(summary.failedAgain)} failed again; ${formatCount(summary.byStatus.succeeded)} of ${plural(summary.total, 'row')} succeeded now. The file as it was is kept as ${path.basename(backup)}.`;
    container.log.info('batches', `${message} (${backup})`);
    void vscode.window.showInformationMessage(message, 'Open Results').then((pick) => {
      if (pick) void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(results), RESULTS_VIEW_TYPE);
    });
    return { status: 'merged', results, backup, summary };
  } catch (error) {
    void showApiError(container.log, `Merging the results of retry batch ${label}`, error);
    return failed(error);
  }
}
