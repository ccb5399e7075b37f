import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import type { FileObject } from '../core/api';
import { fileDescription, fileLabel, fileTooltip, ownerFromFileName, type FileOwner } from '../core/batches/displayText';
import { Commands, ContextKeys } from '../constants';
import { messageItem, type MessageNode } from '../views/messageNode';
import { PagedList } from '../views/pagedList';
import { loadMoreItem, PagedTreeProvider, type LoadMoreNode } from '../views/pagedTree';
import type { Logger } from '../log';
import type { ItemSnapshot } from '../batches/batchesTree';
import { snapshotOf } from '../batches/batchesTree';

export const FILE_PAGE_SIZE = 20;

/** Which batch made a file, when the Batches view knows; see `useOwners`. */
export type FileOwnerLookup = (file: FileObject) => FileOwner | undefined;

export type FileNode = { readonly kind: 'file'; readonly file: FileObject } | LoadMoreNode | MessageNode;

/** The Files view: every file in the account, newest first, a page at a time. Loaded when first shown. */
export class FilesTreeProvider extends PagedTreeProvider<FileObject, FileNode> {
  private ownerOf: FileOwnerLookup = () => undefined;

  constructor(clients: ClientProvider, log: Logger) {
    super(new PagedList<FileObject>((client, limit, after) => client.listFiles({ limit, after }), FILE_PAGE_SIZE), clients, log, {
      what: 'files',
      topic: 'files',
      emptyKey: ContextKeys.filesEmpty,
      refreshCommand: Commands.refreshFiles,
    });
    this._register(this.list);
  }

  /** Names output and error files after their batch (`output of requests.jsonl`), redrawn when `changed` fires. */
  useOwners(lookup: FileOwnerLookup, changed: vscode.Event<void>): vscode.Disposable {
    this.ownerOf = lookup;
    return changed(() => this.redraw());
  }

  get(id: string): FileObject | undefined {
    return this.list.get(id);
  }

  /** Forgets everything (key or URL changed); the next look loads again. */
  reset(): void {
    this.forgetError();
    this.list.reset();
  }

  /** Drops a deleted file without reloading the list. */
  remove(id: string): void {
    this.list.remove(id);
  }

  getTreeItem(node: FileNode): vscode.TreeItem {
    if (node.kind === 'loadMore') return loadMoreItem('files:loadMore', { command: Commands.loadMoreFiles, title: 'Load More Files' });
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
    return node ? [] : this.roots((file) => ({ kind: 'file', file }));
  }

  async snapshot(): Promise<ItemSnapshot[]> {
    return (await this.getChildren()).map((node) => snapshotOf(this.getTreeItem(node)));
  }
}
