// Streaming file transfer helpers: nothing here holds a whole file in memory.
import { createReadStream } from 'fs';
import { Readable } from 'stream';
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

/** Where a download's bytes go, in order (a temp file of writeAtomically). */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
}

/** Streams a response body into `sink`, counting bytes; each chunk is written before the next is read. */
export async function writeBodyToFile(
  body: ReadableStream<Uint8Array> | null,
  sink: ByteSink,
  total: number | undefined,
  onProgress?: ProgressCallback,
  signal?: AbortSignal,
): Promise<number> {
  let done = 0;
  if (!body) return done;
  for await (const chunk of Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>, { signal }) as AsyncIterable<Buffer>) {
    await sink.write(chunk);
    done += chunk.length;
    onProgress?.(done, total);
  }
  return done;
}

/** The longest delay a Node timer takes; a longer one fires at once, with a TimeoutOverflowWarning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sleeps, waking early (with the abort reason) when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Aborts its signal once `kick()` has not been called for `ms`: progress keeps it quiet, a stall fires
 * it. The signal also follows `parent` (the caller's cancel).
 */
export class StallTimer {
  readonly signal: AbortSignal;
  private readonly stall = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    parent?: AbortSignal,
  ) {
    this.signal = parent ? AbortSignal.any([parent, this.stall.signal]) : this.stall.signal;
    this.kick();
  }

  /** True once the time ran out (not when the parent aborted). */
  get stalled(): boolean {
    return this.stall.signal.aborted;
  }

  kick(): void {
    if (this.stalled) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stall.abort(), Math.min(this.ms, MAX_TIMER_MS));
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
