// What commands receive depends on where they run from: a tree node, an editor or explorer URI, a string from
// the palette, a test or another extension. These turn any of them into what the command works on.
import * as path from 'path';
import * as vscode from 'vscode';
import { REMOTE_FILE_SCHEME, remoteFileId } from './files/remoteFiles';

/** A batch id: a string, or a Batches view node (a batch and everything under it). */
export function batchIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  const id = (arg as { batchId?: unknown } | undefined)?.batchId;
  return typeof id === 'string' && id ? id : undefined;
}

/** A file id: a string, a Files view node, a batch's file node, or the URI of an opened remote file. */
export function fileIdOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === REMOTE_FILE_SCHEME ? remoteFileId(arg) || undefined : undefined;
  if (typeof arg === 'string' && arg) return arg;
  if (arg && typeof arg === 'object') {
    const node = arg as { fileId?: unknown; file?: { id?: unknown } };
    if (typeof node.fileId === 'string') return node.fileId;
    if (typeof node.file?.id === 'string') return node.file.id;
  }
  return undefined;
}

/** A URI: as given, from an absolute path, or parsed from a string with a scheme; undefined for anything else. */
export function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg !== 'string' || !arg) return undefined;
  if (path.isAbsolute(arg)) return vscode.Uri.file(arg);
  if (/^[a-z][a-z0-9+.-]+:/i.test(arg)) return vscode.Uri.parse(arg, true);
  throw new Error(`Not an absolute path or a URI: ${arg}`);
}
