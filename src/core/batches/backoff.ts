// When to poll running batches next. Fast right after something happens (a submission, a status change),
// then slower and slower up to a ceiling, so a 24-hour batch costs about one request a minute.

/** The longest Retry-After a poll waits for. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export interface BackoffOptions {
  /** First delay, and the delay after any status change. Default 3 s. */
  readonly minMs?: number;
  /** Ceiling. Default 60 s. */
  readonly maxMs?: number;
  /** Growth per quiet poll. Default 2. */
  readonly factor?: number;
}

export class PollBackoff {
  readonly minMs: number;
  readonly maxMs: number;
  private readonly factor: number;
  private current: number;

  constructor(options: BackoffOptions = {}) {
    this.minMs = options.minMs ?? 3000;
    this.maxMs = Math.max(this.minMs, options.maxMs ?? 60_000);
    this.factor = Math.max(1, options.factor ?? 2);
    this.current = this.minMs;
  }

  /** The delay before the next poll; it grows with each call until reset. */
  next(): number {
    const delay = this.current;
    this.current = Math.min(this.maxMs, Math.round(this.current * this.factor));
    return delay;
  }

  /**
   * After a failed poll: at least `retryAfterMs` when the service said so (up to an hour: a Retry-After of
   * days must neither stop polling for good nor overflow the timer, which then fires at once), and never
   * faster than the normal schedule.
   */
  nextAfterFailure(retryAfterMs?: number): number {
    const delay = this.next();
    if (retryAfterMs === undefined) return delay;
    const asked = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
    return Math.min(Math.max(delay, asked), Math.max(this.maxMs, asked));
  }

  /** Back to the fastest pace: something changed, or the person just submitted. */
  reset(): void {
    this.current = this.minMs;
  }
}

/** The delays a fresh schedule would produce, e.g. [3000, 6000, 12000, 24000, 48000, 60000, 60000]. */
export function backoffSchedule(count: number, options: BackoffOptions = {}): number[] {
  const backoff = new PollBackoff(options);
  return Array.from({ length: count }, () => backoff.next());
}
