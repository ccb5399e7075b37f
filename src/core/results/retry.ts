// Retry selection: a new batch file with exactly the requests that failed or got no result, copied from the
// input byte for byte (same custom_ids), in input order. Works from our joined results and from the
// service's raw output / error files alike (an input request with no result at all counts as missing).
import { promises as fs } from 'fs';
import { readLines } from './join';
import { parseResult } from './rows';
import { writeAtomically, type TempFile } from '../util/atomicFile';

export type RetryOnly = 'failed' | 'missing';

export interface RetryOptions {
  readonly resultsPath: string;
  readonly inputPath: string;
  readonly outPath: string;
  /** Only failed, or only missing requests (default both). */
  readonly only?: RetryOnly;
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
}

export interface SkippedRequest {
  readonly line: number;
  readonly customId: string | null;
  readonly reason: string;
}

export interface RetrySelection {
  /** Requests written to the retry file. */
  readonly written: number;
  readonly failed: number;
  readonly missing: number;
  /** 1-based input lines copied, in order. */
  readonly lines: number[];
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

/** Finds the requests to retry, then copies their bytes into `outPath` (atomically, never over a file unless asked). */
export async function selectRetry(options: RetryOptions): Promise<RetrySelection> {
  const { inputPath, signal } = options;
  const known = await outcomes(options.resultsPath, signal);
  const wanted = (status: 'failed' | 'missing') => !options.only || options.only === status;
  const spans: { offset: number; length: number }[] = [];
  const lines: number[] = [];
  const skipped: SkippedRequest[] = [];
  const seen = new Set<string>();
  let failed = 0;
  let missing = 0;
  for await (const line of readLines(inputPath, signal)) {
    if (!line.text.trim()) continue;
    const customId = customIdOf(line.text);
    if (!customId) {
      if (wanted('missing'))
        skipped.push({ line: line.number, customId: null, reason: customId === null ? 'it has no custom_id' : 'it is not a JSON object' });
      continue;
    }
    if (seen.has(customId)) {
      if (wanted('missing')) skipped.push({ line: line.number, customId, reason: 'its custom_id was used on an earlier line' });
      continue;
    }
    seen.add(customId);
    const status = known.get(customId) ?? 'missing';
    if (status === 'succeeded' || !wanted(status)) continue;
    if (status === 'failed') failed++;
    else missing++;
    spans.push({ offset: line.offset, length: line.length });
    lines.push(line.number);
  }
  const notInInput = [...known].filter(([id, status]) => status !== 'succeeded' && wanted(status) && !seen.has(id)).map(([id]) => id);
  const selection = { written: spans.length, failed, missing, lines, skipped, notInInput };
  if (spans.length === 0) return { ...selection, fileWritten: false };
  await writeAtomically(options.outPath, (temp) => copySpans(inputPath, spans, temp), { overwrite: options.overwrite });
  return { ...selection, fileWritten: true };
}

/** Copies each span of `source` to the temp file, each ended by LF: the request bytes exactly as in the input. */
async function copySpans(source: string, spans: readonly { offset: number; length: number }[], temp: TempFile): Promise<void> {
  const handle = await fs.open(source, 'r');
  try {
    for (const span of spans) {
      const buffer = Buffer.alloc(span.length + 1);
      await handle.read(buffer, 0, span.length, span.offset);
      buffer[span.length] = 10;
      await temp.write(buffer);
    }
  } finally {
    await handle.close();
  }
}
