import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import type { Batch } from '../core/api';
import { Commands, ContextKeys } from '../constants';
import type { Logger } from '../log';
import { PagedTreeProvider } from '../views/pagedTree';
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
export class BatchesTreeProvider extends PagedTreeProvider<Batch, BatchNode> {
  /** One node object per batch, so `reveal` and expansion state find the same element again. */
  private readonly batchNodes = new Map<string, BatchNode>();

  constructor(
    model: BatchesModel,
    clients: ClientProvider,
    private readonly ctx: ItemContext,
    log: Logger,
  ) {
    super(model, clients, log, {
      what: 'batches',
      topic: 'batches',
      emptyKey: ContextKeys.batchesEmpty,
      refreshCommand: Commands.refreshBatches,
    });
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
      const batch = this.list.get(node.batchId);
      return batch ? batchChildren(batch) : [];
    }
    return this.roots((b) => this.nodeFor(b.id));
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
