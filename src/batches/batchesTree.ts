import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import { Commands, ContextKeys } from '../constants';
import { setContext } from '../context';
import { Disposable } from '../lifecycle';
import { errorNode } from '../views/errorNode';
import type { Logger } from '../log';
import { batchChildren, nodeItem, type BatchNode, type ItemContext } from './batchItems';
import type { BatchesModel } from './batchesModel';

/** A plain view of one tree item, for the hidden snapshot command tests use. */
export interface ItemSnapshot {
  readonly id?: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly contextValue?: string;
  readonly icon?: string;
  readonly command?: { command: string; arguments?: unknown[] };
  readonly children?: ItemSnapshot[];
}

/**
 * The Batches view. Asks the model to load only when VS Code asks for the root (the view is visible);
 * children of a batch come from the batch object itself, without requests.
 */
export class BatchesTreeProvider extends Disposable implements vscode.TreeDataProvider<BatchNode> {
  private readonly changed = this._register(new vscode.EventEmitter<BatchNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  /** One node object per batch, so `reveal` and expansion state find the same element again. */
  private readonly batchNodes = new Map<string, BatchNode>();
  private loadError: unknown;

  constructor(
    private readonly model: BatchesModel,
    private readonly clients: ClientProvider,
    private readonly ctx: ItemContext,
    private readonly log: Logger,
  ) {
    super();
    this._register(model.onDidChange(() => this.changed.fire(undefined)));
  }

  /** Reloads from the service and redraws. Resolves when the new list is in, with its length; undefined without a key. */
  async refresh(): Promise<number | undefined> {
    this.loadError = undefined;
    const client = await this.clients.tryGet();
    if (!client) {
      this.changed.fire(undefined);
      return undefined;
    }
    try {
      await this.model.load(client);
      return this.model.all.length;
    } catch (error) {
      this.loadError = error;
      this.log.error('batches', 'listing batches failed', error);
      this.changed.fire(undefined);
      throw error;
    }
  }

  /** Redraws from what is already loaded (ages move on); makes no request. */
  redraw(): void {
    if (this.model.isLoaded) this.changed.fire(undefined);
  }

  /** After the key or URL changed: the next look tries again instead of showing the old failure. */
  forgetError(): void {
    this.loadError = undefined;
  }

  nodeFor(batchId: string): BatchNode {
    let node = this.batchNodes.get(batchId);
    if (!node) {
      node = { kind: 'batch', batchId };
      this.batchNodes.set(batchId, node);
    }
    return node;
  }

  getTreeItem(node: BatchNode): vscode.TreeItem {
    return nodeItem(node, this.ctx);
  }

  getParent(node: BatchNode): BatchNode | undefined {
    return 'batchId' in node && node.kind !== 'batch' ? this.nodeFor(node.batchId) : undefined;
  }

  async getChildren(node?: BatchNode): Promise<BatchNode[]> {
    if (node) {
      if (node.kind !== 'batch') return [];
      const batch = this.model.get(node.batchId);
      return batch ? batchChildren(batch) : [];
    }
    return this.roots();
  }

  private async roots(): Promise<BatchNode[]> {
    if (!(await this.clients.tryGet())) {
      await setContext(ContextKeys.batchesEmpty, false);
      return []; // the "set a key" welcome shows
    }
    if (!this.model.isLoaded && this.loadError === undefined) {
      try {
        await this.refresh();
      } catch {
        // Shown as a message item below.
      }
    }
    if (this.loadError !== undefined && !this.model.isLoaded) return [errorNode(this.loadError, 'batches', Commands.refreshBatches)];
    await setContext(ContextKeys.batchesEmpty, this.model.all.length === 0);
    const nodes: BatchNode[] = this.model.all.map((b) => this.nodeFor(b.id));
    if (this.model.hasMore) nodes.push({ kind: 'loadMore' });
    return nodes;
  }

  /** The visible tree as plain data: roots, and the children of every batch. */
  async snapshot(): Promise<ItemSnapshot[]> {
    const roots = await this.getChildren();
    return Promise.all(
      roots.map(async (node) => {
        const children = node.kind === 'batch' ? await this.getChildren(node) : undefined;
        return {
          ...snapshotOf(this.getTreeItem(node)),
          ...(children ? { children: children.map((c) => snapshotOf(this.getTreeItem(c))) } : {}),
        };
      }),
    );
  }
}

export function snapshotOf(item: vscode.TreeItem): ItemSnapshot {
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
  return {
    id: item.id,
    label,
    description: typeof item.description === 'string' ? item.description : undefined,
    tooltip,
    contextValue: item.contextValue,
    icon,
    command: item.command ? { command: item.command.command, arguments: item.command.arguments } : undefined,
  };
}
