import * as vscode from 'vscode';
import type { Batch } from '../core/api';
import { metadataInputFile } from '../core/batches/displayText';
import type { InputStamp } from '../core/batches/inputStamp';
import { INPUT_FOLDER_METADATA_KEY, inputFileCandidates, inputFileMetadata, type FolderRef } from '../core/batches/inputPath';
import { fileExists } from '../core/util/atomicFile';
import type { Storage, WorkspaceStorage } from '../storage';

/** Old links are dropped beyond this many, oldest first, so workspace state stays small. */
const MAX_LINKS = 500;

/**
 * Which local file each batch was submitted from, kept in workspace state so it survives restarts.
 * Batches submitted elsewhere still resolve when their metadata names a workspace-relative file.
 */
export class BatchLinks {
  constructor(private readonly state: Storage<WorkspaceStorage>) {}

  private get all(): WorkspaceStorage['kluster.batchLinks'] {
    return this.state.get('kluster.batchLinks') ?? {};
  }

  async set(batchId: string, file: vscode.Uri, stamp?: InputStamp): Promise<void> {
    const links = { ...this.all, [batchId]: { uri: file.toString(), at: Date.now(), ...(stamp ? { stamp } : {}) } };
    const kept = Object.entries(links)
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, MAX_LINKS);
    await this.state.update('kluster.batchLinks', Object.fromEntries(kept));
  }

  /** Records that `batchId` retries the failed requests of `resultsPath`, whose rows its results merge into. */
  async setRetry(batchId: string, resultsPath: string): Promise<void> {
    const all = this.state.get('kluster.retryLinks') ?? {};
    const kept = Object.entries({ ...all, [batchId]: { results: resultsPath, at: Date.now() } })
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, MAX_LINKS);
    await this.state.update('kluster.retryLinks', Object.fromEntries(kept));
  }

  /** The results file a retry batch merges into, while its results are not merged yet. */
  retryOf(batchId: string): string | undefined {
    const link = this.state.get('kluster.retryLinks')?.[batchId];
    return link && !link.merged && typeof link.results === 'string' ? link.results : undefined;
  }

  async markMerged(batchId: string): Promise<void> {
    const all = this.state.get('kluster.retryLinks') ?? {};
    const link = all[batchId];
    if (link) await this.state.update('kluster.retryLinks', { ...all, [batchId]: { ...link, merged: true } });
  }

  /** The file this batch was submitted from in this workspace, if any. */
  linked(batchId: string): vscode.Uri | undefined {
    const link = this.all[batchId];
    return link ? vscode.Uri.parse(link.uri) : undefined;
  }

  /** How the linked file looked when it was submitted from here; undefined for files chosen later. */
  stamp(batchId: string): InputStamp | undefined {
    return this.all[batchId]?.stamp;
  }

  /** The local input file, without touching the disk: the remembered link, else the best metadata guess. */
  resolve(batch: Batch): vscode.Uri | undefined {
    const linked = this.linked(batch.id);
    if (linked) return linked;
    const [best] = metadataCandidates(batch);
    return best ? vscode.Uri.file(best) : undefined;
  }

  /** The local input file that exists: the link, else the first metadata candidate found on disk. */
  async locate(batch: Batch): Promise<vscode.Uri | undefined> {
    const linked = this.linked(batch.id);
    if (linked) return (await exists(linked)) ? linked : undefined;
    for (const candidate of metadataCandidates(batch)) if (await fileExists(candidate)) return vscode.Uri.file(candidate);
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme === 'file') return fileExists(uri.fsPath);
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

function folders(): FolderRef[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => ({ name: f.name, path: f.uri.fsPath }));
}

function metadataCandidates(batch: Batch): string[] {
  const folder = batch.metadata?.[INPUT_FOLDER_METADATA_KEY];
  return inputFileCandidates(metadataInputFile(batch), typeof folder === 'string' ? folder : undefined, folders());
}

/** What a submission records about its input: the workspace folder's name and the path inside it. */
export function inputMetadata(file: vscode.Uri): { input_file: string; input_folder?: string } {
  return inputFileMetadata(file.fsPath, folders());
}
