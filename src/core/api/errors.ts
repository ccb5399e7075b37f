// Typed API errors with messages a person can act on. The openai SDK's error classes are mapped
// here once; nothing else in the product inspects SDK errors.
import OpenAI from 'openai';
import { redact } from '../util/redact';
import { serviceText } from '../util/printable';

export type KlusterErrorKind =
  | 'unauthorized'
  | 'not_found'
  | 'wrong_base_url'
  | 'payload_too_large'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad_request'
  | 'aborted'
  | 'invalid_response';

export interface KlusterErrorDetails {
  /** HTTP status, when the service answered. */
  readonly status?: number;
  /** Seconds the service asked us to wait (Retry-After), for `rate_limited` and `server`. */
  readonly retryAfterSeconds?: number;
  /** The service's request id, worth quoting to support. */
  readonly requestId?: string;
  readonly cause?: unknown;
}

export class KlusterError extends Error {
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly requestId?: string;

  constructor(
    readonly kind: KlusterErrorKind,
    message: string,
    details: KlusterErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'KlusterError';
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.requestId = details.requestId;
  }

  /** The same failure (kind, status, request id, Retry-After) with `sentence` after its message: what it means here. */
  withSentence(sentence: string): KlusterError {
    const { status, retryAfterSeconds, requestId } = this;
    return new KlusterError(this.kind, `${this.message} ${sentence}`, { status, retryAfterSeconds, requestId, cause: this });
  }

  /** True for failures that may go away by themselves (worth a later retry). */
  get transient(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
  }
}

/** Raised when a feature needs the API and no key is stored or in the environment. */
export class MissingApiKeyError extends Error {
  constructor() {
    super('No kluster.ai API key is set. Run "kluster: Set API Key" or set KLUSTER_API_KEY.');
    this.name = 'MissingApiKeyError';
  }
}

/** Something a person can do about a failure: enter a key, try again, or check the base URL. */
export type Remedy = 'setApiKey' | 'retry' | 'openSettings';

/**
 * What helps with `error`, most useful first (empty when nothing does: a bad request, a missing file). The one
 * map behind notification buttons, tree error nodes, the chat's inline error and the CLI's advice.
 */
export function remedyFor(error: unknown): readonly Remedy[] {
  if (error instanceof MissingApiKeyError) return ['setApiKey'];
  // Not from the API (a file read, a bug): trying again is all there is to offer.
  if (!(error instanceof KlusterError)) return ['retry'];
  switch (error.kind) {
    case 'unauthorized':
      return ['setApiKey'];
    case 'wrong_base_url':
      return ['openSettings'];
    case 'network':
    case 'timeout':
      return ['retry', 'openSettings'];
    case 'rate_limited':
    case 'server':
      return ['retry'];
    default:
      return [];
  }
}

/**
 * Whether a create request (a batch, a job) that failed so may have done its work all the same: it was sent, but
 * cut off before the answer (Ctrl-C, a dropped connection, no answer in time, a gateway's 5xx, an unreadable
 * answer). Retrying blindly could make a second one; deleting what it needs could break the first.
 */
export function mayHaveBeenCreated(error: unknown): error is KlusterError {
  return error instanceof KlusterError && ['aborted', 'network', 'timeout', 'server', 'invalid_response'].includes(error.kind);
}

/** The service's base URL, as the docs give it. */
export const DEFAULT_BASE_URL = 'https://api.kluster.ai/v1';

export interface ErrorContext {
  /** The key, so that it can never appear in a message, even if a server echoes it. */
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /**
   * The request's path names no object by id (a list, a create, a chat completion): every base URL of the API
   * has it, so a 404 there says the base URL is wrong, not that something is missing.
   */
  readonly collection?: boolean;
}

/** The API's own "no such model" (a chat completion names a model that does not exist), not a wrong base URL. */
function isModelNotFound(error: InstanceType<typeof OpenAI.APIError>): boolean {
  const body = error.error as { code?: unknown; param?: unknown } | undefined;
  return body?.code === 'model_not_found' || body?.param === 'model';
}

/**
 * The API's own "no such object": its error names the parameter whose value it did not find (`training_file`,
 * `after`, `id`). A wrong base URL's 404 ("Invalid URL", "is not an endpoint") names none.
 */
function namesMissingParameter(error: InstanceType<typeof OpenAI.APIError>): boolean {
  const body = error.error as { param?: unknown } | undefined;
  return typeof body?.param === 'string' && body.param !== '';
}

