import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import { KlusterError, type FileObject } from '../core/api';
import { fileDescription, fileLabel, fileTooltip, ownerFromFileName, type FileOwner } from '../core/batches/format';
import { Commands, ContextKeys } from '../constants';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { ItemSnapshot } from '../batches/batchesTree';
import { snapshotOf } from '../batches/batchesTree';

export const FILE_PAGE_SIZE = 20;

/** Which batch made a file, when the Batches view knows; see `useOwners`. */
export type FileOwnerLookup = (file: FileObject) => FileOwner | undefined;

export type FileNode =
  | { readonly kind: 'file'; readonly file: FileObject }
  | { readonly kind: 'loadMore' }
  | { readonly kind: 'message'; readonly text: string; readonly detail: string; readonly command: vscode.Command };

/** The Files view: every file in the account, newest first, a page at a time. Loaded when first shown. */
export class FilesTreeProvider extends Disposable implements vscode.TreeDataProvider<FileNode> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private files: FileObject[] = [];
  private more = false;
  private loaded = false;
  private loadError: unknown;
  private loading: Promise<void> | undefined;
  private generation = 0;
  private empty: boolean | undefined;
  private ownerOf: FileOwnerLookup = () => undefined;

  constructor(
    private readonly clients: ClientProvider,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Names output and error files after their batch (`output of requests.jsonl`), redrawn when `changed` fires. */
  useOwners(lookup: FileOwnerLookup, changed: vscode.Event<void>): vscode.Disposable {
    this.ownerOf = lookup;
    return changed(() => {
      if (this.loaded) this.changed.fire();
    });
  }

  get(id: string): FileObject | undefined {
    return this.files.find((f) => f.id === id);
  }

  /** Forgets everything (key or URL changed); the next look loads again. */
  reset(): void {
    this.generation++;
    this.files = [];
    this.more = false;
    this.loaded = false;
    this.loadError = undefined;
    this.loading = undefined;
    this.changed.fire();
  }

  /**
   * The account's files changed (a batch was submitted or produced output): reload when next shown.
   * A hidden view is not asked for children, so this costs no request until someone looks.
   */
  invalidate(): void {
    if (!this.loaded && this.loadError === undefined) return;
    this.loaded = false;
    this.loadError = undefined;
    this.changed.fire();
  }

  /** Loads the first page again; rejects with the API error. */
  refresh(): Promise<void> {
    this.loading ??= this.fetch().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetch(): Promise<void> {
    const generation = this.generation;
    this.loadError = undefined;
    const client = await this.clients.tryGet();
    if (!client) {
      this.changed.fire();
      return;
    }
    try {
      const page = await client.listFiles({ limit: FILE_PAGE_SIZE });
      if (generation !== this.generation) return;
      this.files = [...page.data];
      this.more = Boolean(page.has_more);
      this.loaded = true;
    } catch (error) {
      if (generation !== this.generation) return;
      this.loadError = error;
      this.log.error('files', 'listing files failed', error);
      throw error;
    } finally {
      this.changed.fire();
    }
  }

  async loadMore(): Promise<number> {
    const after = this.files.at(-1)?.id;
    if (!after) return 0;
    const generation = this.generation;
    const page = await (await this.clients.get()).listFiles({ limit: FILE_PAGE_SIZE, after });
    if (generation !== this.generation) return 0;
    const known = new Set(this.files.map((f) => f.id));
    const fresh = page.data.filter((f) => !known.has(f.id));
    this.files.push(...fresh);
    this.more = Boolean(page.has_more) && fresh.length > 0;
    this.changed.fire();
    return fresh.length;
  }

  /** Drops a deleted file without reloading the list. */
  remove(id: string): void {
    this.files = this.files.filter((f) => f.id !== id);
    this.changed.fire();
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
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text);
      item.iconPath = new vscode.ThemeIcon('warning');
      item.tooltip = node.detail;
      item.command = node.command;
      item.contextValue = 'message';
      return item;
    }
    const { file } = node;
    const owner = this.ownerOf(file);
    const item = new vscode.TreeItem(fileLabel(file, owner));
    item.id = `file:${file.id}`;
    item.description = fileDescription(file);
    item.tooltip = new vscode.MarkdownString(fileTooltip(file));
    const role = owner?.role ?? ownerFromFileName(file.filename)?.role;
    const icon = role === 'error' ? 'bracket-error' : role === 'output' || file.purpose === 'batch_output' ? 'output' : file.purpose === 'fine-tune' ? 'mortar-board' : 'file';
    item.iconPath = new vscode.ThemeIcon(icon);
    item.contextValue = `file:${file.purpose ?? 'unknown'}`;
    item.command = { command: Commands.openRemoteFile, title: 'Open Remote File', arguments: [file.id] };
    return item;
  }

  async getChildren(node?: FileNode): Promise<FileNode[]> {
    if (node) return [];
    if (!(await this.clients.tryGet())) {
      await this.setEmpty(false);
      return [];
    }
    if (!this.loaded && this.loadError === undefined) await this.refresh().catch(() => undefined);
    if (!this.loaded && this.loadError !== undefined) {
      const error = this.loadError;
      const refused = error instanceof KlusterError && error.kind === 'unauthorized';
      return [
        {
          kind: 'message',
          text: refused ? 'The API key was refused. Click to set a new one.' : 'Could not load files. Click to retry.',
          detail: error instanceof Error ? error.message : String(error),
          command: refused ? { command: Commands.setApiKey, title: 'Set API Key' } : { command: Commands.refreshFiles, title: 'Retry' },
        },
      ];
    }
    await this.setEmpty(this.files.length === 0);
    const nodes: FileNode[] = this.files.map((file) => ({ kind: 'file', file }));
    if (this.more) nodes.push({ kind: 'loadMore' });
    return nodes;
  }

  private async setEmpty(empty: boolean): Promise<void> {
    if (this.empty === empty) return;
    this.empty = empty;
    await vscode.commands.executeCommand('setContext', ContextKeys.filesEmpty, empty);
  }

  async snapshot(): Promise<ItemSnapshot[]> {
    return (await this.getChildren()).map((node) => snapshotOf(this.getTreeItem(node)));
  }
}
