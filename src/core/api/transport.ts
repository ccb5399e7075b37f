// The SDK instance and the plumbing every resource shares: send, check the JSON, map errors, back off.
import OpenAI from 'openai';
import type { z } from 'zod';
import { KlusterError, toKlusterError, type ErrorContext } from './errors';
import { describeZodError } from './schemas';
import { sleep } from './transfer';

export interface KlusterClientOptions {
  /** e.g. `https://api.kluster.ai/v1` */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Retries of 429, 5xx and connection failures, done by the SDK with exponential backoff. Default 2. */
  readonly maxRetries?: number;
  /** Time allowed until response headers (and between streamed chunks). Default 60 s. */
  readonly timeoutMs?: number;
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

/** One SDK call, sent with our signal and read as a raw Response. */
export type Send = (request: { signal?: AbortSignal }) => { asResponse(): Promise<Response> };

const DEFAULT_TIMEOUT_MS = 60_000;

export class Transport {
  readonly baseUrl: string;
  readonly sdk: OpenAI;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  private readonly apiKey: string;

  constructor(options: KlusterClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sdk = new OpenAI({
      baseURL: this.baseUrl,
      apiKey: options.apiKey,
      maxRetries: this.maxRetries,
      timeout: this.timeoutMs,
      fetch: options.fetch,
      // The SDK refuses to run in a browser-like host by default; VS Code's extension host is Node.
      dangerouslyAllowBrowser: true,
    });
  }

  /** Sends through the SDK, then validates the raw JSON body (not the SDK's typed view of it). */
  async call<T extends z.ZodType>(what: string, schema: T, options: CallOptions, send: Send): Promise<z.infer<T>> {
    const response = await this.raw(options, send);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw toKlusterError(error, this.errorContext(options.signal));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new KlusterError('invalid_response', `Unexpected response for ${what}: not JSON (${type}). Is the base URL ${this.baseUrl} a kluster.ai API?`);
    }
    return this.parse(what, schema, json);
  }

  async raw(options: CallOptions, send: Send): Promise<Response> {
    // The SDK never removes the abort listener it adds to a signal, so each request gets its own
    // dependent signal; otherwise a long `--wait` piles listeners onto the caller's signal.
    const signal = options.signal ? AbortSignal.any([options.signal]) : undefined;
    try {
      return await send({ signal }).asResponse();
    } catch (error) {
      throw toKlusterError(error, this.errorContext(options.signal));
    }
  }

  parse<T extends z.ZodType>(what: string, schema: T, json: unknown): z.infer<T> {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new KlusterError('invalid_response', `Unexpected response for ${what}: ${describeZodError(parsed.error)}.`);
    }
    return parsed.data;
  }

  async backoff(failure: KlusterError, attempt: number, signal?: AbortSignal): Promise<void> {
    // Same policy as the SDK: Retry-After when given, else 0.5 s doubling up to 8 s, with jitter.
    const ms = failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : Math.min(500 * 2 ** attempt, 8000) * (1 - Math.random() * 0.25);
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw toKlusterError(error, this.errorContext(signal));
    }
  }

  errorContext(signal?: AbortSignal): ErrorContext {
    return { apiKey: this.apiKey, baseUrl: this.baseUrl, signal, timeoutMs: this.timeoutMs };
  }
}
