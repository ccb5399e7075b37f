// When and what to poll while batches (or fine-tuning jobs) run: pure (no vscode), with the timer injected so tests
// drive time. Only running items are fetched; with none running there is no timer and no request.
import { KlusterError, type Batch } from '../api';
import { PollBackoff, type BackoffOptions } from './backoff';

/** Batches fetched at once per poll; the rest wait for the next round. */
export const MAX_PER_POLL = 10;

export interface PollTimers {
  /** Calls `callback` after `ms`; the callback's promise is the poll round it starts. */
  set(callback: () => Promise<void>, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: PollTimers = {
  set: (callback, ms) => setTimeout(() => void callback(), ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What the loop needs of a polled thing: a batch, a fine-tuning job. */
export interface Pollable {
  readonly id: string;
  readonly status: string;
}

export interface PollHost<T extends Pollable = Batch> {
  /** What is polled, for messages; default `batch`. */
  readonly noun?: string;
  /** The batches known to be running now. */
  running(): readonly T[];
  /** Changes when the account (key or base URL) does: a round begun under an older one is dropped. */
  generation(): number;
  /** Fetches one batch by id; undefined when there is no key to poll with. */
  fetcher(): Promise<((id: string) => Promise<T>) | undefined>;
  /** A newer view of a batch. */
  update(batch: T): void;
  /** The service no longer knows this batch (404): it is not polled again. */
  gone(batchId: string): void;
  warn(message: string): void;
}

export class BatchPollLoop<T extends Pollable = Batch> {
  private handle: unknown;
  private scheduled = false;
  private polling = false;
  private disposed = false;
  private readonly backoff: PollBackoff;
  /** Round-robin position, so more than MAX_PER_POLL running batches all get their turn. */
  private cursor = 0;

  constructor(
    private readonly host: PollHost<T>,
    private readonly timers: PollTimers = realTimers,
    options: BackoffOptions = {},
  ) {
    this.backoff = new PollBackoff(options);
  }

  get isScheduled(): boolean {
    return this.scheduled;
  }

  /** A round is waiting on its timer or on the service: what it brings back may still change the model. */
  get isActive(): boolean {
    return this.scheduled || this.polling;
  }

  /** Something just started (a submission, a cancel): poll soon again. */
  kick(): void {
    this.backoff.reset();
    this.stop();
    this.changed();
  }

  /** The set of batches changed: start when something runs, stop when nothing does. */
  changed(): void {
    if (this.disposed || this.polling) return;
    if (this.host.running().length === 0) return this.stop();
    if (!this.scheduled) this.schedule(this.backoff.next());
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private schedule(delayMs: number): void {
    this.stop();
    this.scheduled = true;
    this.handle = this.timers.set(() => {
      this.scheduled = false;
      this.handle = undefined;
      return this.poll();
    }, delayMs);
  }

  private stop(): void {
    if (this.scheduled) this.timers.clear(this.handle);
    this.scheduled = false;
    this.handle = undefined;
  }

  private async poll(): Promise<void> {
    const generation = this.host.generation();
    const running = this.host.running();
    if (running.length === 0 || this.disposed) return;
    this.polling = true;
    let failure: unknown;
    let statusChanged = false;
    let stale = false;
    try {
      const fetch = await this.host.fetcher();
      if (!fetch) return; // no key: setting one resets the model, which starts over
      const round = this.pick([...running]);
      const results = await Promise.allSettled(round.map((b) => fetch(b.id)));
      stale = this.host.generation() !== generation;
      if (stale || this.disposed) return;
      results.forEach((result, i) => {
        const asked = round[i]!;
        if (result.status === 'fulfilled') {
          if (result.value.status !== asked.status) statusChanged = true;
          this.host.update(result.value);
        } else if (result.reason instanceof KlusterError && result.reason.kind === 'not_found') {
          this.host.warn(`${this.host.noun ?? 'batch'} ${asked.id} is no longer known to the service (404); it is not polled any more`);
          this.host.gone(asked.id);
        } else {
          failure ??= result.reason;
        }
      });
    } finally {
      this.polling = false;
    }
    if (this.disposed) return;
    if (stale) {
      // The account changed mid-round: what came back belongs to the old one. Start afresh.
      this.backoff.reset();
      return this.changed();
    }
    if (statusChanged) this.backoff.reset();
    if (failure !== undefined) {
      this.host.warn(`polling: ${failure instanceof Error ? failure.message : String(failure)}`);
      if (failure instanceof KlusterError && failure.kind === 'unauthorized') return; // polling again would not help
    }
    if (this.host.running().length === 0) return;
    const retryAfter =
      failure instanceof KlusterError && failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : undefined;
    this.schedule(failure !== undefined ? this.backoff.nextAfterFailure(retryAfter) : this.backoff.next());
  }

  private pick(running: T[]): T[] {
    if (running.length <= MAX_PER_POLL) return running;
    const start = this.cursor % running.length;
    this.cursor = start + MAX_PER_POLL;
    return [...running, ...running].slice(start, start + MAX_PER_POLL);
  }
}
