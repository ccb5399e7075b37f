// Fault injection: tests queue faults that the next matching requests suffer.
export type FaultKind = 'rate_limit' | 'server_error' | 'drop' | 'slow' | 'stall' | 'respond';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Pathname prefix (e.g. `/v1/models`) or pattern; omitted = any request. */
  readonly path?: string | RegExp;
  /** HTTP method, e.g. `POST`; omitted = any. */
  readonly method?: string;
  /** How many matching requests suffer it. Default 1. */
  readonly times?: number;
  /** rate_limit: the Retry-After header in seconds (default 1); null sends none. */
  readonly retryAfterSeconds?: number | null;
  /** server_error: the status (default 500); respond: the status (default 200). */
  readonly status?: number;
  /** respond: the body sent as is (default empty), e.g. an HTML error page or JSON with control characters. */
  readonly body?: string;
  /** respond: extra headers; `content-type` defaults to application/json. rate_limit, server_error: extra headers. */
  readonly headers?: Record<string, string>;
  /**
   * drop: bytes of the response body sent before the socket is destroyed. 0 drops the connection
   * before any response. Default: half of a JSON body, or after two chunks of a stream.
   */
  readonly afterBytes?: number;
  /** slow: delay before the response and between streamed chunks (default 200 ms). */
  readonly delayMs?: number;
  /** slow: read the request body no faster than this (an upload over a slow link). Default: as fast as it comes. */
  readonly readBytesPerSecond?: number;
}

// stall: the request is accepted and never read or answered; the socket stays open until the client gives up.
// With `afterBytes` (file content only), the headers and that many bytes of the body are sent, then nothing more.

export class FaultInjector {
  private readonly queue: { spec: FaultSpec; left: number }[] = [];

  /** Queues a fault for the next matching request(s). */
  next(spec: FaultSpec): void {
    this.queue.push({ spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** Faults still waiting to fire. */
  get pending(): number {
    return this.queue.reduce((n, f) => n + f.left, 0);
  }

  /** Takes the first queued fault matching this request, if any. */
  take(method: string, pathname: string): FaultSpec | undefined {
    const index = this.queue.findIndex(({ spec }) => matches(spec, method, pathname));
    if (index < 0) return undefined;
    const entry = this.queue[index]!;
    if (--entry.left <= 0) this.queue.splice(index, 1);
    return entry.spec;
  }
}

function matches(spec: FaultSpec, method: string, pathname: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method) return false;
  if (spec.path === undefined) return true;
  return typeof spec.path === 'string' ? pathname.startsWith(spec.path) : spec.path.test(pathname);
}
