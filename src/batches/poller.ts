import type { ClientProvider } from '../api/clientProvider';
import { KlusterError, type Batch } from '../core/api';
import { PollBackoff } from '../core/batches/backoff';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { BatchesModel } from './batchesModel';

/** Batches fetched at once per poll; the rest wait for the next round. */
const MAX_PER_POLL = 10;

/**
 * Polls the batches that are still running, and nothing else: with every known batch terminal (or none
 * known because the view was never opened) there is no timer and no request. The delay starts at a few
 * seconds and doubles to a minute; a status change or a new submission brings it back down.
 */
export class BatchPoller extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly backoff: PollBackoff;
  /** Round-robin position, so more than MAX_PER_POLL running batches all get their turn. */
  private cursor = 0;

  constructor(
    private readonly model: BatchesModel,
    private readonly clients: ClientProvider,
    private readonly log: Logger,
    options: { minMs?: number; maxMs?: number } = {},
  ) {
    super();
    this.backoff = new PollBackoff(options);
    this._register(model.onDidChange(() => this.ensureScheduled()));
    this._register({ dispose: () => this.stop() });
  }

  get isScheduled(): boolean {
    return this.timer !== undefined;
  }

  /** Something just started (a submission, a cancel): poll soon again. */
  kick(): void {
    this.backoff.reset();
    this.stop();
    this.ensureScheduled();
  }

  private ensureScheduled(): void {
    if (this.isDisposed || this.polling) return;
    if (this.model.running().length === 0) {
      this.stop();
      return;
    }
    if (!this.timer) this.schedule(this.backoff.next());
  }

  private schedule(delayMs: number): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, delayMs);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    const running = this.model.running();
    if (running.length === 0 || this.isDisposed) return;
    const client = await this.clients.tryGet();
    if (!client) return; // no key: nothing to poll with; setting one resets the model and starts over
    this.polling = true;
    let failure: unknown;
    let statusChanged = false;
    const round = this.pick(running);
    try {
      const results = await Promise.allSettled(round.map((b) => client.getBatch(b.id)));
      results.forEach((result, i) => {
        if (result.status === 'rejected') {
          failure ??= result.reason;
          return;
        }
        if (result.value.status !== round[i]!.status) statusChanged = true;
        this.model.upsert(result.value);
      });
    } finally {
      this.polling = false;
    }
    if (this.isDisposed) return;
    if (statusChanged) this.backoff.reset();
    if (failure !== undefined) {
      this.log.warn('batches', `polling: ${failure instanceof Error ? failure.message : String(failure)}`);
      if (failure instanceof KlusterError && failure.kind === 'unauthorized') return; // polling again would not help
    }
    if (this.model.running().length === 0) return;
    const retryAfter = failure instanceof KlusterError && failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : undefined;
    this.schedule(failure !== undefined ? this.backoff.nextAfterFailure(retryAfter) : this.backoff.next());
  }

  private pick(running: Batch[]): Batch[] {
    if (running.length <= MAX_PER_POLL) return running;
    const start = this.cursor % running.length;
    this.cursor = start + MAX_PER_POLL;
    return [...running, ...running].slice(start, start + MAX_PER_POLL);
  }
}
