import * as vscode from 'vscode';
import type { Batch } from '../core/api';
import { metadataInputFile } from '../core/batches/format';

const STATE_KEY = 'kluster.batchLinks';
/** Old links are dropped beyond this many, oldest first, so workspace state stays small. */
const MAX_LINKS = 500;

interface StoredLink {
  readonly uri: string;
  readonly at: number;
}

/**
 * Which local file each batch was submitted from, kept in workspace state so it survives restarts.
 * Batches submitted elsewhere still resolve when their metadata names a workspace-relative file.
 */
export class BatchLinks {
  constructor(private readonly state: vscode.Memento) {}

  private get all(): Record<string, StoredLink> {
    return this.state.get<Record<string, StoredLink>>(STATE_KEY, {});
  }

  async set(batchId: string, file: vscode.Uri): Promise<void> {
    const links = { ...this.all, [batchId]: { uri: file.toString(), at: Date.now() } };
    const kept = Object.entries(links)
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, MAX_LINKS);
    await this.state.update(STATE_KEY, Object.fromEntries(kept));
  }

  /** The file this batch was submitted from in this workspace, if any. */
  linked(batchId: string): vscode.Uri | undefined {
    const link = this.all[batchId];
    return link ? vscode.Uri.parse(link.uri) : undefined;
  }

  /** The local input file: the remembered link, else the metadata's workspace-relative path. */
  resolve(batch: Batch): vscode.Uri | undefined {
    const linked = this.linked(batch.id);
    if (linked) return linked;
    const relative = metadataInputFile(batch);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!relative || !folder || relative.split('/').includes('..')) return undefined;
    return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
  }
}

/** The path a batch's metadata records: relative to the workspace folder, with forward slashes. */
export function workspaceRelativePath(file: vscode.Uri): string {
  return vscode.workspace.asRelativePath(file, false).replace(/\\/g, '/');
}
