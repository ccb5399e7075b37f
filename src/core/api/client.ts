// KlusterClient: the whole documented kluster.ai API over the official openai SDK.
// The SDK does HTTP, retries (429/5xx with backoff, honouring Retry-After) and SSE; every response's
// JSON is then checked against our own zod schemas, because the service differs from OpenAI's types.
import { promises as fs } from 'fs';
import * as path from 'path';
import OpenAI, { toStreamingFile } from 'openai';
import type { z } from 'zod';
import { MAX_BATCH_FILE_BYTES } from '../models';
import { writeAtomically } from '../util/atomicFile';
import { KlusterError, toKlusterError } from './errors';
import * as S from './schemas';
import { readFileWithProgress, sleep, writeBodyToFile, type ProgressCallback } from './transfer';

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

export interface UploadOptions extends CallOptions {
  readonly purpose?: S.FilePurpose;
  /** Name sent to the service; defaults to the file's base name. */
  readonly filename?: string;
  readonly onProgress?: ProgressCallback;
}

export interface DownloadOptions extends CallOptions {
  /** Replace an existing file at the destination. Default false: FileExistsError. */
  readonly overwrite?: boolean;
  readonly onProgress?: ProgressCallback;
}

export interface CreateBatchParams {
  readonly inputFileId: string;
  readonly completionWindow?: S.CompletionWindow;
  /** Only `/v1/chat/completions` is supported today. */
  readonly endpoint?: string;
  readonly metadata?: Record<string, unknown> | null;
}

export interface CreateFineTuningJobParams {
  readonly trainingFile: string;
  readonly model: string;
  readonly validationFile?: string | null;
  readonly hyperparameters?: { batch_size?: number; learning_rate_multiplier?: number; n_epochs?: number } | null;
  readonly nickname?: string | null;
}

type Send = (request: { signal?: AbortSignal }) => { asResponse(): Promise<Response> };

const DEFAULT_TIMEOUT_MS = 60_000;
/** Headers of an upload arrive only after the whole body is sent, so uploads get longer. */
const UPLOAD_TIMEOUT_MS = 30 * 60_000;

export class KlusterClient {
  readonly baseUrl: string;
  private readonly sdk: OpenAI;
  private readonly apiKey: string;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;

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

  // ---- models

  async listModels(options: CallOptions = {}): Promise<S.Model[]> {
    const list = await this.call('the models list', S.ModelListSchema, options, (o) => this.sdk.models.list(o));
    return list.data;
  }

  // ---- files

  /** Uploads from disk as a stream; memory use does not grow with the file's size. */
  async uploadFile(file: string, options: UploadOptions = {}): Promise<S.FileObject> {
    const { purpose = 'batch', signal, onProgress } = options;
    const name = options.filename ?? path.basename(file);
    const { size } = await fs.stat(file);
    if (size > MAX_BATCH_FILE_BYTES) {
      throw new KlusterError(
        'payload_too_large',
        `${name} is ${(size / 1048576).toFixed(1)} MB; kluster.ai accepts files up to 100 MB. Split it into smaller batches.`,
      );
    }
    // The SDK cannot replay a streamed body, so it does not retry uploads; we re-open the file and
    // resend on the same failures it would retry, honouring Retry-After the same way.
    for (let attempt = 0; ; attempt++) {
      const data = readFileWithProgress(file, size, onProgress, signal);
      const upload = toStreamingFile(data, name, { type: 'application/jsonl' });
      try {
        return await this.call('the uploaded file', S.FileObjectSchema, options, (o) =>
          this.sdk.files.create(
            { file: upload, purpose: purpose as 'batch' },
            // redirect 'error': fetch otherwise clones the request, teeing the body stream and so
            // keeping every byte sent in memory until the response arrives.
            { ...o, timeout: Math.max(this.timeoutMs, UPLOAD_TIMEOUT_MS), fetchOptions: { redirect: 'error' } },
          ),
        );
      } catch (error) {
        const failure = toKlusterError(error, this.errorContext(signal));
        const retryable = failure.kind === 'rate_limited' || failure.kind === 'server' || failure.kind === 'network';
        if (!retryable || attempt >= this.maxRetries) throw failure;
        await this.backoff(failure, attempt, signal);
      }
    }
  }

  getFile(id: string, options: CallOptions = {}): Promise<S.FileObject> {
    return this.call(`file ${id}`, S.FileObjectSchema, options, (o) => this.sdk.files.retrieve(id, o));
  }

