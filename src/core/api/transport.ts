// The SDK instance and the plumbing every resource shares: send with retries, check the JSON, map errors.
import OpenAI from 'openai';
import type { z } from 'zod';
import { apiKeyProblem } from './apiKey';
import { KlusterError, toKlusterError, waitText, type ErrorContext } from './errors';
import { describeZodError } from './schemas';
import { FileReadError } from '../util/fileReadError';
import { MAX_TIMER_MS, sleep } from './transfer';

/** What a caller is told before each wait for a retry, so that no wait is silent. */
export interface RetryNotice {
  /** The failure being retried: `rate_limited`, `server` or `network`. */
  readonly failure: KlusterError;
  /** 1 for the first retry. */
  readonly retry: number;
  readonly maxRetries: number;
  readonly waitMs: number;
  /** What the service asked for (Retry-After), when that was longer than the cap. */
  readonly askedMs?: number;
  /** e.g. `rate limited; retrying in 45 s (retry 1 of 2)`. */
  readonly message: string;
}

export interface KlusterClientOptions {
  /** e.g. `https://api.kluster.ai/v1` */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Retries of 429, 5xx and connection failures, with backoff or the wait Retry-After asks for. Default 2. */
  readonly maxRetries?: number;
  /**
   * How long a request may make no progress: no answer (headers), no upload bytes taken, no streamed
   * chunk. A timeout is not retried: this is the whole wait. Default 60 s.
   */
  readonly timeoutMs?: number;
  /** The longest wait before a retry; a longer Retry-After is cut to this. Default 60 s. */
  readonly maxRetryWaitMs?: number;
  /** Told before each wait for a retry. */
  readonly onRetry?: (notice: RetryNotice) => void;
  readonly fetch?: typeof fetch;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface ListOptions extends CallOptions {
  readonly after?: string;
  /** 1 to 100; the service defaults to 20. */
  readonly limit?: number;
}

/**
 * What a request's path names: `collection` for one every kluster.ai base URL has (a list, a create, a chat
 * completion), where a 404 means the base URL is wrong; `object` for one with an id, where it means no such object.
 */
export type Endpoint = 'collection' | 'object';

/** One SDK call, sent with our signal and read as a raw Response. */
export type Send = (request: { signal?: AbortSignal }) => { asResponse(): Promise<Response> };

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRY_WAIT_MS = 60_000;

/** The SDK's policy: 408, 409, 429, 5xx and connection failures are worth another try; a timeout is not here. */
function isRetryable(failure: KlusterError): boolean {
  return (
    failure.kind === 'rate_limited' ||
    failure.kind === 'server' ||
    failure.kind === 'network' ||
    failure.status === 408 ||
    failure.status === 409
  );
}

/** The wait before retry `retry` (0 for the first): Retry-After when given, else 0.5 s doubling up to 8 s, with jitter; at most `maxWaitMs`. */
export function retryWaitMs(failure: KlusterError, retry: number, maxWaitMs: number, random: () => number = Math.random): number {
  const ms =
    failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : Math.min(500 * 2 ** retry, 8000) * (1 - random() * 0.25);
  return Math.min(ms, maxWaitMs);
}

function retryMessage(failure: KlusterError, waitMs: number, retry: number, maxRetries: number, askedMs: number | undefined): string {
  const why =
    failure.kind === 'rate_limited'
      ? 'rate limited'
      : failure.kind === 'server'
        ? `server error ${failure.status}`
        : failure.kind === 'network'
          ? 'connection failed'
          : `error ${failure.status}`;
  const asked = askedMs === undefined ? '' : `; the service asked for ${waitText(askedMs / 1000)}`;
  return `${why}; retrying in ${waitText(waitMs / 1000)} (retry ${retry} of ${maxRetries}${asked})`;
}

export class Transport {
  readonly baseUrl: string;
  readonly sdk: OpenAI;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  private readonly maxRetryWaitMs: number;
  private readonly onRetry?: (notice: RetryNotice) => void;
  private readonly apiKey: string;

