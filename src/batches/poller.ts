import type { ClientProvider } from '../api/clientProvider';
import { BatchPollLoop, realTimers, type PollTimers } from '../core/batches/pollLoop';
import type { BackoffOptions } from '../core/batches/backoff';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { BatchesModel } from './batchesModel';

/**
 * Polls the batches that are still running, and nothing else (the schedule lives in the pure
 * BatchPollLoop): with every known batch terminal, or none known, there is no timer and no request.
 */
export class BatchPoller extends Disposable {
  private readonly loop: BatchPollLoop;

  constructor(model: BatchesModel, clients: ClientProvider, log: Logger, options: BackoffOptions = {}, timers: PollTimers = realTimers) {
    super();
    this.loop = new BatchPollLoop(
      {
        running: () => model.running(),
        generation: () => model.generation,
        fetcher: async () => {
          const client = await clients.tryGet();
          return client && ((id: string) => client.getBatch(id));
        },
        update: (batch) => model.upsert(batch),
        gone: (id) => model.remove(id),
        warn: (message) => log.warn('batches', message),
      },
      timers,
      options,
    );
    this._register(model.onDidChange(() => this.loop.changed()));
    this._register({ dispose: () => this.loop.dispose() });
  }

  /** A poll is scheduled or on its way: a batch may still change (and finish) without anyone asking. */
  get isActive(): boolean {
    return this.loop.isActive;
  }

  /** Something just started (a submission, a cancel): poll soon again. */
  kick(): void {
    this.loop.kick();
  }
}
