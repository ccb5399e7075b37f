// How batches and files read in the tree, the status bar and notifications. Pure, so it is unit-tested.
import * as path from 'path';
import { TERMINAL_BATCH_STATUSES, type Batch, type BatchError, type FileObject } from '../api/schemas';

export function isTerminal(status: string): boolean {
  return TERMINAL_BATCH_STATUSES.has(status);
}

/** `in_progress` → `in progress`. */
export function statusText(status: string): string {
  return status.replace(/_/g, ' ');
}

/** Age of a unix-seconds timestamp, e.g. `just now`, `42s ago`, `5m ago`, `3h ago`, `2d ago`, then the date. */
export function formatAge(seconds: number | null | undefined, nowMs = Date.now()): string {
  if (seconds == null || !Number.isFinite(seconds)) return 'unknown age';
  const elapsed = Math.floor(nowMs / 1000 - seconds);
  if (elapsed < 5) return 'just now';
  if (elapsed < 60) return `${elapsed}s ago`;
  if (elapsed < 3600) return `${Math.floor(elapsed / 60)}m ago`;
  if (elapsed < 86_400) return `${Math.floor(elapsed / 3600)}h ago`;
  if (elapsed < 30 * 86_400) return `${Math.floor(elapsed / 86_400)}d ago`;
  return formatDate(seconds);
}

/**
 * How long the ages of these batches (unix seconds) read the same, give or take: 5 s while one is under a
 * minute old (`42s ago` counts in seconds), else a minute. The views redraw on this beat while visible.
 */
export function ageRefreshDelayMs(createdAt: readonly (number | null | undefined)[], nowMs = Date.now()): number {
  const youngest = Math.min(...createdAt.map((s) => (s == null || !Number.isFinite(s) ? Infinity : nowMs / 1000 - s)));
  return youngest < 60 ? 5_000 : 60_000;
}

