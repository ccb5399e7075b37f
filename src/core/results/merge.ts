// Merges the results of retry batches into the original results, by custom_id, keeping the original's order
// and input lines. Rules, applied per newer file in turn (so a retry of a retry lands too):
// - a request that now succeeded replaces the row;
// - one that failed again replaces a failed or missing row with the newer error; a success is never lost;
// - one the retry did not run (missing) changes nothing;
// - every replacement counts an attempt and records in `origin` which batch (or file) the row came from;
// - newer rows no base row takes (another custom_id, a second result, unreadable) are kept as unmatched.
// Base rows nothing touches are written back byte for byte.
import { readLines } from './join';
import { parseResult, type RowStatus } from './rows';
import { writeAtomically } from '../util/atomicFile';

export interface NewerResults {
  readonly path: string;
  /** Recorded as each taken row's `origin` unless the row names its own: the batch id, else the file name. */
  readonly origin: string;
}

export interface MergeOptions {
  readonly basePath: string;
  readonly newer: readonly NewerResults[];
  readonly outPath: string;
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
}

export interface MergeSummary {
  /** Rows that failed or were missing before and succeeded now. */
  recovered: number;
  /** Rows that failed (or were missing) before and failed again: the newer error is kept. */
  failedAgain: number;
  /** Succeeded rows a newer file had a result for, replaced by the newer success or kept over a newer failure. */
  alreadySucceeded: number;
  /** Newer rows kept as unmatched (no base row with their custom_id, or unreadable). */
  unmatched: number;
  /** Rows of the merged file by status. */
  byStatus: Record<RowStatus, number>;
  total: number;
}

type Record_ = { [key: string]: unknown };

interface Candidate {
  readonly record: Record_;
  readonly status: RowStatus;
  readonly origin: string;
}

const ran = (status: RowStatus) => status === 'succeeded' || status === 'failed';

function attemptsOf(record: Record_, status: RowStatus): number {
  const n = record.attempts;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : ran(status) ? 1 : 0;
}

function parseObject(text: string): Record_ | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record_) : undefined;
  } catch {
    return undefined;
  }
}

/** What one newer result makes of a base row; undefined: the base row stays as it is. */
export function applyNewer(base: Record_, baseStatus: RowStatus, newer: Candidate): { record: Record_; status: RowStatus } | undefined {
  if (newer.status === 'missing' || newer.status === 'unmatched') return undefined;
  if (newer.status === 'failed' && baseStatus === 'succeeded') return undefined;
  const record: Record_ = {
    custom_id: base.custom_id,
    input_line: base.input_line ?? null,
    ...(typeof base.input_file === 'string' ? { input_file: base.input_file } : {}),
    status: newer.status,
    id: newer.record.id ?? null,
    response: newer.record.response ?? null,
    error: newer.record.error ?? null,
    attempts: attemptsOf(base, baseStatus) + attemptsOf(newer.record, newer.status),
    origin: typeof newer.record.origin === 'string' ? newer.record.origin : newer.origin,
  };
  return { record, status: newer.status };
}

/** The newer files' results by custom_id (first per file), and the lines no custom_id can place. */
async function readNewer(
  newer: readonly NewerResults[],
  signal?: AbortSignal,
): Promise<{ byId: Map<string, Candidate[]>; extra: Record_[] }> {
  const byId = new Map<string, Candidate[]>();
  const extra: Record_[] = [];
  for (const [fileIndex, file] of newer.entries()) {
    const seen = new Set<string>();
    for await (const line of readLines(file.path, signal)) {
      if (!line.text.trim()) continue;
      const record = parseObject(line.text);
      const status = parseResult(line.text).status;
      const customId = typeof record?.custom_id === 'string' ? record.custom_id : undefined;
      if (!record || customId === undefined || status === 'unmatched' || seen.has(customId)) {
        extra.push(unmatchedRecord(record, line.text, file.origin));
        continue;
      }
      seen.add(customId);
      const list = byId.get(customId) ?? [];
      list[fileIndex] = { record, status, origin: file.origin };
      byId.set(customId, list);
    }
  }
  return { byId, extra };
}

function unmatchedRecord(record: Record_ | undefined, text: string, origin: string): Record_ {
  if (!record)
    return {
      custom_id: null,
      input_line: null,
      status: 'unmatched',
      id: null,
      response: null,
      error: { code: 'unreadable_result', message: 'This line of a merged file is not a JSON object; it is kept as raw text.' },
      raw: text,
      origin,
    };
  return { ...record, input_line: null, status: 'unmatched', origin: typeof record.origin === 'string' ? record.origin : origin };
}

export async function mergeResults(options: MergeOptions): Promise<MergeSummary> {
  const { byId, extra } = await readNewer(options.newer, options.signal);
  const summary: MergeSummary = {
    recovered: 0,
    failedAgain: 0,
    alreadySucceeded: 0,
    unmatched: 0,
    byStatus: { succeeded: 0, failed: 0, missing: 0, unmatched: 0 },
    total: 0,
  };
  const taken = new Set<string>();
  await writeAtomically(
    options.outPath,
    async (temp) => {
      let pending = '';
      const emit = async (text: string, status: RowStatus) => {
        summary.total++;
        summary.byStatus[status]++;
        pending += text + '\n';
        if (pending.length < 256 * 1024) return;
        const chunk = pending;
        pending = '';
        await temp.write(chunk);
      };
      for await (const line of readLines(options.basePath, options.signal)) {
        if (!line.text.trim()) continue;
        const parsed = parseResult(line.text);
        const candidates =
          parsed.customId !== null && parsed.status !== 'unmatched' && !taken.has(parsed.customId) ? byId.get(parsed.customId) : undefined;
        const record = candidates && parseObject(line.text);
        if (!candidates || !record) {
          await emit(line.text, parsed.status);
          continue;
        }
        taken.add(parsed.customId!);
        let current = { record, status: parsed.status };
        for (const candidate of candidates) {
          if (!candidate) continue;
          if (current.status === 'succeeded' && ran(candidate.status)) summary.alreadySucceeded++;
          else if (candidate.status === 'succeeded') summary.recovered++;
          else if (candidate.status === 'failed') summary.failedAgain++;
          current = applyNewer(current.record, current.status, candidate) ?? current;
        }
        await emit(current.record === record ? line.text : JSON.stringify(current.record), current.status);
      }
      const leftovers = [...byId]
        .filter(([id]) => !taken.has(id))
        .flatMap(([, list]) => list.filter(Boolean).map((c) => unmatchedRecord(c.record, '', c.origin)));
      for (const record of [...leftovers, ...extra]) {
        summary.unmatched++;
        await emit(JSON.stringify(record), 'unmatched');
      }
      if (pending) await temp.write(pending);
    },
    { overwrite: options.overwrite },
  );
  return summary;
}
