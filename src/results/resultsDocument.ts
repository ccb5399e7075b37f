// One results file opened in the grid: its rows, indexed as a stream in the extension host, read again when
// the file changes on disk. Panels (one per editor tab) listen to its progress.
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { contentText, requestInfo } from '../core/results/rows';
import { readSpan, ResultsIndexer, rowInputPath } from '../core/results/resultsIndex';
import type { ResultRow } from '../core/results/rows';
import { SummaryTally, type ResultsSummary } from '../core/results/summary';
import type { RequestDetail, RowDetail } from './protocol';

const RESULTS_SUFFIX = '.results.jsonl';

/** The batch input a joined results file was written beside (`x.results.jsonl` → `x.jsonl`), if it is there. */
export async function inputFileFor(resultsPath: string): Promise<string | undefined> {
  if (!resultsPath.toLowerCase().endsWith(RESULTS_SUFFIX)) return undefined;
  const input = resultsPath.slice(0, -RESULTS_SUFFIX.length) + '.jsonl';
  try {
    return (await fs.stat(input)).isFile() ? input : undefined;
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

function requestDetail(text: string): RequestDetail | undefined {
  const value = parse(text);
  const body = isObject(value) && isObject(value.body) ? value.body : undefined;
  if (!body) return undefined;
  const { messages, ...params } = body;
  const list = Array.isArray(messages) ? messages : [];
  return {
    messages: list.map((m) => ({
      role: isObject(m) && typeof m.role === 'string' ? m.role : '?',
      text: isObject(m) ? contentText(m.content) : '',
    })),
    params: JSON.stringify(params, null, 2),
  };
}

export interface IndexProgress {
  readonly indexed: number;
  readonly complete: boolean;
}

export class ResultsDocument implements vscode.CustomDocument {
  rows: ResultRow[] = [];
  complete = false;
  inputPath: string | undefined;
  notice: string | undefined;
  /** Counts up each time the file is read again; rows of an older generation are stale. */
  generation = 0;
  private indexer: ResultsIndexer | undefined;
  /** Counts of the rows so far, kept as they come (the header redraws often while a file is read). */
  private tally = new SummaryTally();
  private abort: AbortController | undefined;
  private readonly progress = new vscode.EventEmitter<IndexProgress>();
  readonly onDidProgress = this.progress.event;
  private readonly resetting = new vscode.EventEmitter<void>();
  /** The file is being read again from the start. */
  readonly onDidReset = this.resetting.event;
  private watcher: vscode.FileSystemWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** When indexing started and when its first rows and its end came (ms, for the benchmark and the log). */
  timings = { started: 0, firstRows: 0, finished: 0 };

  constructor(readonly uri: vscode.Uri) {}

  get name(): string {
    return path.basename(this.uri.fsPath);
  }

  /** The input file of a row: the part its `input_file` names (an experiment's results), else the one beside. */
  inputPathOf(row: ResultRow): string | undefined {
    return rowInputPath(this.uri.fsPath, row, this.inputPath);
  }

  /** Whether requests can be shown: an input beside the results, or rows that name theirs. */
  get inputKnown(): boolean {
    return this.inputPath !== undefined || this.rows.some((r) => r.inputFile !== null);
  }

  /** Starts reading the file (again, after a change) and watches it for changes. */
  async load(): Promise<void> {
    this.watch();
    await this.index();
  }

  private watch(): void {
    if (this.watcher || this.uri.scheme !== 'file') return;
    const folder = vscode.Uri.file(path.dirname(this.uri.fsPath));
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, path.basename(this.uri.fsPath)));
    const changed = () => {
      clearTimeout(this.reloadTimer);
      // A writer renames a temp file into place, or writes in several steps: read once it settles.
      this.reloadTimer = setTimeout(() => void this.reload(), 300);
    };
    this.watcher.onDidChange(changed);
    this.watcher.onDidCreate(changed);
  }

  async reload(): Promise<void> {
    this.resetting.fire();
    await this.index();
  }

  private async index(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const generation = ++this.generation;
    this.rows = [];
    this.tally = new SummaryTally();
    this.complete = false;
    this.inputPath = await inputFileFor(this.uri.fsPath);
    this.timings = { started: Date.now(), firstRows: 0, finished: 0 };
    const indexer = new ResultsIndexer({ resultsPath: this.uri.fsPath, inputPath: this.inputPath, signal: abort.signal });
    this.indexer = indexer;
    let lastReport = 0;
    try {
      const result = await indexer.run((rows) => {
        if (generation !== this.generation) return;
        this.rows.push(...rows);
        this.tally.add(rows);
        const now = Date.now();
        if (!this.timings.firstRows) this.timings.firstRows = now;
        // The first rows go out at once; after that progress is reported a few times a second.
        if (lastReport === 0 || now - lastReport > 250) {
          lastReport = now;
          this.progress.fire({ indexed: this.rows.length, complete: false });
        }
      });
      if (generation !== this.generation) return;
      const notResults = this.rows.length > 0 && this.rows.every((r) => r.status === 'failed' && r.error === null);
      this.notice = notResults
        ? `${this.name} does not look like batch results: no line has a response or an error. Reopen it as text to edit it.`
        : (result.inputError ??
          (result.inputMismatches
            ? `${result.inputMismatches} row(s) point at input lines that now hold another request (the input was edited); their request is not shown.`
            : undefined));
    } catch (error) {
      if (generation !== this.generation || abort.signal.aborted) return;
      this.notice = `${this.name} could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.complete = true;
    this.timings.finished = Date.now();
    this.progress.fire({ indexed: this.rows.length, complete: true });
  }

  summary(): ResultsSummary {
    return this.tally.summary();
  }

  /** The row read whole from disk: its request from the input file, the full reply, the error body. */
  async detail(index: number): Promise<RowDetail | undefined> {
    const row = this.rows[index];
    if (!row) return undefined;
    const generation = this.generation;
    const record = parse(await readSpan(this.uri.fsPath, row));
    if (generation !== this.generation) return undefined;
    const result = isObject(record) ? record : {};
    const response = isObject(result.response) ? result.response : undefined;
    const body = isObject(response?.body) ? response.body : undefined;
    const choice = Array.isArray(body?.choices) && isObject(body.choices[0]) ? body.choices[0] : undefined;
    const message = isObject(choice?.message) ? choice.message : undefined;
    const failed = row.status !== 'succeeded';
    const errorValue = result.error ?? (failed && body ? body : undefined) ?? (isObject(record) ? undefined : { raw: result.raw });
    let request: RequestDetail | undefined;
    let requestNote: string | undefined;
    const text = row.request !== '' ? await this.requestText(row) : undefined;
    if (text !== undefined) request = requestDetail(text);
    else if (row.line === null) requestNote = 'This result matches no input line.';
    else if (!this.inputPathOf(row))
      requestNote = `The input file (${this.name.replace(/\.results\.jsonl$/i, '.jsonl')}) is not beside the results, so the request is not shown.`;
    else requestNote = `Input line ${row.line} holds another request now (the input was edited), so it is not shown.`;
    return {
      index,
      request: request ?? null,
      requestNote,
      reply: message ? contentText(message.content) : null,
      errorBody: errorValue === undefined || errorValue === null ? null : JSON.stringify(errorValue, null, 2),
    };
  }

  /**
   * The request line of `row` as the input file holds it now; undefined when it is not known, or when that line
   * no longer holds the row's request (the input was edited and saved since it was indexed).
   */
  async requestText(row: ResultRow): Promise<string | undefined> {
    const input = this.inputPathOf(row);
    const span = row.line !== null && input ? this.indexer?.inputSpan(row.line, input) : undefined;
    if (!span || !input) return undefined;
    const text = await readSpan(input, span);
    return requestInfo(text).customId === row.customId ? text : undefined;
  }

  dispose(): void {
    this.abort?.abort();
    clearTimeout(this.reloadTimer);
    this.watcher?.dispose();
    this.progress.dispose();
    this.resetting.dispose();
  }
}
