// The nodes of the Batches view and the TreeItems they become. State lives in `contextValue`
// (`batch:<status>`, `batchFile:<role>`), which package.json menus match.
import * as path from 'path';
import * as vscode from 'vscode';
import type { Batch, BatchError } from '../core/api';
import {
  batchDescription,
  batchIcon,
  batchLabel,
  batchTooltip,
  completedWithFailures,
  describeBatchError,
  formatCount,
  requestCounts,
} from '../core/batches/displayText';
import { Commands } from '../constants';
import type { StoredAsyncRequest } from '../storage';
import { messageItem, type MessageNode } from '../views/messageNode';
import { loadMoreItem, type LoadMoreNode } from '../views/pagedTree';

export type FileRole = 'input' | 'output' | 'error';

export type BatchNode =
  | { readonly kind: 'batch'; readonly batchId: string }
  | { readonly kind: 'file'; readonly batchId: string; readonly role: FileRole; readonly fileId: string }
  | { readonly kind: 'counts'; readonly batchId: string }
  | { readonly kind: 'error'; readonly batchId: string; readonly index: number }
  | LoadMoreNode
  | MessageNode;

/** What item construction needs from the feature. */
export interface ItemContext {
  batch(id: string): Batch | undefined;
  /** The local input file of a batch, when known. */
  inputFile(batch: Batch): vscode.Uri | undefined;
  /** The request line a batch of one async request came from, when sent from here. */
  asyncOf?(batch: Batch): StoredAsyncRequest | undefined;
}

/** `q-7 of requests.jsonl:12 (async)`, or for a chat reply `Chat: "What is…" (async)`. */
export function asyncLabel(sent: StoredAsyncRequest): string {
  if (sent.kind === 'chat') return `Chat: "${sent.label}" (async)`;
  return `${sent.customId} of ${path.posix.basename(vscode.Uri.parse(sent.uri, true).path)}:${sent.line + 1} (async)`;
}

const ROLE_LABELS: Record<FileRole, string> = { input: 'Input file', output: 'Output file', error: 'Error file' };

function themeIcon(batch: Batch): vscode.ThemeIcon {
  const icon = batchIcon(batch);
  return new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
}

/** Children of a batch: its files, its request counts, then each entry of `errors.data`. */
export function batchChildren(batch: Batch): BatchNode[] {
  const nodes: BatchNode[] = [];
  const files: [FileRole, string | null | undefined][] = [
    ['input', batch.input_file_id],
    ['output', batch.output_file_id],
    ['error', batch.error_file_id],
  ];
  for (const [role, fileId] of files) if (fileId) nodes.push({ kind: 'file', batchId: batch.id, role, fileId });
  nodes.push({ kind: 'counts', batchId: batch.id });
  (batch.errors?.data ?? []).forEach((_, index) => nodes.push({ kind: 'error', batchId: batch.id, index }));
  return nodes;
}

export function batchItem(batch: Batch, ctx: ItemContext): vscode.TreeItem {
  const local = ctx.inputFile(batch);
  const sent = ctx.asyncOf?.(batch);
  const label = sent ? asyncLabel(sent) : batchLabel(batch, local && path.posix.basename(local.path));
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `batch:${batch.id}`;
  item.description = `${sent ? 'async · ' : ''}${batchDescription(batch)}`;
  item.iconPath = themeIcon(batch);
  const tooltip = new vscode.MarkdownString(batchTooltip(batch, local?.fsPath));
  tooltip.supportHtml = false;
  item.tooltip = tooltip;
  // `:failures` marks a completed batch with failed requests, for Retry Failed Requests.
  item.contextValue = `batch:${batch.status}${completedWithFailures(batch) ? ':failures' : ''}`;
  item.accessibilityInformation = { label: `Batch ${item.label as string}, ${item.description}` };
  // A chat reply asked for async opens the chat, where its turn waits for it (or shows it).
  if (sent?.kind === 'chat') item.command = { command: Commands.openChat, title: 'Open Chat' };
  return item;
}

function fileItem(node: Extract<BatchNode, { kind: 'file' }>, batch: Batch | undefined, ctx: ItemContext): vscode.TreeItem {
  const local = node.role === 'input' && batch ? ctx.inputFile(batch) : undefined;
  const item = new vscode.TreeItem(ROLE_LABELS[node.role], vscode.TreeItemCollapsibleState.None);
  item.id = `batch:${node.batchId}/file:${node.role}`;
  item.description = local ? `${path.posix.basename(local.path)} · ${node.fileId}` : node.fileId;
  item.iconPath = new vscode.ThemeIcon(node.role === 'error' ? 'file-code' : 'file');
  item.tooltip = `${ROLE_LABELS[node.role]} ${node.fileId}${local ? `\nLocal: ${local.fsPath}` : ''}\nClick to open it read-only.`;
  item.contextValue = `batchFile:${node.role}${local ? ':local' : ''}`;
  item.command = { command: Commands.openRemoteFile, title: 'Open Remote File', arguments: [node.fileId] };
  return item;
}

function countsItem(batch: Batch): vscode.TreeItem {
  const { total, completed, failed } = requestCounts(batch);
  const item = new vscode.TreeItem(
    `Requests: ${formatCount(completed)} completed, ${formatCount(failed)} failed`,
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = `batch:${batch.id}/counts`;
  item.description = `of ${formatCount(total)}`;
  item.iconPath = new vscode.ThemeIcon('graph');
  item.contextValue = 'batchCounts';
  return item;
}

function errorItem(batch: Batch, index: number, error: BatchError, ctx: ItemContext): vscode.TreeItem {
  const text = describeBatchError(error);
  const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  item.id = `batch:${batch.id}/error:${index}`;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'));
  const local = ctx.inputFile(batch);
  const jumpable = local !== undefined && error.line != null;
  item.tooltip = jumpable ? `${text}\nClick to go to line ${error.line} of ${path.posix.basename(local.path)}.` : text;
  item.contextValue = jumpable ? 'batchError:line' : 'batchError';
  if (jumpable) {
    item.command = { command: Commands.openBatchErrorLine, title: 'Go to Line', arguments: [batch.id, index] };
  }
  return item;
}

export function nodeItem(node: BatchNode, ctx: ItemContext): vscode.TreeItem {
  switch (node.kind) {
    case 'loadMore':
      return loadMoreItem('batches:loadMore', { command: Commands.loadMoreBatches, title: 'Load More Batches' });
    case 'message':
      return messageItem(node);
    default:
      break;
  }
  const batch = ctx.batch(node.batchId);
  if (!batch) return new vscode.TreeItem(node.batchId);
  switch (node.kind) {
    case 'batch':
      return batchItem(batch, ctx);
    case 'file':
      return fileItem(node, batch, ctx);
    case 'counts':
      return countsItem(batch);
    case 'error': {
      const error = batch.errors?.data?.[node.index];
      return error ? errorItem(batch, node.index, error, ctx) : new vscode.TreeItem('(error entry gone)');
    }
  }
}
