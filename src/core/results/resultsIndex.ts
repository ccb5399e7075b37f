// Indexes a results file as a stream (never one string): one ResultRow per line with its byte offset, so
// pages of rows are served from memory and a row is read whole from disk only when it is expanded. When the
// input file is known, each row also gets its request's model and last user message, read in the same pass.
import { promises as fs } from 'fs';
import * as path from 'path';
import { LineScanner } from './lineScanner';
import { parseResult, requestInfo, toRow, type RequestInfo, type ResultRow } from './rows';

/** The longest stretch of parsing between two turns of the event loop while a grid waits for rows. */
const SLICE_MS = 10;

export interface Span {
  readonly offset: number;
  readonly length: number;
}

export interface IndexOptions {
  readonly resultsPath: string;
  /** The batch input the results were joined to; rows then carry their request's excerpt. */
  readonly inputPath?: string | null;
  readonly signal?: AbortSignal;
  /** Rows per batch handed to `onRows` (default 2000), after a first batch of `firstBatchRows`. */
  readonly batchRows?: number;
  /**
   * Rows of the first batch (default 200, the grid's page): what is on screen first goes out as soon as it is
   * parsed. Both sizes are multiples of the page, so a page served while indexing is never cut short.
   */
  readonly firstBatchRows?: number;
}

/** Reads `span` of `file` as UTF-8. */
export async function readSpan(file: string, span: Span): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(span.length);
    const { bytesRead } = await handle.read(buffer, 0, span.length, span.offset);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A row's input file: the one its `input_file` names (an experiment's batch or part), else `fallback`. */
export function rowInputPath(resultsPath: string, row: Pick<ResultRow, 'inputFile'>, fallback?: string | null): string | undefined {
  return row.inputFile ? path.resolve(path.dirname(resultsPath), row.inputFile) : (fallback ?? undefined);
}

/**
 * The input file read alongside the results: joined results come in input order, so the input is read
 * forward once, a chunk at a time; a line asked for again (or out of order) is read back from disk by its offset.
 */
class InputCursor {
  private readonly offsets: number[] = [0];
  private readonly lengths: number[] = [0];
  private ended = false;
  private handle: fs.FileHandle | undefined;

  private constructor(
    private readonly path: string,
    private readonly scanner: LineScanner,
  ) {}

  static async open(path: string, signal?: AbortSignal): Promise<InputCursor> {
    return new InputCursor(path, await LineScanner.open(path, signal));
  }

  span(line: number): Span | undefined {
    return line < this.offsets.length ? { offset: this.offsets[line]!, length: this.lengths[line]! } : undefined;
  }

  /** Line `line`'s text when it is ahead in the chunk read so far; null when only `text` can tell (it awaits). */
  textNow(line: number): string | null {
    while (this.offsets.length <= line) {
      const next = this.scanner.next();
      if (!next) return null;
      this.offsets.push(next.offset);
      this.lengths.push(next.length);
      if (next.number === line) return next.text;
    }
    return null;
  }

  async text(line: number): Promise<string | undefined> {
    for (;;) {
      const now = this.textNow(line);
      if (now !== null) return now;
      if (this.ended || this.offsets.length > line) break;
      this.ended = !(await this.scanner.fill());
    }
    const span = this.span(line);
    if (!span) return undefined;
    this.handle ??= await fs.open(this.path, 'r');
    const buffer = Buffer.alloc(span.length);
    await this.handle.read(buffer, 0, span.length, span.offset);
    return buffer.toString('utf8');
  }

  async close(): Promise<void> {
    await this.scanner.close();
    await this.handle?.close();
  }
}

export interface IndexResult {
  readonly rows: ResultRow[];
  /** Rows whose input line holds another custom_id than the result (the input was edited): no request shown. */
  readonly inputMismatches: number;
  /** Why the input could not be read, when it was given but could not be. */
  readonly inputError?: string;
}

