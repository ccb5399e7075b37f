import * as vscode from 'vscode';
import type { KlusterClient } from '../core/api';
import { listAtLeast, type Page } from '../core/batches/paging';
import { Disposable } from '../lifecycle';

/** One page of a list endpoint (`limit` 1..100, `after` an id). */
export type ListPage<T> = (client: KlusterClient, limit: number, after?: string) => Promise<Page<T>>;

/**
 * What a tree view shows of a list endpoint, newest first, a page at a time: the Batches and Files views (and the
 * fine-tuning jobs later). Loaded only when someone looks or acts. A reload keeps as many items as were paged in,
 * and a load started before reset() (another key or base URL) does not land.
 */
export class PagedList<T extends { readonly id: string }> extends Disposable {
  private items: T[] = [];
  private more = false;
  private loaded = false;
  private loading: Promise<void> | undefined;
  private currentGeneration = 0;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly listPage: ListPage<T>,
    readonly pageSize: number,
  ) {
    super();
  }

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

  get all(): readonly T[] {
    return this.items;
  }

  get(id: string): T | undefined {
    return this.items.find((item) => item.id === id);
  }

  /** Loads again from the top, as many as are shown (concurrent callers share one load). */
  load(client: KlusterClient): Promise<void> {
    this.loading ??= this.fetchShown(client).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchShown(client: KlusterClient): Promise<void> {
    const generation = this.currentGeneration;
    // As many as were loaded, so pages brought in with "Load more…" stay after a refresh.
    const want = Math.max(this.pageSize, this.items.length);
    const { items, hasMore } = await listAtLeast((limit, after) => this.listPage(client, limit, after), want);
    if (generation !== this.currentGeneration) return;
    const previous = new Map(this.items.map((item) => [item.id, item]));
    this.items = items;
    this.more = hasMore;
    this.loaded = true;
    for (const item of items) this.replaced(previous.get(item.id), item);
    this.changed.fire();
  }

  /** Appends the next page; resolves with how many new items came. */
  async loadMore(client: KlusterClient): Promise<number> {
    const generation = this.currentGeneration;
    const after = this.items.at(-1)?.id;
    if (!after) return 0;
    const page = await this.listPage(client, this.pageSize, after);
    if (generation !== this.currentGeneration) return 0;
    const known = new Set(this.items.map((item) => item.id));
    const fresh = page.data.filter((item) => !known.has(item.id));
    this.items = [...this.items, ...fresh];
    this.more = Boolean(page.has_more) && fresh.length > 0;
    this.changed.fire();
    return fresh.length;
  }

  /** Adds a new item at the top, or replaces a known one with a newer view of it. */
  upsert(item: T): void {
    const index = this.items.findIndex((known) => known.id === item.id);
    const previous = index >= 0 ? this.items[index] : undefined;
    if (index >= 0) this.items[index] = item;
    else this.items.unshift(item);
    this.replaced(previous, item);
    this.changed.fire();
  }

  /** Drops an item the service no longer has (deleted, or it answered 404). */
  remove(id: string): void {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.id !== id);
    if (this.items.length !== before) this.changed.fire();
  }

  /** The list changed at the service: the next look loads again, showing what is known meanwhile. */
  invalidate(): void {
    if (!this.loaded) return;
    this.loaded = false;
    this.changed.fire();
  }

  /** Forgets everything (the key or base URL changed): the next look loads again. */
  reset(): void {
    this.currentGeneration++;
    this.items = [];
    this.more = false;
    this.loaded = false;
    this.loading = undefined;
    this.changed.fire();
  }

  /** Called for each item a load or upsert brings, with the one it replaces; for subclasses that watch changes. */
  protected replaced(_previous: T | undefined, _current: T): void {}
}
