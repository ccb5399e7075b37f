// What the Batches, Files and Fine-tuning views share: a PagedList loaded when the view first asks for its root,
// the error in place of the items when that failed, and the "empty" context key their welcome text matches.
import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import type { CommandId, ContextKeys } from '../constants';
import { setContext } from '../context';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import { errorNode } from './errorNode';
import type { MessageNode } from './messageNode';
import type { PagedList } from './pagedList';

export type LoadMoreNode = { readonly kind: 'loadMore' };

export interface PagedView {
  /** What the list holds, for messages: `batches`, `files`, `fine-tuning jobs`. */
  readonly what: string;
  /** The log component. */
  readonly topic: string;
  /** True while the loaded list is empty, for the view's welcome text. */
  readonly emptyKey: typeof ContextKeys.batchesEmpty | typeof ContextKeys.filesEmpty | typeof ContextKeys.fineTuningEmpty;
  /** The view's Refresh, which the error item runs again. */
  readonly refreshCommand: CommandId;
}

/** A tree view whose root is a PagedList; subclasses make the items and any children. */
export abstract class PagedTreeProvider<T extends { readonly id: string }, N> extends Disposable implements vscode.TreeDataProvider<N> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private loadError: unknown;

  constructor(
    protected readonly list: PagedList<T>,
    private readonly clients: ClientProvider,
    private readonly log: Logger,
    private readonly view: PagedView,
  ) {
    super();
    this._register(list.onDidChange(() => this.changed.fire()));
  }

  abstract getTreeItem(node: N): vscode.TreeItem;
  abstract getChildren(node?: N): Promise<N[]>;

  /**
   * Loads again from the top, keeping as many items as were paged in; resolves with how many are listed (undefined
   * without a key, or when the key changed meanwhile), rejects with the API error.
   */
  async refresh(): Promise<number | undefined> {
    this.loadError = undefined;
    const client = await this.clients.tryGet();
    if (!client) {
      this.changed.fire();
      return undefined;
    }
    const generation = this.list.generation;
    try {
      await this.list.load(client);
      return this.list.all.length;
    } catch (error) {
      if (generation !== this.list.generation) return undefined;
      this.loadError = error;
      this.log.error(this.view.topic, `listing ${this.view.what} failed`, error);
      this.changed.fire();
      throw error;
    }
  }

  /** Appends the next page; resolves with how many new items came, rejects without a key or with the API error. */
  async loadMore(): Promise<number> {
    return this.list.loadMore(await this.clients.get());
  }

  /** Redraws from what is already loaded (ages moved on, names came in); makes no request. */
  redraw(): void {
    if (this.list.isLoaded) this.changed.fire();
  }

  /** After the key or URL changed: the next look tries again instead of showing the old failure. */
  forgetError(): void {
    this.loadError = undefined;
  }

  /**
   * The list changed at the service: reload when next shown. A hidden view is not asked for children, so this
   * costs no request until someone looks.
   */
  invalidate(): void {
    if (this.loadError !== undefined) {
      this.loadError = undefined;
      this.changed.fire();
    }
    this.list.invalidate();
  }

  /** The root: nothing without a key (the view's welcome shows), the error if loading failed, else the items. */
  protected async roots(nodeOf: (item: T) => N): Promise<(N | LoadMoreNode | MessageNode)[]> {
    if (!(await this.clients.tryGet())) {
      await setContext(this.view.emptyKey, false);
      return [];
    }
    if (!this.list.isLoaded && this.loadError === undefined) await this.refresh().catch(() => undefined); // shown below
    if (!this.list.isLoaded && this.loadError !== undefined) return [errorNode(this.loadError, this.view.what, this.view.refreshCommand)];
    await setContext(this.view.emptyKey, this.list.all.length === 0);
    const nodes: (N | LoadMoreNode | MessageNode)[] = this.list.all.map(nodeOf);
    if (this.list.hasMore) nodes.push({ kind: 'loadMore' });
    return nodes;
  }
}

/** The *Load more…* item at the end of a view's list; `id` is unique in the view. */
export function loadMoreItem(id: string, command: vscode.Command): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.iconPath = new vscode.ThemeIcon('more');
  item.command = command;
  item.contextValue = 'loadMore';
  return item;
}
