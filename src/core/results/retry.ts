// Retry selection: a new batch file with exactly the requests that failed or got no result, copied from the
// input byte for byte (same custom_ids), in input order. Works from our joined results and from the
// service's raw output / error files alike (an input request with no result at all counts as missing).
import { promises as fs } from 'fs';
import * as path from 'path';
import { readLines } from './join';
import { parseResult } from './rows';
import { writeAtomically, type TempFile } from '../util/atomicFile';

export type RetryOnly = 'failed' | 'missing';

export interface RetryOptions {
  readonly resultsPath: string;
  /** The batch file, or the parts of a batch that was split (an experiment's), read in this order. */
  readonly inputPath: string | readonly string[];
  readonly outPath: string;
  /** Only failed, or only missing requests (default both). */
  readonly only?: RetryOnly;
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
}

export interface SkippedRequest {
  /** The input file the line is in (one of `inputPath`). */
  readonly file: string;
  readonly line: number;
  readonly customId: string | null;
  readonly reason: string;
}

export interface RetrySelection {
  /** Requests written to the retry file. */
  readonly written: number;
  readonly failed: number;
  readonly missing: number;
  /** 1-based input lines copied, in order (with several inputs, each counted in its own file: see `files`). */
  readonly lines: number[];
  /** The input file of each of `lines`. */
  readonly files: string[];
  /** Input lines that need a retry but cannot be sent again as they are (no custom_id, a duplicate). */
  readonly skipped: SkippedRequest[];
  /** custom_ids the results report failed or missing that no input line has (was the input edited?). */
  readonly notInInput: string[];
  /** False when there was nothing to retry: no file is written then. */
  readonly fileWritten: boolean;
}

function customIdOf(text: string): string | null | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const id = (value as { custom_id?: unknown }).custom_id;
    return typeof id === 'string' && id ? id : null;
  } catch {
    return undefined;
  }
}

/** custom_id → its outcome across the results file: one success anywhere means it needs no retry. */
async function outcomes(resultsPath: string, signal?: AbortSignal): Promise<Map<string, 'succeeded' | 'failed' | 'missing'>> {
  const byId = new Map<string, 'succeeded' | 'failed' | 'missing'>();
  for await (const line of readLines(resultsPath, signal)) {
    if (!line.text.trim()) continue;
    const result = parseResult(line.text);
    if (!result.customId || result.status === 'unmatched') continue;
    const before = byId.get(result.customId);
    if (before === 'succeeded') continue;
    if (result.status === 'succeeded' || before === undefined || (before === 'missing' && result.status === 'failed'))
      byId.set(result.customId, result.status);
  }
  return byId;
}

/**
 * The input files the rows of a results file name in `input_file` (an experiment's results: its batch file, or
 * the parts of it), resolved against the results file's folder, in the order first named. Empty when none does.
 */
export async function inputFilesNamedIn(resultsPath: string, signal?: AbortSignal): Promise<string[]> {
  const names = new Set<string>();
  for await (const line of readLines(resultsPath, signal)) {
    // Only rows that name one are parsed; a results file without input_file costs one substring search a line.
    if (!line.text.includes('"input_file"')) continue;
    try {
      const name = (JSON.parse(line.text) as { input_file?: unknown }).input_file;
      if (typeof name === 'string' && name) names.add(name);
    } catch {
      // an unreadable row names nothing
    }
  }
  return [...names].map((name) => path.resolve(path.dirname(resultsPath), name));
}

type Span = { file: string; offset: number; length: number };

/** Finds the requests to retry, then copies their bytes into `outPath` (atomically, never over a file unless asked). */
export async function selectRetry(options: RetryOptions): Promise<RetrySelection> {
  const { signal } = options;
  const inputs = typeof options.inputPath === 'string' ? [options.inputPath] : options.inputPath;
  const known = await outcomes(options.resultsPath, signal);
  const wanted = (status: 'failed' | 'missing') => !options.only || options.only === status;
  const spans: Span[] = [];
  const lines: number[] = [];
  const skipped: SkippedRequest[] = [];
  const seen = new Set<string>();
  let failed = 0;
  let missing = 0;
  for (const file of inputs) {
    for await (const line of readLines(file, signal)) {
      if (!line.text.trim()) continue;
      const customId = customIdOf(line.text);
      if (!customId) {
        if (wanted('missing'))
          skipped.push({
            file,
            line: line.number,
            customId: null,
            reason: customId === null ? 'it has no custom_id' : 'it is not a JSON object',
          });
        continue;
      }
      if (seen.has(customId)) {
        if (wanted('missing')) skipped.push({ file, line: line.number, customId, reason: 'its custom_id was used on an earlier line' });
        continue;
      }
      seen.add(customId);
      const status = known.get(customId) ?? 'missing';
      if (status === 'succeeded' || !wanted(status)) continue;
      if (status === 'failed') failed++;
      else missing++;
      spans.push({ file, offset: line.offset, length: line.length });
      lines.push(line.number);
    }
  }
  const notInInput = [...known].filter(([id, status]) => status !== 'succeeded' && wanted(status) && !seen.has(id)).map(([id]) => id);
  const files = spans.map((s) => s.file);
  const selection = { written: spans.length, failed, missing, lines, files, skipped, notInInput };
  if (spans.length === 0) return { ...selection, fileWritten: false };
  await writeAtomically(options.outPath, (temp) => copySpans(spans, temp), { overwrite: options.overwrite });
  return { ...selection, fileWritten: true };
}

/** Copies each span to the temp file, each ended by LF: the request bytes exactly as in their input. */
async function copySpans(spans: readonly Span[], temp: TempFile): Promise<void> {
  let open: { file: string; handle: fs.FileHandle } | undefined;
  try {
    for (const span of spans) {
      if (open?.file !== span.file) {
        await open?.handle.close();
        open = undefined;
        open = { file: span.file, handle: await fs.open(span.file, 'r') };
      }
      const buffer = Buffer.alloc(span.length + 1);
      await open.handle.read(buffer, 0, span.length, span.offset);
      buffer[span.length] = 10;
      await temp.write(buffer);
    }
  } finally {
    await open?.handle.close();
  }
}