  listFiles(options: ListOptions & { purpose?: S.FilePurpose } = {}): Promise<S.FileList> {
    const query = { after: options.after, limit: options.limit, purpose: options.purpose };
    return this.call('the files list', S.FileListSchema, options, (o) => this.sdk.files.list(query, o));
  }

  deleteFile(id: string, options: CallOptions = {}): Promise<S.FileDeleted> {
    return this.call(`deleting file ${id}`, S.FileDeletedSchema, options, (o) => this.sdk.files.delete(id, o));
  }

  /** The file's content as a byte stream, for piping (e.g. to stdout). */
  async openFileContent(id: string, options: CallOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.raw(options, (o) => this.sdk.files.content(id, o));
    const body = response.body;
    const context = this.errorContext(options.signal);
    return (async function* () {
      if (!body) return;
      try {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
      } catch (error) {
        throw toKlusterError(error, context);
      }
    })();
  }

  /** Streams the file's content to `dest` through a temp file renamed into place. Returns the byte count. */
  async downloadFileContent(id: string, dest: string, options: DownloadOptions = {}): Promise<number> {
    const { signal, onProgress, overwrite } = options;
    return writeAtomically(
      dest,
      async (temp) => {
        const response = await this.raw(options, (o) => this.sdk.files.content(id, o));
        const length = Number(response.headers.get('content-length') ?? NaN);
        try {
          return await writeBodyToFile(response.body, temp, Number.isFinite(length) ? length : undefined, onProgress, signal);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).syscall) throw error; // local disk trouble, not the network
          throw toKlusterError(error, this.errorContext(signal));
        }
      },
      { overwrite },
    );
  }

  // ---- batches

  createBatch(params: CreateBatchParams, options: CallOptions = {}): Promise<S.Batch> {
    const body = {
      input_file_id: params.inputFileId,
      endpoint: params.endpoint ?? '/v1/chat/completions',
      completion_window: params.completionWindow ?? '24h',
      ...(params.metadata !== undefined ? { metadata: params.metadata } : {}),
    };
    return this.call('the new batch', S.BatchSchema, options, (o) =>
      this.sdk.batches.create(body as OpenAI.Batches.BatchCreateParams, o),
    );
  }

  getBatch(id: string, options: CallOptions = {}): Promise<S.Batch> {
    return this.call(`batch ${id}`, S.BatchSchema, options, (o) => this.sdk.batches.retrieve(id, o));
  }

  cancelBatch(id: string, options: CallOptions = {}): Promise<S.Batch> {
    return this.call(`cancelling batch ${id}`, S.BatchSchema, options, (o) => this.sdk.batches.cancel(id, o));
  }

  listBatches(options: ListOptions = {}): Promise<S.BatchList> {
    const query = { after: options.after, limit: options.limit };
    return this.call('the batch list', S.BatchListSchema, options, (o) => this.sdk.batches.list(query, o));
  }

  /** Every batch, newest first, page after page. */
  async *iterateBatches(options: CallOptions & { pageSize?: number } = {}): AsyncGenerator<S.Batch> {
    let after: string | undefined;
    for (;;) {
      const page = await this.listBatches({ signal: options.signal, after, limit: options.pageSize ?? 100 });
      yield* page.data;
      const last = page.data.at(-1)?.id;
      if (!page.has_more || !last || last === after) return;
      after = last;
    }
  }

  // ---- chat

  chat(request: S.ChatRequest, options: CallOptions = {}): Promise<S.ChatCompletion> {
    const body = { ...request, stream: false } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    return this.call('the chat completion', S.ChatCompletionSchema, options, (o) => this.sdk.chat.completions.create(body, o));
  }

  /**
   * Streams a chat completion chunk by chunk. Ends with an error, never silently, when the
   * connection drops, the stream stalls longer than the timeout, or the signal aborts.
   */
  async *chatStream(request: S.ChatRequest, options: CallOptions = {}): AsyncGenerator<S.ChatCompletionChunk> {
    const stall = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        stall.abort();
      }, this.timeoutMs);
    };
    const fail = (error: unknown): KlusterError => {
      if (stalled) return new KlusterError('timeout', `The stream stalled: no data for ${this.timeoutMs / 1000} s. Try again.`, { cause: error });
      return toKlusterError(error, this.errorContext(options.signal));
    };
    const body = { ...request, stream: true } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
    let finished = false;
    try {
      arm();
      const stream = await this.sdk.chat.completions.create(body, { signal }).catch((error: unknown) => {
        throw fail(error);
      });
      const iterator = stream[Symbol.asyncIterator]();
      for (;;) {
        arm();
        const next = await iterator.next().catch((error: unknown) => {
          throw fail(error);
        });
        if (next.done) break;
        const chunk = this.parse('a streamed chunk', S.ChatCompletionChunkSchema, next.value);
        if (chunk.choices.some((c) => c.finish_reason)) finished = true;
        yield chunk;
      }
      // The SDK ends quietly on abort and on a clean close without `[DONE]`; neither is a whole answer.
      if (signal.aborted) throw fail(signal.reason);
      if (!finished) throw new KlusterError('network', 'The stream ended before the answer was complete. Try again.');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Queues a chat request as an async job (it then appears as a batch). Returns the service's acknowledgement. */
  submitAsyncChat(
    request: S.ChatRequest,
    completionWindow: S.CompletionWindow = '24h',
    options: CallOptions = {},
  ): Promise<S.ChatCompletion> {
    const metadata = (request.metadata ?? {}) as Record<string, unknown>;
    const kluster = (metadata['@kluster.ai'] ?? {}) as Record<string, unknown>;
    const body = {
      ...request,
      stream: false,
      metadata: { ...metadata, '@kluster.ai': { ...kluster, async: true, completion_window: completionWindow } },
    } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    return this.call('the async request', S.ChatCompletionSchema, options, (o) => this.sdk.chat.completions.create(body, o));
  }

  // ---- fine-tuning

  createFineTuningJob(params: CreateFineTuningJobParams, options: CallOptions = {}): Promise<S.FineTuningJob> {
    const body = {
      training_file: params.trainingFile,
      model: params.model,
      ...(params.validationFile != null ? { validation_file: params.validationFile } : {}),
      ...(params.hyperparameters != null ? { hyperparameters: params.hyperparameters } : {}),
      ...(params.nickname != null ? { nickname: params.nickname } : {}),
    };
    return this.call('the new fine-tuning job', S.FineTuningJobSchema, options, (o) =>
      this.sdk.fineTuning.jobs.create(body as OpenAI.FineTuning.JobCreateParams, o),
    );
  }

  getFineTuningJob(id: string, options: CallOptions = {}): Promise<S.FineTuningJob> {
    return this.call(`fine-tuning job ${id}`, S.FineTuningJobSchema, options, (o) => this.sdk.fineTuning.jobs.retrieve(id, o));
  }

  cancelFineTuningJob(id: string, options: CallOptions = {}): Promise<S.FineTuningJob> {
    return this.call(`cancelling fine-tuning job ${id}`, S.FineTuningJobSchema, options, (o) => this.sdk.fineTuning.jobs.cancel(id, o));
  }

  listFineTuningJobs(options: ListOptions = {}): Promise<S.FineTuningJobList> {
    const query = { after: options.after, limit: options.limit };
    return this.call('the fine-tuning job list', S.FineTuningJobListSchema, options, (o) =>
      this.sdk.fineTuning.jobs.list(query, o),
    );
  }

  // ---- plumbing

  /** Sends through the SDK, then validates the raw JSON body (not the SDK's typed view of it). */
  private async call<T extends z.ZodType>(
    what: string,
    schema: T,
    options: CallOptions,
    send: Send,
  ): Promise<z.infer<T>> {
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

  private async raw(options: CallOptions, send: Send): Promise<Response> {
    // The SDK never removes the abort listener it adds to a signal, so each request gets its own
    // dependent signal; otherwise a long `--wait` piles listeners onto the caller's signal.
    const signal = options.signal ? AbortSignal.any([options.signal]) : undefined;
    try {
      return await send({ signal }).asResponse();
    } catch (error) {
      throw toKlusterError(error, this.errorContext(options.signal));
    }
  }

  private parse<T extends z.ZodType>(what: string, schema: T, json: unknown): z.infer<T> {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new KlusterError('invalid_response', `Unexpected response for ${what}: ${S.describeZodError(parsed.error)}.`);
    }
    return parsed.data;
  }

  private async backoff(failure: KlusterError, attempt: number, signal?: AbortSignal): Promise<void> {
    // Same policy as the SDK: Retry-After when given, else 0.5 s doubling up to 8 s, with jitter.
    const ms = failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : Math.min(500 * 2 ** attempt, 8000) * (1 - Math.random() * 0.25);
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw toKlusterError(error, this.errorContext(signal));
    }
  }

  private errorContext(signal?: AbortSignal) {
    return { apiKey: this.apiKey, baseUrl: this.baseUrl, signal, timeoutMs: this.timeoutMs };
  }
}