/** Parses Retry-After (seconds or an HTTP date) into seconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** A wait for people: `0.2 s`, `45 s`, then rounded up: `10 min`, `3 h`, `116 days`. */
export function waitText(seconds: number): string {
  if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.ceil(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${Math.ceil(seconds / 3600)} h`;
  return `${Math.ceil(seconds / 86400)} days`;
}

/** The wait a 429 or 5xx asks for: `retry-after-ms` (as the SDK reads it), else Retry-After. */
function retryAfterOf(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : parseRetryAfter(headers?.get('retry-after'));
}

/** What a person reads when `action` (e.g. "Listing batches") failed: the VS Code notification's text. */
export function failureMessage(action: string, error: unknown): string {
  return `${action} failed: ${error instanceof Error ? error.message : String(error)}`;
}

function hostOf(baseUrl: string | undefined): string {
  if (!baseUrl) return 'the kluster.ai API';
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/**
 * The service's own words, secrets removed first, as one short line without a closing period (our
 * sentences add their own). An HTML error page becomes its first words.
 */
function serverMessage(error: InstanceType<typeof OpenAI.APIError>, clean: (text: string) => string): string {
  const body = error.error as { message?: unknown } | undefined;
  const text = body && typeof body.message === 'string' && body.message ? body.message : error.message.replace(/^\d{3}\s*/, '');
  return serviceText(clean(text)).replace(/\.+$/, '') || 'no details';
}

function causeText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  // The SDK's generic text adds nothing a person can use.
  return parts.filter((p) => p && !/^Connection error\.?$/.test(p) && p !== 'fetch failed').join(': ') || 'connection failed';
}

/** Node's and the DOM's AbortError (also from another realm, so not always `instanceof Error`), and the SDK's. */
function isAbortLike(error: unknown): boolean {
  if (error instanceof OpenAI.APIUserAbortError) return true;
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** True when `error` only says that the person (or a signal) stopped the work: nothing to show. */
export function isCancellation(error: unknown): boolean {
  return error instanceof KlusterError ? error.kind === 'aborted' : isAbortLike(error);
}

/** Maps anything thrown by the SDK, fetch or a stream into a KlusterError. */
export function toKlusterError(error: unknown, context: ErrorContext = {}): KlusterError {
  if (error instanceof KlusterError) return error;
  const clean = (text: string) => redact(text, [context.apiKey]);
  const host = hostOf(context.baseUrl);

  if (context.signal?.aborted || error instanceof OpenAI.APIUserAbortError) {
    return new KlusterError('aborted', 'Cancelled.', { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    const within = context.timeoutMs ? `: no answer within ${waitText(context.timeoutMs / 1000)}` : '';
    return new KlusterError('timeout', `The request to ${host} timed out${within}. The service may be busy; try again later.`, {
      cause: error,
    });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new KlusterError(
      'network',
      `Could not reach ${host}: ${clean(causeText(error.cause ?? error))}. Check your network connection and the base URL.`,
      { cause: error },
    );
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    const requestId = error.requestID ?? undefined;
    const said = serverMessage(error, clean);
    const details = { status, requestId, cause: error };
    switch (true) {
      case status === 401 || status === 403:
        return new KlusterError(
          'unauthorized',
          `The API key was refused (${status}: ${said}). Check that the key is right and still active.`,
          details,
        );
      case status === 404 && context.collection && !isModelNotFound(error) && !namesMissingParameter(error):
        return new KlusterError(
          'wrong_base_url',
          `Not found (404) at ${context.baseUrl ?? host}: ${said}. The base URL looks wrong; kluster.ai's is ${DEFAULT_BASE_URL}.`,
          details,
        );
      case status === 404 && isModelNotFound(error):
        return new KlusterError(
          'not_found',
          `Not found (404): ${said}. Use a model id that the account's model list (/v1/models) shows.`,
          details,
        );
      case status === 404:
        return new KlusterError(
          'not_found',
          `Not found (404): ${said}. Check the ID; it may belong to another account or have been deleted.`,
          details,
        );
      case status === 413: {
        // Our documented limit only when the service states none: two different numbers explain nothing.
        const limit = /\d/.test(said) ? ' S' : ' kluster.ai accepts files up to 100 MB; s';
        return new KlusterError(
          'payload_too_large',
          `The file is too large (413): ${said}.${limit}plit the file into smaller batches.`,
          details,
        );
      }
      case status === 429: {
        const retryAfterSeconds = retryAfterOf(error.headers);
        const wait = retryAfterSeconds === undefined ? 'a while' : waitText(retryAfterSeconds);
        return new KlusterError(
          'rate_limited',
          `Rate limited by kluster.ai (429: ${said}), still after retrying. Wait ${wait} and try again, or send fewer requests at once.`,
          { ...details, retryAfterSeconds },
        );
      }
      case status !== undefined && status >= 500:
        return new KlusterError('server', `kluster.ai had a server error (${status}: ${said}) and retries did not help. Try again later.`, {
          ...details,
          retryAfterSeconds: retryAfterOf(error.headers),
        });
      case status === undefined:
        // An error event inside an otherwise successful stream.
        return new KlusterError('server', `kluster.ai reported an error: ${said}.`, details);
      default:
        return new KlusterError('bad_request', `The API rejected the request (${status}): ${said}.`, details);
    }
  }
  if (isAbortLike(error)) {
    return new KlusterError('aborted', 'Cancelled.', { cause: error });
  }
  // Body reads that fail after the headers arrived: undici's "terminated", ECONNRESET, "other side closed".
  if (error instanceof Error) {
    return new KlusterError('network', `The connection to ${host} broke: ${clean(causeText(error))}. Check your network and try again.`, {
      cause: error,
    });
  }
  return new KlusterError('network', `Request to ${host} failed: ${clean(String(error))}.`, { cause: error });
}