  constructor(options: KlusterClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.maxRetries = options.maxRetries ?? 2;
    // The SDK wants a whole number of ms, and a Node timer overflows beyond about 24.8 days.
    this.timeoutMs = Math.min(Math.max(1, Math.round(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)), MAX_TIMER_MS);
    this.maxRetryWaitMs = Math.min(options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS, MAX_TIMER_MS);
    this.onRetry = options.onRetry;
    this.sdk = new OpenAI({
      baseURL: this.baseUrl,
      apiKey: options.apiKey,
      // Our retries, not the SDK's: its wait between tries can be neither cancelled, capped nor announced,
      // and a Retry-After beyond 24.8 days overflows its timer (it then retries at once, with a warning).
      maxRetries: 0,
      timeout: this.timeoutMs,
      fetch: options.fetch,
      // The SDK refuses to run in a browser-like host by default; VS Code's extension host is Node.
      dangerouslyAllowBrowser: true,
    });
  }

  /** Sends through the SDK, then validates the raw JSON body (not the SDK's typed view of it). */
  async call<T extends z.ZodType>(
    what: string,
    schema: T,
    options: CallOptions,
    send: Send,
    endpoint: Endpoint = 'object',
  ): Promise<z.infer<T>> {
    return this.json(what, schema, await this.raw(options, send, endpoint), options.signal);
  }

  /** Reads a response's JSON body and checks it against `schema`. */
  async json<T extends z.ZodType>(what: string, schema: T, response: Response, signal?: AbortSignal): Promise<z.infer<T>> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw toKlusterError(error, this.errorContext(signal));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new KlusterError(
        'invalid_response',
        `Unexpected response for ${what}: not JSON (${type}). Is the base URL ${this.baseUrl} a kluster.ai API?`,
      );
    }
    return this.parse(what, schema, json);
  }

  raw(options: CallOptions, send: Send, endpoint: Endpoint = 'object'): Promise<Response> {
    return this.retrying(options.signal, (signal) => send({ signal }).asResponse(), endpoint);
  }

  /**
   * Runs `attempt` and tries again on 429, 5xx and connection failures, up to `maxRetries` times,
   * telling `onRetry` before each wait. Everything sent to the service goes through here.
   */
  async retrying<T>(
    signal: AbortSignal | undefined,
    attempt: (signal: AbortSignal | undefined) => Promise<T>,
    endpoint: Endpoint = 'object',
  ): Promise<T> {
    const keyProblem = apiKeyProblem(this.apiKey);
    if (keyProblem)
      throw new KlusterError('unauthorized', `The API key is malformed: ${keyProblem}. Check that only the key was copied, whole.`);
    for (let retry = 0; ; retry++) {
      // The SDK never removes the abort listener it adds to a signal, so each try gets its own
      // dependent signal; otherwise a long `--wait` piles listeners onto the caller's signal.
      const own = signal ? AbortSignal.any([signal]) : undefined;
      try {
        return await attempt(own);
      } catch (error) {
        if (error instanceof FileReadError) throw error;
        const failure = toKlusterError(error, this.errorContext(signal, endpoint));
        if (!isRetryable(failure) || retry >= this.maxRetries) throw failure;
        await this.waitToRetry(failure, retry, signal);
      }
    }
  }

  parse<T extends z.ZodType>(what: string, schema: T, json: unknown): z.infer<T> {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new KlusterError('invalid_response', `Unexpected response for ${what}: ${describeZodError(parsed.error)}.`);
    }
    return parsed.data;
  }

  private async waitToRetry(failure: KlusterError, retry: number, signal?: AbortSignal): Promise<void> {
    const waitMs = retryWaitMs(failure, retry, this.maxRetryWaitMs);
    const asked = failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000;
    const askedMs = asked !== undefined && asked > waitMs ? asked : undefined;
    this.onRetry?.({
      failure,
      retry: retry + 1,
      maxRetries: this.maxRetries,
      waitMs,
      askedMs,
      message: retryMessage(failure, waitMs, retry + 1, this.maxRetries, askedMs),
    });
    try {
      await sleep(waitMs, signal);
    } catch (error) {
      throw toKlusterError(error, this.errorContext(signal));
    }
  }

  errorContext(signal?: AbortSignal, endpoint: Endpoint = 'object'): ErrorContext {
    return { apiKey: this.apiKey, baseUrl: this.baseUrl, signal, timeoutMs: this.timeoutMs, collection: endpoint === 'collection' };
  }
}
