// KlusterClient: the whole documented kluster.ai API over the official openai SDK.
// The SDK does HTTP, the timeout until an answer, and SSE; transport.ts retries (429/5xx with backoff,
// honouring Retry-After up to a cap, each wait announced); every response's JSON is then checked
// against our own zod schemas, because the service differs from OpenAI's types.
// The longer pieces live beside it by resource: files.ts, chat.ts; the shared plumbing in transport.ts.
import type OpenAI from 'openai';
import { asyncChatBody, chatStream } from './chat';
import { downloadFileContent, openFileContent, uploadFile, type DownloadOptions, type UploadOptions } from './files';
import * as S from './schemas';
import { Transport, type CallOptions, type KlusterClientOptions, type ListOptions } from './transport';

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

export class KlusterClient {
  readonly baseUrl: string;
  private readonly t: Transport;

  constructor(options: KlusterClientOptions) {
    this.t = new Transport(options);
    this.baseUrl = this.t.baseUrl;
  }

  // ---- models

  async listModels(options: CallOptions = {}): Promise<S.Model[]> {
    const list = await this.t.call('the models list', S.ModelListSchema, options, (o) => this.t.sdk.models.list(o), 'collection');
    return list.data;
  }

  // ---- files

  /** Uploads from disk as a stream; memory use does not grow with the file's size. */
  uploadFile(file: string, options: UploadOptions = {}): Promise<S.FileObject> {
    return uploadFile(this.t, file, options);
  }

  getFile(id: string, options: CallOptions = {}): Promise<S.FileObject> {
    return this.t.call(`file ${id}`, S.FileObjectSchema, options, (o) => this.t.sdk.files.retrieve(id, o));
  }

  listFiles(options: ListOptions & { purpose?: S.FilePurpose } = {}): Promise<S.FileList> {
    const query = { after: options.after, limit: options.limit, purpose: options.purpose };
    return this.t.call('the files list', S.FileListSchema, options, (o) => this.t.sdk.files.list(query, o), 'collection');
  }

  deleteFile(id: string, options: CallOptions = {}): Promise<S.FileDeleted> {
    return this.t.call(`deleting file ${id}`, S.FileDeletedSchema, options, (o) => this.t.sdk.files.delete(id, o));
  }

  /** The file's content as a byte stream, for piping (e.g. to stdout). */
  openFileContent(id: string, options: CallOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    return openFileContent(this.t, id, options);
  }

  /** Streams the file's content to `dest` through a temp file renamed into place. Returns the byte count. */
  downloadFileContent(id: string, dest: string, options: DownloadOptions = {}): Promise<number> {
    return downloadFileContent(this.t, id, dest, options);
  }

  // ---- batches

  createBatch(params: CreateBatchParams, options: CallOptions = {}): Promise<S.Batch> {
    const body = {
      input_file_id: params.inputFileId,
      endpoint: params.endpoint ?? '/v1/chat/completions',
      completion_window: params.completionWindow ?? '24h',
      ...(params.metadata !== undefined ? { metadata: params.metadata } : {}),
    };
    return this.t.call(
      'the new batch',
      S.BatchSchema,
      options,
      (o) => this.t.sdk.batches.create(body as OpenAI.Batches.BatchCreateParams, o),
      'collection',
    );
  }

  getBatch(id: string, options: CallOptions = {}): Promise<S.Batch> {
    return this.t.call(`batch ${id}`, S.BatchSchema, options, (o) => this.t.sdk.batches.retrieve(id, o));
  }

  cancelBatch(id: string, options: CallOptions = {}): Promise<S.Batch> {
    return this.t.call(`cancelling batch ${id}`, S.BatchSchema, options, (o) => this.t.sdk.batches.cancel(id, o));
  }

  listBatches(options: ListOptions = {}): Promise<S.BatchList> {
    const query = { after: options.after, limit: options.limit };
    return this.t.call('the batch list', S.BatchListSchema, options, (o) => this.t.sdk.batches.list(query, o), 'collection');
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
    return this.t.call(
      'the chat completion',
      S.ChatCompletionSchema,
      options,
      (o) => this.t.sdk.chat.completions.create(body, o),
      'collection',
    );
  }

  /**
   * Streams a chat completion chunk by chunk. Ends with an error, never silently, when the
   * connection drops, the stream stalls longer than the timeout, or the signal aborts.
   */
  chatStream(request: S.ChatRequest, options: CallOptions = {}): AsyncGenerator<S.ChatCompletionChunk> {
    return chatStream(this.t, request, options);
  }

  /** Queues a chat request as an async job (it then appears as a batch). Returns the service's acknowledgement. */
  submitAsyncChat(
    request: S.ChatRequest,
    completionWindow: S.CompletionWindow = '24h',
    options: CallOptions = {},
  ): Promise<S.ChatCompletion> {
    const body = asyncChatBody(request, completionWindow);
    return this.t.call(
      'the async request',
      S.ChatCompletionSchema,
      options,
      (o) => this.t.sdk.chat.completions.create(body, o),
      'collection',
    );
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
    return this.t.call(
      'the new fine-tuning job',
      S.FineTuningJobSchema,
      options,
      (o) => this.t.sdk.fineTuning.jobs.create(body as OpenAI.FineTuning.JobCreateParams, o),
      'collection',
    );
  }

  getFineTuningJob(id: string, options: CallOptions = {}): Promise<S.FineTuningJob> {
    return this.t.call(`fine-tuning job ${id}`, S.FineTuningJobSchema, options, (o) => this.t.sdk.fineTuning.jobs.retrieve(id, o));
  }

  cancelFineTuningJob(id: string, options: CallOptions = {}): Promise<S.FineTuningJob> {
    return this.t.call(`cancelling fine-tuning job ${id}`, S.FineTuningJobSchema, options, (o) => this.t.sdk.fineTuning.jobs.cancel(id, o));
  }

  listFineTuningJobs(options: ListOptions = {}): Promise<S.FineTuningJobList> {
    const query = { after: options.after, limit: options.limit };
    return this.t.call(
      'the fine-tuning job list',
      S.FineTuningJobListSchema,
      options,
      (o) => this.t.sdk.fineTuning.jobs.list(query, o),
      'collection',
    );
  }
}