/**
 * Reads the results file, calling `onRows` with each batch of new rows as soon as it is parsed, and
 * resolves to every row. Blank lines are skipped; a line that is not JSON becomes an unmatched row.
 */
export class ResultsIndexer {
  /** One cursor per input file (an experiment's results name its parts); null when that file cannot be read. */
  private readonly cursors = new Map<string, InputCursor | null>();
  private inputError: string | undefined;

  constructor(private readonly options: IndexOptions) {}

  /** Where line `line` (1-based) of `file` (default: the input given) is, once the index has read that far. */
  inputSpan(line: number, file = this.options.inputPath): Span | undefined {
    return file ? this.cursors.get(file)?.span(line) : undefined;
  }

  private async openCursor(file: string): Promise<InputCursor | null> {
    let cursor: InputCursor | null = null;
    try {
      cursor = await InputCursor.open(file, this.options.signal);
    } catch (error) {
      this.inputError ??= `The input file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`;
    }
    this.cursors.set(file, cursor);
    return cursor;
  }

  async run(onRows?: (rows: readonly ResultRow[]) => void): Promise<IndexResult> {
    const { resultsPath, inputPath, signal } = this.options;
    const batchRows = this.options.batchRows ?? 2000;
    const firstBatchRows = this.options.firstBatchRows ?? 200;
    if (inputPath) await this.openCursor(inputPath);
    // The last `input_file` named and its path: rows of one part come together.
    let named: { name: string; path: string } | undefined;
    const rows: ResultRow[] = [];
    let inputMismatches = 0;
    let sent = 0;
    let sliceStart = performance.now();
    let scanner: LineScanner | undefined;
    try {
      scanner = await LineScanner.open(resultsPath, signal);
      // A chunk's lines are taken without an await between them, unless the input must be read on or the
      // event loop turned.
      while (await scanner.fill()) {
        for (let line = scanner.next(); line; line = scanner.next()) {
          if (line.bytes[0] !== 0x7b && !line.text.trim()) continue;
          const parsed = parseResult(line.text);
          let request: RequestInfo | undefined;
          let file = inputPath ?? undefined;
          if (parsed.inputFile) {
            if (named?.name !== parsed.inputFile) named = { name: parsed.inputFile, path: rowInputPath(resultsPath, parsed)! };
            file = named.path;
          }
          const cursor =
            file === undefined || parsed.inputLine === null
              ? null
              : this.cursors.has(file)
                ? this.cursors.get(file)!
                : await this.openCursor(file);
          if (cursor && parsed.inputLine !== null) {
            const text = cursor.textNow(parsed.inputLine) ?? (await cursor.text(parsed.inputLine));
            request = text === undefined ? undefined : requestInfo(text);
            if (request && request.customId !== parsed.customId) {
              inputMismatches++;
              request = undefined;
            }
          }
          rows.push(toRow(parsed, { index: rows.length, fileLine: line.number, offset: line.offset, length: line.length }, request));
          const batchDone = onRows && rows.length - sent >= (sent === 0 ? firstBatchRows : batchRows);
          if (batchDone) {
            onRows(rows.slice(sent));
            sent = rows.length;
          }
          // Lets the host answer the grid (its pages) while the rest is read: after each batch, and every few ms
          // of parsing in between, even on a slow or busy machine.
          if (onRows && (batchDone || performance.now() - sliceStart > SLICE_MS)) {
            await new Promise((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
          }
        }
      }
    } finally {
      await scanner?.close();
      for (const cursor of this.cursors.values()) await cursor?.close();
    }
    if (onRows && rows.length > sent) onRows(rows.slice(sent));
    return { rows, inputMismatches, inputError: this.inputError };
  }
}

/** Indexes a whole results file (for the CLI and tests). */
export async function indexResults(options: IndexOptions): Promise<IndexResult> {
  return new ResultsIndexer(options).run();
}
