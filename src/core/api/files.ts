// Files: streamed upload (with its own retries) and streamed content download.
import { promises as fs } from 'fs';
import * as path from 'path';
import { toStreamingFile } from 'openai';
import { MAX_BATCH_FILE_BYTES } from '../models';
import { DestinationError, writeAtomically } from '../util/atomicFile';
import { FileReadError } from '../util/fileReadError';
import { KlusterError, toKlusterError, waitText } from './errors';
import * as S from './schemas';
import { MAX_TIMER_MS, readFileWithProgress, StallTimer, writeBodyToFile, type ProgressCallback } from './transfer';
import type { CallOptions, Transport } from './transport';

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

/** Sizes in MB, but in exact bytes within 1 % of the limit, where `100.0 MB` would not explain a refusal. */
export function tooLargeMessage(name: string, size: number): string {
  const exact = size - MAX_BATCH_FILE_BYTES <= MAX_BATCH_FILE_BYTES / 100;
  const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;
  const actual = exact ? bytes(size) : `${(size / 1048576).toFixed(1)} MB`;
  const limit = exact ? `${bytes(MAX_BATCH_FILE_BYTES)} (100 MB)` : '100 MB';
  return `${name} is ${actual}; kluster.ai accepts files up to ${limit}. Split it into smaller batches.`;
}

/**
 * Uploads from disk as a stream; memory use does not grow with the file's size. A try fails once the
 * service takes no bytes (and gives no answer) for the timeout, however long the whole upload takes.
 */
export async function uploadFile(t: Transport, file: string, options: UploadOptions = {}): Promise<S.FileObject> {
  const { purpose = 'batch', signal, onProgress } = options;
  const name = options.filename ?? path.basename(file);
  const stat = await fs.stat(file).catch((error: unknown) => {
    throw new FileReadError(file, error);
  });
  if (!stat.isFile()) throw new FileReadError(file, stat.isDirectory() ? 'EISDIR' : 'it is not a regular file');
  if (stat.size > MAX_BATCH_FILE_BYTES) throw new KlusterError('payload_too_large', tooLargeMessage(name, stat.size));
  // Each try re-opens the file: a streamed body cannot be replayed.
  const response = await t.retrying(
    signal,
    async (trySignal) => {
      const stall = new StallTimer(t.timeoutMs, trySignal);
      let readFailure: unknown;
      const data = (async function* () {
        try {
          yield* readFileWithProgress(file, stat.size, (done, total) => (stall.kick(), onProgress?.(done, total)), stall.signal);
        } catch (error) {
          readFailure = error;
          throw error;
        }
      })();
      try {
        const upload = toStreamingFile(data, name, { type: 'application/jsonl' });
        return await t.sdk.files
          .create(
            { file: upload, purpose: purpose as 'batch' },
            // The stall timer is the timeout here. redirect 'error': fetch otherwise clones the request,
            // teeing the body stream and so keeping every byte sent in memory until the response arrives.
            { signal: stall.signal, timeout: MAX_TIMER_MS, fetchOptions: { redirect: 'error' } },
          )
          .asResponse();
      } catch (error) {
        if (signal?.aborted) throw error;
        if (stall.stalled)
          throw new KlusterError(
            'timeout',
            `The upload of ${name} stalled: nothing was accepted or answered for ${waitText(t.timeoutMs / 1000)}. The service may be busy; try again later.`,
            { cause: error },
          );
        // fetch reports a failed read of its body as a connection error; it was the disk.
        if (readFailure) throw new FileReadError(file, readFailure);
        throw error;
      } finally {
        stall.stop();
      }
    },
    'collection',
  );
  return t.json('the uploaded file', S.FileObjectSchema, response, signal);
}

/** The file's content as a byte stream, for piping (e.g. to stdout). */
export async function openFileContent(t: Transport, id: string, options: CallOptions = {}): Promise<AsyncIterable<Uint8Array>> {
  const response = await t.raw(options, (o) => t.sdk.files.content(id, o));
  const body = response.body;
  const context = t.errorContext(options.signal);
  return (async function* () {
    if (!body) return;
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
    } catch (error) {
      throw toKlusterError(error, context);
    }
  })();
}

/**
 * Streams the file's content to `dest` through a temp file renamed into place. Returns the byte count. A connection
 * that drops mid-body (which the SDK does not retry: the headers had arrived) is retried once, from the start.
 */
export function downloadFileContent(t: Transport, id: string, dest: string, options: DownloadOptions = {}): Promise<number> {
  const { signal, onProgress, overwrite } = options;
  return writeAtomically(
    dest,
    async (temp) => {
      for (let attempt = 0; ; attempt++) {
        const response = await t.raw(options, (o) => t.sdk.files.content(id, o));
        const length = Number(response.headers.get('content-length') ?? NaN);
        // The SDK's timeout ends with the headers: a body that stops arriving would otherwise hang for ever.
        const stall = new StallTimer(t.timeoutMs, signal);
        const progress = (done: number, total: number | undefined) => (stall.kick(), onProgress?.(done, total));
        try {
          return await writeBodyToFile(response.body, temp, Number.isFinite(length) ? length : undefined, progress, stall.signal);
        } catch (error) {
          if (error instanceof DestinationError) throw error; // local disk trouble, not the network
          if (stall.stalled && !signal?.aborted)
            throw new KlusterError(
              'timeout',
              `The download of file ${id} stalled: no bytes arrived for ${waitText(t.timeoutMs / 1000)}. Try again later.`,
              { cause: error },
            );
          const failure = toKlusterError(error, t.errorContext(signal));
          if (failure.kind !== 'network' || attempt >= DOWNLOAD_RETRIES) throw failure;
          await temp.reset();
        } finally {
          stall.stop();
        }
      }
    },
    { overwrite },
  );
}

/** Retries of a download whose connection dropped after the headers. */
const DOWNLOAD_RETRIES = 1;
