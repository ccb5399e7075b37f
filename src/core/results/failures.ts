// The failed requests of a batch, each on its input line: what "Show Errors" puts on the input file as problems.
import { joinResults } from './join';

export interface FailedRequest {
  /**
   * 1-based line of the request in the input file; null when no line is its own: its custom_id is in no input
   * line (the file was edited since), or it is a second result for a custom_id the file uses twice.
   */
  readonly inputLine: number | null;
  readonly customId: string;
  /** The service's own words, e.g. `The model failed while processing this request. (server_error)`. */
  readonly message: string;
  /** Where the service reported it: the output or error file, 1-based line. */
  readonly resultFile: 'output' | 'error';
  readonly resultLine: number;
}

interface ErrorShape {
  code?: unknown;
  message?: unknown;
}

function words(error: ErrorShape | null | undefined): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const message = typeof error.message === 'string' ? error.message.trim() : '';
  const code = typeof error.code === 'string' || typeof error.code === 'number' ? String(error.code) : '';
  if (!message) return code || undefined;
  return code ? `${message} (${code})` : message;
}

/**
 * What the service said about a failed result line: `error`, else the error in the response body, else the HTTP
 * status (results carry a failure either way: `{"error": {...}}`, or a `response` with a non-2xx `status_code`).
 */
export function failureMessage(result: {
  response?: { status_code?: unknown; body?: { error?: ErrorShape } | null } | null;
  error?: ErrorShape | null;
}): string {
  const status = Number(result.response?.status_code);
  const said = words(result.error) ?? words(result.response?.body?.error);
  if (said) return Number.isFinite(status) && status >= 300 ? `HTTP ${status}: ${said}` : said;
  return Number.isFinite(status) ? `HTTP ${status} without an error message.` : 'Failed without an error message.';
}

/** A result line that reports a failure: an error, or a response that is not 2xx. */
function isFailure(record: Parameters<typeof failureMessage>[0]): boolean {
  const status = Number(record.response?.status_code);
  return Boolean(record.error) || !(status >= 200 && status < 300);
}

/**
 * The input file's failed requests, in input order, then those without a line of their own, from the batch's result
 * files (usually the error file alone: requests in neither file simply did not fail). Streams both files, as the
 * results join does.
 */
export async function failedRequests(
  inputPath: string,
  files: { outputPath?: string; errorPath?: string },
  signal?: AbortSignal,
): Promise<FailedRequest[]> {
  const failed: FailedRequest[] = [];
  for await (const result of joinResults({ inputPath, outputPath: files.outputPath, errorPath: files.errorPath, signal })) {
    if ((result.status !== 'failed' && result.status !== 'unmatched') || !result.from || result.customId === null) continue;
    const record = JSON.parse(result.json) as Parameters<typeof failureMessage>[0];
    if (result.status !== 'failed' && !(result.status === 'unmatched' && isFailure(record))) continue;
    failed.push({
      inputLine: result.inputLine,
      customId: result.customId,
      message: failureMessage(record),
      resultFile: result.from.file,
      resultLine: result.from.line,
    });
  }
  return failed;
}
