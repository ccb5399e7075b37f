// Streaming file transfer helpers: nothing here holds a whole file in memory.
import { createReadStream, createWriteStream } from 'fs';
import { Readable, Transform } from 'stream';
import { pipeline } from 'stream/promises';
import type { ReadableStream as WebReadableStream } from 'stream/web';

export type ProgressCallback = (bytesDone: number, bytesTotal: number | undefined) => void;

/** Reads a file in chunks, reporting how many bytes have been handed to the request so far. */
export async function* readFileWithProgress(
  file: string,
  total: number,
  onProgress?: ProgressCallback,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let done = 0;
  onProgress?.(0, total);
  const stream = createReadStream(file, { highWaterMark: 256 * 1024, signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    done += chunk.length;
    onProgress?.(done, total);
    yield chunk;
  }
}

/** Streams a response body to `file`, counting bytes. */
export async function writeBodyToFile(
  body: ReadableStream<Uint8Array> | null,
  file: string,
  total: number | undefined,
  onProgress?: ProgressCallback,
  signal?: AbortSignal,
): Promise<number> {
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onProgress?.(done, total);
      callback(null, chunk);
    },
  });
  const source = body ? Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
  await pipeline(source, counter, createWriteStream(file), { signal });
  return done;
}

/** Sleeps, waking early (with the abort reason) when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
