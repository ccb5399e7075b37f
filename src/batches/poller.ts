import type * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import type { KlusterClient } from '../core/api';
import { BatchPollLoop, realTimers, type Pollable, type PollTimers } from '../core/batches/pollLoop';
import type { BackoffOptions } from '../core/batches/backoff';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

/** What a poller keeps current: the Batches view's model, the Fine-tuning view's. */
export interface PolledList<T extends Pollable> {
  readonly generation: number;
  readonly onDidChange: vscode.Event<void>;
  running(): T[];
  upsert(item: T): void;
  remove(id: string): void;
}

export interface PollerSource<T extends Pollable> {
  /** `batch`, `fine-tuning job`: for the log. */
  readonly noun: string;
  /** The log's topic. */
  readonly topic: string;
  fetch(client: KlusterClient, id: string): Promise<T>;
}

/**
 * Polls what is still running, and nothing else (the schedule lives in the pure BatchPollLoop, with the batches'
 * backoff): with everything known terminal, or nothing known, there is no timer and no request.
 */
export class BatchPoller<T extends Pollable> extends Disposable {
  private readonly loop: BatchPollLoop<T>;

  constructor(
    model: PolledList<T>,
    clients: ClientProvider,
    log: Logger,
    source: PollerSource<T>,
    options: BackoffOptions = {},
    timers: PollTimers = realTimers,
  ) {
    super();
    this.loop = new BatchPollLoop<T>(
      {
        noun: source.noun,
        running: () => model.running(),
        generation: () => model.generation,
        fetcher: async () => {
          const client = await clients.tryGet();
          return client && ((id: string) => source.fetch(client, id));
        },
        update: (item) => model.upsert(item),
        gone: (id) => model.remove(id),
        warn: (message) => log.warn(source.topic, message),
      },
      timers,
      options,
    );
    this._register(model.onDidChange(() => this.loop.changed()));
    this._register({ dispose: () => this.loop.dispose() });
  }

  /** A poll is scheduled or on its way: an item may still change (and finish) without anyone asking. */
  get isActive(): boolean {
    return this.loop.isActive;
  }

  /** Something just started (a submission, a cancel): poll soon again. */
  kick(): void {
    this.loop.kick();
  }
}