/** `2025-01-03` (UTC), stable across machines. */
export function formatDate(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return 'unknown date';
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** `2025-01-03 14:05 UTC`. */
export function formatDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

const SIZE_UNITS = ['KB', 'MB', 'GB', 'TB'];

/** Human-readable size in powers of 1024: `512 B`, `1.5 KB`, `12 MB`. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return 'unknown size';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${SIZE_UNITS[unit]}`;
}

/** `12,345`. Fixed locale so output is the same everywhere: every count the extension shows goes through here. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 request`, `12,345 requests`. */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

export interface RequestCounts {
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
}

export function requestCounts(batch: Batch): RequestCounts {
  const counts = batch.request_counts;
  return { total: counts?.total ?? 0, completed: counts?.completed ?? 0, failed: counts?.failed ?? 0 };
}

/** Requests done (succeeded or failed) out of the total, 0..1; undefined before the total is known. */
export function progressOf(batch: Batch): number | undefined {
  const { total, completed, failed } = requestCounts(batch);
  return total > 0 ? Math.min(1, (completed + failed) / total) : undefined;
}

/** The tree label: the input file's name when known, else the batch id. */
export function batchLabel(batch: Batch, inputFileName?: string): string {
  return inputFileName || metadataInputFile(batch)?.split('/').pop() || batch.id;
}

/** A batch that completed, but not every request in it succeeded. */
export function completedWithFailures(batch: Batch): boolean {
  return batch.status === 'completed' && requestCounts(batch).failed > 0;
}

/**
 * `in progress · 3/10 · 5m ago` (no counts while there are none): done counts successes and failures alike, as progress; failures are named
 * (`· 1 failed`), and a completed batch with failures reads `completed · 2 failed of 4`.
 */
export function batchDescription(batch: Batch, nowMs = Date.now()): string {
  const { total, completed, failed } = requestCounts(batch);
  const age = formatAge(batch.created_at, nowMs);
  if (completedWithFailures(batch)) return `completed · ${formatCount(failed)} failed of ${formatCount(total)} · ${age}`;
  if (total === 0) return `${statusText(batch.status)} · ${age}`;
  const failures = failed > 0 ? ` · ${formatCount(failed)} failed` : '';
  return `${statusText(batch.status)} · ${formatCount(completed + failed)}/${formatCount(total)}${failures} · ${age}`;
}

/** Metadata key under which submissions name their workspace-relative input file. */
export const INPUT_FILE_METADATA_KEY = 'input_file';

export function metadataInputFile(batch: Batch): string | undefined {
  const value = batch.metadata?.[INPUT_FILE_METADATA_KEY];
  return typeof value === 'string' && value ? value : undefined;
}

export interface StatusIcon {
  /** A codicon id, `~spin` appended while the batch is running. */
  readonly id: string;
  /** A theme color id, if any. */
  readonly color?: string;
}

const TERMINAL_ICONS: Record<string, StatusIcon> = {
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  expired: { id: 'watch', color: 'list.warningForeground' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
};

const RUNNING_ICONS: Record<string, string> = {
  validating: 'loading',
  in_progress: 'sync',
  finalizing: 'gear',
  cancelling: 'circle-slash',
};

export function statusIcon(status: string): StatusIcon {
  if (isTerminal(status)) return TERMINAL_ICONS[status] ?? { id: 'question' };
  return { id: `${RUNNING_ICONS[status] ?? 'sync'}~spin` };
}

/** The icon of one batch: its status's, except a warning for a batch that completed with failed requests. */
export function batchIcon(batch: Batch): StatusIcon {
  return completedWithFailures(batch) ? { id: 'warning', color: 'list.warningForeground' } : statusIcon(batch.status);
}

/** The status-bar text for running batches, `a.jsonl · 25% · 3 failed` or `2 batches · 25%`, and their failures. */
export function runningSummary(running: readonly Batch[], labelOf: (batch: Batch) => string): { text: string; failed: number } {
  let done = 0;
  let total = 0;
  let failed = 0;
  for (const batch of running) {
    const counts = requestCounts(batch);
    done += counts.completed + counts.failed;
    total += counts.total;
    failed += counts.failed;
  }
  const what = running.length === 1 ? labelOf(running[0]!) : `${formatCount(running.length)} batches`;
  const percent = total > 0 ? ` · ${Math.floor((done / total) * 100)}%` : '';
  const failures = failed > 0 ? ` · ${formatCount(failed)} failed` : '';
  return { text: `${what}${percent}${failures}`, failed };
}

/** A batch error entry as one line: `Line 3: body.model is required. (missing_required_parameter)`. */
export function describeBatchError(error: BatchError): string {
  const message = error.message?.trim() || 'No message.';
  const line = error.line != null && !/^line\s+\d+/i.test(message) ? `Line ${error.line}: ` : '';
  return `${line}${message}${error.code ? ` (${error.code})` : ''}`;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, '\\$&');
}

/** The time stamps a batch gets as it moves on, in that order; `created_at` and `expires_at` it has from the start. */
export const BATCH_STATE_TIMESTAMPS = [
  'in_progress_at',
  'finalizing_at',
  'completed_at',
  'failed_at',
  'expired_at',
  'cancelling_at',
  'cancelled_at',
] as const;

const TIMESTAMP_FIELDS = ['created_at', ...BATCH_STATE_TIMESTAMPS, 'expires_at'] as const;

/** A markdown tooltip with every field of the batch. */
export function batchTooltip(batch: Batch, localFile?: string): string {
  const rows: [string, string][] = [
    ['id', batch.id],
    ['status', batch.status],
    ['endpoint', batch.endpoint ?? ''],
    ['completion window', batch.completion_window ?? ''],
    ['input file', batch.input_file_id ?? ''],
    ['output file', batch.output_file_id ?? ''],
    ['error file', batch.error_file_id ?? ''],
  ];
  if (localFile) rows.push(['local input', localFile]);
  const { total, completed, failed } = requestCounts(batch);
  rows.push(['requests', `${formatCount(completed)} completed, ${formatCount(failed)} failed, ${formatCount(total)} total`]);
  for (const field of TIMESTAMP_FIELDS) {
    const value = batch[field];
    if (value != null) rows.push([field.replace(/_/g, ' '), formatDateTime(value)]);
  }
  const errors = batch.errors?.data ?? [];
  if (errors.length) rows.push(['errors', formatCount(errors.length)]);
  for (const [key, value] of Object.entries(batch.metadata ?? {})) {
    rows.push([`metadata.${key}`, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  const table = rows
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `| ${escapeMarkdown(key)} | ${escapeMarkdown(value)} |`)
    .join('\n');
  return `**Batch ${escapeMarkdown(batch.id)}**\n\n| field | value |\n| --- | --- |\n${table}`;
}

/** Which batch made an output or error file, as the Files view names it. */
export interface FileOwner {
  readonly role: 'output' | 'error';
  /** The batch's label: its input file's name, else its id. */
  readonly batchLabel: string;
}

/** The batch and role a service-made file name states: `batch_<id>_output.jsonl`, `batch_<id>_error.jsonl`. */
export function ownerFromFileName(filename: string | null | undefined): { batchId: string; role: FileOwner['role'] } | undefined {
  const match = /^batch_(.+)_(output|error)\.jsonl$/.exec(filename ?? '');
  return match ? { batchId: match[1]!, role: match[2] as FileOwner['role'] } : undefined;
}

/**
 * The Files view's label: `output of requests.jsonl` / `errors of requests.jsonl` for a batch's files (their
 * service-made names differ only near the end, so a narrow side bar cut both to the same text), else the file name.
 */
export function fileLabel(file: FileObject, owner?: FileOwner): string {
  const parsed = owner ? undefined : ownerFromFileName(file.filename);
  const role = owner?.role ?? parsed?.role;
  if (!role) return file.filename || file.id;
  const batch = owner?.batchLabel ?? `batch ${parsed!.batchId}`;
  return `${role === 'output' ? 'output' : 'errors'} of ${batch}`;
}

/** `1.5 KB · batch · 2025-01-03`. */
export function fileDescription(file: FileObject): string {
  return `${formatSize(file.bytes)} · ${file.purpose ?? 'unknown purpose'} · ${formatDate(file.created_at)}`;
}

export function fileTooltip(file: FileObject): string {
  const rows: [string, string][] = [
    ['id', file.id],
    ['filename', file.filename ?? ''],
    ['size', file.bytes != null ? `${formatSize(file.bytes)} (${formatCount(file.bytes)} bytes)` : ''],
    ['purpose', file.purpose ?? ''],
    ['created', file.created_at != null ? formatDateTime(file.created_at) : ''],
  ];
  const table = rows
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `| ${key} | ${escapeMarkdown(value)} |`)
    .join('\n');
  return `**File ${escapeMarkdown(file.filename ?? file.id)}**\n\n| field | value |\n| --- | --- |\n${table}`;
}

/**
 * One line for a finished batch, in the words of its tree description: `Batch a.jsonl completed · 1 failed of 10
 * (9 succeeded).`, `Batch a.jsonl completed · 10/10.`
 */
export function completionMessage(batch: Batch, label: string): string {
  const { total, completed, failed } = requestCounts(batch);
  let counts = '';
  if (failed > 0) counts = ` · ${formatCount(failed)} failed of ${formatCount(total)} (${formatCount(completed)} succeeded)`;
  else if (total > 0) counts = ` · ${formatCount(completed)}/${formatCount(total)}`;
  const errors = batch.errors?.data?.length ? ` (${plural(batch.errors.data.length, 'validation error')})` : '';
  return `Batch ${label} ${statusText(batch.status)}${counts}${errors}.`;
}

/**
 * Where a download went: `Downloaded out.jsonl (2 KB) to my-ws/data.`, plus ` as renamed.jsonl` when saved under
 * another name. `folder` is the destination's folder as the person knows it (workspace-relative, else absolute).
 */
export function downloadedMessage(remoteName: string, bytes: number | null | undefined, folder: string, savedAs: string): string {
  const size = bytes != null ? ` (${formatSize(bytes)})` : '';
  return `Downloaded ${remoteName}${size} to ${folder}${savedAs === remoteName ? '' : ` as ${savedAs}`}.`;
}

/** `Exported 1,234 rows to out/x.csv.`: the results grid's and the comparison's Export CSV. */
export function exportedMessage(rows: number, where: string): string {
  return `Exported ${plural(rows, 'row')} to ${where}.`;
}

/** `requests.jsonl` → `requests.results.jsonl`, in the same folder; other names get the suffix appended. */
export function resultsPathFor(input: string): string {
  const ext = path.extname(input);
  const stem = ext.toLowerCase() === '.jsonl' ? input.slice(0, -ext.length) : input;
  return `${stem}.results.jsonl`;
}

export interface ResultCounts {
  readonly succeeded: number;
  readonly failed: number;
  readonly missing: number;
  /** Result lines that matched no input line, written after the others. */
  readonly unmatched?: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** `, 2 results matched no input line (was the input edited?)`, or '' when every result found its line. */
export function unmatchedText(unmatched: number | undefined): string {
  if (!unmatched) return '';
  return `, ${formatCount(unmatched)} result${unmatched === 1 ? '' : 's'} matched no input line (was the input edited?)`;
}

/** `requests.results.jsonl: 9 succeeded, 1 failed · 1,234 tokens (1,000 prompt + 234 completion)`. */
export function resultsMessage(name: string, counts: ResultCounts): string {
  const tokens = counts.promptTokens + counts.completionTokens;
  const missing = counts.missing ? `, ${formatCount(counts.missing)} without a result` : '';
  return `${name}: ${formatCount(counts.succeeded)} succeeded, ${formatCount(counts.failed)} failed${missing}${unmatchedText(counts.unmatched)} · ${formatCount(tokens)} tokens (${formatCount(counts.promptTokens)} prompt + ${formatCount(counts.completionTokens)} completion)`;
}
