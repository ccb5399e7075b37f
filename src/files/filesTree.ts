import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import type { FileObject } from '../core/api';
import { fileDescription, fileLabel, fileTooltip, ownerFromFileName, type FileOwner } from '../core/batches/displayText';
import { Commands, ContextKeys } from '../constants';
import { setContext } from '../context';
import { Disposable } from '../lifecycle';
import { errorNode } from '../views/errorNode';
import { messageItem, type MessageNode } from '../views/messageNode';
import { PagedList } from '../views/pagedList';
import type { Logger } from '../log';
import type { ItemSnapshot } from '../batches/batchesTree';
import { snapshotOf } from '../batches/batchesTree';

export const FILE_PAGE_SIZE = 20;

/** Which batch made a file, when the Batches view knows; see `useOwners`. */
export type FileOwnerLookup = (file: FileObject) => FileOwner | undefined;

export type FileNode = { readonly kind: 'file'; readonly file: FileObject } | { readonly kind: 'loadMore' } | MessageNode;

/** The Files view: every file in the account, newest first, a page at a time. Loaded when first shown. */
export class FilesTreeProvider extends Disposable implements vscode.TreeDataProvider<FileNode> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly list = this._register(
    new PagedList<FileObject>((client, limit, after) => client.listFiles({ limit, after }), FILE_PAGE_SIZE),
  );
  private loadError: unknown;
  private ownerOf: FileOwnerLookup = () => undefined;

  constructor(
    private readonly clients: ClientProvider,
    private readonly log: Logger,
  ) {
    super();
    this._register(this.list.onDidChange(() => this.changed.fire()));
  }

  /** Names output and error files after their batch (`output of requests.jsonl`), redrawn when `changed` fires. */
  useOwners(lookup: FileOwnerLookup, changed: vscode.Event<void>): vscode.Disposable {
    this.ownerOf = lookup;
    return changed(() => {
      if (this.list.isLoaded) this.changed.fire();
    });
  }

  get(id: string): FileObject | undefined {
    return this.list.get(id);
  }

  /** Forgets everything (key or URL changed); the next look loads again. */
  reset(): void {
    this.loadError = undefined;
    this.list.reset();
  }

  /**
   * The account's files changed (a batch was submitted or produced output): reload when next shown.
   * A hidden view is not asked for children, so this costs no request until someone looks.
   */
  invalidate(): void {
    if (this.loadError !== undefined) {
      this.loadError = undefined;
      this.changed.fire();
    }
    this.list.invalidate();
  }

  /**
   * Loads again from the top, keeping as many files as were paged in; resolves with how many are listed (undefined
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
      this.log.error('files', 'listing files failed', error);
      this.changed.fire();
      throw error;
    }
  }

  loadMore(): Promise<number> {
    return this.clients.get().then((client) => this.list.loadMore(client));
  }

  /** Drops a deleted file without reloading the list. */
  remove(id: string): void {
    this.list.remove(id);
  }

  getTreeItem(node: FileNode): vscode.TreeItem {
    if (node.kind === 'loadMore') {
      const item = new vscode.TreeItem('Load more…');
      item.id = 'files:loadMore';
      item.iconPath = new vscode.ThemeIcon('more');
      item.command = { command: Commands.loadMoreFiles, title: 'Load More Files' };
      item.contextValue = 'loadMore';
      return item;
    }
    if (node.kind === 'message') return messageItem(node);
    const { file } = node;
    const owner = this.ownerOf(file);
    const item = new vscode.TreeItem(fileLabel(file, owner));
    item.id = `file:${file.id}`;
    item.description = fileDescription(file);
    item.tooltip = new vscode.MarkdownString(fileTooltip(file));
    const role = owner?.role ?? ownerFromFileName(file.filename)?.role;
    const icon =
      role === 'error'
        ? 'bracket-error'
        : role === 'output' || file.purpose === 'batch_output'
          ? 'output'
          : file.purpose === 'fine-tune'
            ? 'mortar-board'
            : 'file';
    item.iconPath = new vscode.ThemeIcon(icon);
    item.contextValue = `file:${file.purpose ?? 'unknown'}`;
    item.command = { command: Commands.openRemoteFile, title: 'Open Remote File', arguments: [file.id] };
    return item;
  }

  async getChildren(node?: FileNode): Promise<FileNode[]> {
    if (node) return [];
    if (!(await this.clients.tryGet())) {
      await setContext(ContextKeys.filesEmpty, false);
      return [];
    }
    if (!this.list.isLoaded && this.loadError === undefined) await this.refresh().catch(() => undefined);
    if (!this.list.isLoaded && this.loadError !== undefined) return [errorNode(this.loadError, 'files', Commands.refreshFiles)];
    await setContext(ContextKeys.filesEmpty, this.list.all.length === 0);
    const nodes: FileNode[] = this.list.all.map((file) => ({ kind: 'file', file }));
    if (this.list.hasMore) nodes.push({ kind: 'loadMore' });
    return nodes;
  }

  async snapshot(): Promise<ItemSnapshot[]> {
    return (await this.getChildren()).map((node) => snapshotOf(this.getTreeItem(node)));
  }
}
