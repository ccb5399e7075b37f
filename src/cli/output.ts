// Shared by the API commands: building the client from options, tables, JSON, one-line errors.
import {
  apiKeyProblem,
  DEFAULT_BASE_URL,
  isCancellation,
  KlusterClient,
  KlusterError,
  remedyFor,
  toKlusterError,
  type RetryNotice,
} from '../core/api';
import { DestinationError, FileExistsError } from '../core/util/atomicFile';
import { FileReadError } from '../core/util/fileReadError';
import { redact } from '../core/util/redact';
import { escapeControls } from '../core/util/printable';
import { UsageError } from './args';
import { ExitCode, type CliContext } from './command';

/**
 * The client for `--base-url`/`KLUSTER_BASE_URL`, `--api-key`/`KLUSTER_API_KEY`, `--timeout`/`KLUSTER_TIMEOUT`
 * and `--max-retry-wait`/`KLUSTER_MAX_RETRY_WAIT`. Each wait before a retry is a line on stderr.
 */
export function clientFor(ctx: CliContext): KlusterClient {
  const apiKey = apiKeyOf(ctx);
  if (!apiKey) throw new UsageError('no API key: pass --api-key KEY or set KLUSTER_API_KEY');
  const problem = apiKeyProblem(apiKey);
  if (problem) throw new UsageError(`the API key is malformed: ${problem}; check --api-key or KLUSTER_API_KEY`);
  const baseUrl = ctx.args.options.get('base-url') ?? ctx.env.KLUSTER_BASE_URL ?? DEFAULT_BASE_URL;
  try {
    new URL(baseUrl);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${baseUrl}`);
  }
  const timeoutMs = secondsOption(ctx, 'timeout', 'KLUSTER_TIMEOUT', false);
  const maxRetryWaitMs = secondsOption(ctx, 'max-retry-wait', 'KLUSTER_MAX_RETRY_WAIT', true);
  return new KlusterClient({ baseUrl, apiKey, timeoutMs, maxRetryWaitMs, onRetry: (notice) => printRetry(ctx, notice) });
}

/** The key, trimmed as the extension trims it: a key file's line ending is not part of the key. */
export function apiKeyOf(ctx: CliContext): string | undefined {
  return (ctx.args.options.get('api-key') ?? ctx.env.KLUSTER_API_KEY)?.trim() || undefined;
}

/** At most a day: a longer timer overflows (Node fires it at once) and no request is worth the wait. */
const MAX_SECONDS = 86_400;

/** A number of seconds from `--name` or the environment variable, in ms; undefined for the default. */
function secondsOption(ctx: CliContext, name: string, variable: string, zeroAllowed: boolean): number | undefined {
  const text = ctx.args.options.get(name) ?? ctx.env[variable];
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || (seconds === 0 && !zeroAllowed) || seconds > MAX_SECONDS) {
    const range = zeroAllowed ? `from 0 to ${MAX_SECONDS}` : `above 0, up to ${MAX_SECONDS}`;
    throw new UsageError(`--${name} (or ${variable}) must be a number of seconds ${range}, not '${text}'`);
  }
  return seconds * 1000;
}

/** No wait is silent: a line on stderr (a JSON object with --json) before each retry. */
function printRetry(ctx: CliContext, notice: RetryNotice): void {
  if (!ctx.json) {
    ctx.io.err(notice.message);
    return;
  }
  const { failure, waitMs, retry, maxRetries, message } = notice;
  ctx.io.err(
    JSON.stringify({
      retry: { kind: failure.kind, status: failure.status ?? null, seconds: waitMs / 1000, retry, of: maxRetries, message },
    }),
  );
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, 2));
}

/** Left-aligned columns, two spaces apart. Cells are the service's text: control characters and line breaks escaped. */
export function table(headers: string[], rawRows: string[][]): string {
  const rows = rawRows.map((row) => row.map((cell) => escapeControls(cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Unix seconds as `2024-12-10 12:12:57` (UTC), or `-`. */
export function time(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '-';
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The CLI's own advice for a refused key; the core's message stays neutral (VS Code has a button instead). */
export const CLI_KEY_HINT = 'Pass the key with --api-key KEY or set KLUSTER_API_KEY.';
/** Likewise for a timeout: the option that allows more time. */
export const CLI_TIMEOUT_HINT = 'Allow more time with --timeout SECONDS (or KLUSTER_TIMEOUT).';
/** And for a base URL that has no such endpoint. */
export const CLI_BASE_URL_HINT = 'Pass the right one with --base-url URL or set KLUSTER_BASE_URL.';

export function exitCodeFor(error: KlusterError): ExitCode {
  switch (error.kind) {
    case 'aborted':
      return ExitCode.interrupted;
    case 'server':
    case 'network':
    case 'timeout':
      return ExitCode.network;
    default:
      return ExitCode.api;
  }
}

/** A failure after a batch was created: the batch keeps running, so its id and the way back go with the error. */
export interface BatchContext {
  /** Unset when a batch may exist but its id never arrived (the create request was cut off). */
  readonly batchId?: string;
  /** A sentence saying what to run next, e.g. the `results` command that writes the results again. */
  readonly hint: string;
}

/**
 * Reports an expected failure in one line (no stack trace) and returns its exit code. API
 * failures, local file errors and refusals to overwrite are expected; anything else is rethrown.
 * With `batch`, the line adds its hint, and the --json error object carries `batch_id`.
 */
export function report(ctx: CliContext, error: unknown, batch?: BatchContext): ExitCode {
  if (error instanceof UsageError) throw error;
  // A file stream's own AbortError after Ctrl-C is an interruption like any other.
  if (isCancellation(error)) error = toKlusterError(error);
  let kind: string;
  let message: string;
  let code: ExitCode;
  if (error instanceof KlusterError) {
    kind = error.kind;
    const hint = remedyFor(error).includes('setApiKey')
      ? ` ${CLI_KEY_HINT}`
      : error.kind === 'timeout'
        ? ` ${CLI_TIMEOUT_HINT}`
        : error.kind === 'wrong_base_url'
          ? ` ${CLI_BASE_URL_HINT}`
          : '';
    message = error.message + hint;
    code = exitCodeFor(error);
  } else if (error instanceof FileExistsError) {
    kind = 'file_exists';
    message = error.message;
    code = ExitCode.io;
  } else if (error instanceof DestinationError || error instanceof FileReadError) {
    kind = 'io';
    message = error.message;
    code = ExitCode.io;
  } else if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
    const e = error as NodeJS.ErrnoException;
    kind = 'io';
    message = e.code === 'ENOENT' ? `no such file: ${e.path}` : e.message;
    code = ExitCode.io;
  } else {
    throw error;
  }
  if (batch) message = `${message} ${batch.hint}`;
  message = redact(message, [apiKeyOf(ctx)]).replace(/\s*\n\s*/g, ' ');
  ctx.io.err(
    ctx.json ? JSON.stringify({ error: { kind, message, ...(batch?.batchId ? { batch_id: batch.batchId } : {}) } }) : `kluster: ${message}`,
  );
  return code;
}

/** Progress of a byte transfer on stderr, at most once per 10 %, silent in --json mode. */
export function progressPrinter(ctx: CliContext, label: string): (done: number, total: number | undefined) => void {
  let lastTenth = -1;
  return (done, total) => {
    if (ctx.json || !total || total < 1048576) return; // small transfers finish before a line is worth it
    const tenth = Math.floor((done / total) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    ctx.io.err(`${label}: ${tenth * 10}% of ${(total / 1048576).toFixed(1)} MB`);
  };
}
