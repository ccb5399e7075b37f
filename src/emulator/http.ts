// Response helpers that apply the injected fault of the request (slow, drop mid-body, drop mid-stream).
import type { IncomingMessage, ServerResponse } from 'http';
import { createReadStream } from 'fs';
import type { FaultSpec } from './faults';
import type { RequestLogEntry } from './state';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(`HTTP ${status}`);
  }
}

export class Exchange {
  readonly url: URL;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly fault: FaultSpec | undefined,
    readonly log: RequestLogEntry,
  ) {
    this.url = new URL(req.url ?? '/', 'http://emulator.invalid');
  }

  get method(): string {
    return (this.req.method ?? 'GET').toUpperCase();
  }

  private get delayMs(): number {
    return this.fault?.kind === 'slow' ? (this.fault.delayMs ?? 200) : 0;
  }

  private drop(): void {
    this.log.status = this.res.statusCode;
    this.req.socket.destroy();
  }

  /** Sends JSON text; `raw` lets numbers beyond 2^53 through exactly as the service sends them. */
  async json(status: number, body: unknown, raw?: string, headers: Record<string, string> = {}): Promise<void> {
    const text = raw ?? JSON.stringify(body);
    if (this.delayMs) await sleep(this.delayMs);
    this.log.status = status;
    this.res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    if (this.fault?.kind === 'drop') {
      const buffer = Buffer.from(text);
      const cut = Math.min(buffer.length - 1, this.fault.afterBytes ?? Math.floor(buffer.length / 2));
      this.res.write(buffer.subarray(0, Math.max(0, cut)));
      await sleep(20);
      return this.drop();
    }
    this.res.end(text);
  }

  error(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<void> {
    return this.json(status, body, undefined, headers);
  }

  /** Server-sent events ending in `data: [DONE]`. */
  async sse(chunks: readonly unknown[]): Promise<void> {
    this.log.status = 200;
    this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const dropAfter = this.fault?.kind === 'drop' ? Math.min(this.fault.afterBytes ?? 2, chunks.length - 1) : Infinity;
    let sent = 0;
    for (const chunk of chunks) {
      if (this.res.destroyed) return;
      if (sent >= dropAfter) {
        await sleep(20); // let what was written reach the client first
        return this.drop();
      }
      if (this.delayMs) await sleep(this.delayMs);
      this.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      sent++;
    }
    this.res.end('data: [DONE]\n\n');
  }

  /** Streams a file from disk. */
  async file(path: string, bytes: number): Promise<void> {
    if (this.delayMs) await sleep(this.delayMs);
    this.log.status = 200;
    this.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
    if (this.fault?.kind === 'stall' && this.fault.afterBytes !== undefined) {
      // The body stops midway with the connection open, until the client gives up.
      const stream = createReadStream(path, { start: 0, end: Math.max(0, this.fault.afterBytes - 1) });
      stream.pipe(this.res, { end: false });
      await new Promise<void>((resolve) => this.res.on('close', resolve));
      return;
    }
    if (this.fault?.kind === 'drop') {
      const cut = this.fault.afterBytes ?? Math.floor(bytes / 2);
      const stream = createReadStream(path, { start: 0, end: Math.max(0, cut - 1) });
      stream.pipe(this.res, { end: false });
      await new Promise<void>((resolve) => stream.on('end', () => resolve()));
      await sleep(20);
      return this.drop();
    }
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(path);
      stream.on('error', reject);
      this.res.on('close', resolve);
      stream.pipe(this.res);
    });
  }

  /** The request body as it arrives; a `slow` fault with `readBytesPerSecond` reads it no faster than that. */
  async *bodyChunks(): AsyncGenerator<Buffer> {
    const rate = this.fault?.kind === 'slow' ? this.fault.readBytesPerSecond : undefined;
    for await (const chunk of this.req as AsyncIterable<Buffer>) {
      yield chunk;
      if (rate) await sleep((chunk.length / rate) * 1000);
    }
  }

  /** Reads a JSON request body (small bodies only). */
  async body(): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 10 * 1024 * 1024)
        throw new HttpError(413, {
          error: { message: 'Request body too large.', type: 'invalid_request_error', code: 'request_too_large', param: null },
        });
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text.trim()) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, {
        error: { message: 'The request body is not valid JSON.', type: 'invalid_request_error', code: 'invalid_json', param: null },
      });
    }
  }

  /** Reads and discards the body (before answering early). */
  async drain(): Promise<void> {
    for await (const _ of this.req) {
      /* discard */
    }
  }
}
