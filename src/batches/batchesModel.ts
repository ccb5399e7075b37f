import * as vscode from 'vscode';
import type { Batch, KlusterClient } from '../core/api';
import { isTerminal } from '../core/batches/displayText';
import { listAtLeast } from '../core/batches/paging';
import { Disposable } from '../lifecycle';

/** Batches per page; the service's default. */
export const BATCH_PAGE_SIZE = 20;

/**
 * The batches the tree shows, newest first, page by page. Loaded only when someone looks (the view asks for
 * its children) or acts; kept current by the poller. Fires `onDidFinish` when a batch seen running ends.
 */
export class BatchesModel extends Disposable {
  private batches: Batch[] = [];
  private more = false;
  private loaded = false;
  private loading: Promise<void> | undefined;
  /** Bumped by reset(), so a load started for an old key or URL does not land. */
  private currentGeneration = 0;

  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly finished = this._register(new vscode.EventEmitter<Batch>());
  readonly onDidFinish = this.finished.event;

  /** Changes on reset(): work begun under an older value belongs to another key or URL. */
  get generation(): number {
    return this.currentGeneration;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get hasMore(): boolean {
    return this.more;
  }

  get all(): readonly Batch[] {
    return this.batches;
  }

  get(id: string): Batch | undefined {
    return this.batches.find((b) => b.id === id);
  }

  running(): Batch[] {
    return this.batches.filter((b) => !isTerminal(b.status));
  }

  /** Loads again from the top, as many as are shown (concurrent callers share one load). */
  load(client: KlusterClient): Promise<void> {
    this.loading ??= this.fetchShown(client).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchShown(client: KlusterClient): Promise<void> {
    const generation = this.currentGeneration;
    // As many as were loaded, so pages brought in with "Load more…" stay after a refresh.
    const want = Math.max(BATCH_PAGE_SIZE, this.batches.length);
    const { items, hasMore } = await listAtLeast((limit, after) => client.listBatches({ limit, after }), want);
    if (generation !== this.currentGeneration) return;
    const previous = new Map(this.batches.map((b) => [b.id, b]));
    this.batches = items;
    this.more = hasMore;
    this.loaded = true;
    for (const batch of items) this.noticeTransition(previous.get(batch.id), batch);
    this.changed.fire();
  }

  async loadMore(client: KlusterClient): Promise<number> {
    const generation = this.currentGeneration;
    const after = this.batches.at(-1)?.id;
    if (!after) return 0;
    const page = await client.listBatches({ limit: BATCH_PAGE_SIZE, after });
    if (generation !== this.currentGeneration) return 0;
    const known = new Set(this.batches.map((b) => b.id));
    const fresh = page.data.filter((b) => !known.has(b.id));
    this.batches = [...this.batches, ...fresh];
    this.more = Boolean(page.has_more) && fresh.length > 0;
    this.changed.fire();
    return fresh.length;
  }

  /** Adds a new batch at the top, or replaces a known one with a newer view of it. */
  upsert(batch: Batch): void {
    const index = this.batches.findIndex((b) => b.id === batch.id);
    const previous = index >= 0 ? this.batches[index] : undefined;
    if (index >= 0) this.batches[index] = batch;
    else this.batches.unshift(batch);
    this.noticeTransition(previous, batch);
    this.changed.fire();
  }

  /** Drops a batch the service no longer knows (it answered 404). */
  remove(batchId: string): void {
    const before = this.batches.length;
    this.batches = this.batches.filter((b) => b.id !== batchId);
    if (this.batches.length !== before) this.changed.fire();
  }

  /** Forgets everything (the key or base URL changed): the next look loads again. */
  reset(): void {
    this.currentGeneration++;
    this.batches = [];
    this.more = false;
    this.loaded = false;
    this.loading = undefined;
    this.changed.fire();
  }

  private noticeTransition(previous: Batch | undefined, current: Batch): void {
    if (previous && !isTerminal(previous.status) && isTerminal(current.status)) this.finished.fire(current);
  }
}
