import * as path from 'path';
import * as vscode from 'vscode';
import { showApiError } from '../api/showError';
import type { CommandFactories } from '../commands';
import { downloadedMessage, formatSize } from '../core/batches/format';
import { abortOnCancel } from '../core/util/abortOnCancel';
import { fileExists, FileExistsError } from '../core/util/atomicFile';
import { Commands } from '../constants';
import type { Container } from '../container';
import type { FilesTreeProvider } from './filesTree';
import { MAX_OPEN_BYTES, remoteFileUri } from './remoteFiles';

/** A file id from whatever invoked the command: an id, a Files view node or a batch's file node. */
export function fileIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (arg && typeof arg === 'object') {
    const node = arg as { fileId?: unknown; file?: { id?: unknown } };
    if (typeof node.fileId === 'string') return node.fileId;
    if (typeof node.file?.id === 'string') return node.file.id;
  }
  return undefined;
}

async function askForFileId(): Promise<string | undefined> {
  return vscode.window.showInputBox({ title: 'kluster.ai file id', prompt: 'The id of a file stored at kluster.ai', ignoreFocusOut: true }).then((v) => v?.trim() || undefined);
}

export interface DownloadOptions {
  /** Where to write (a path or file URI); skips the save dialog. */
  readonly destination?: string | vscode.Uri;
  /** Replace an existing destination without asking. */
  readonly overwrite?: boolean;
}

async function openRemoteFile(c: Container, arg: unknown): Promise<string | undefined> {
  const id = fileIdOf(arg) ?? (await askForFileId());
  if (!id) return undefined;
  try {
    const file = await (await c.clients.get()).getFile(id);
    if ((file.bytes ?? 0) > MAX_OPEN_BYTES) {
      const pick = await vscode.window.showWarningMessage(
        `${file.filename ?? id} is ${formatSize(file.bytes)}, too large to open in an editor. Download it instead?`,
        'Download',
      );
      if (pick === 'Download') await vscode.commands.executeCommand(Commands.downloadFile, id);
      return undefined;
    }
    const uri = remoteFileUri(id, file.filename);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return uri.toString();
  } catch (error) {
    void showApiError(c.log, `Opening file ${id}`, error, () => openRemoteFile(c, id));
    return undefined;
  }
}

async function downloadFile(c: Container, arg: unknown, options: DownloadOptions = {}): Promise<string | undefined> {
  const id = fileIdOf(arg) ?? (await askForFileId());
  if (!id) return undefined;
  try {
    const client = await c.clients.get();
    const file = await client.getFile(id);
    const name = path.basename(file.filename || `${id}.jsonl`);
    let dest: vscode.Uri | undefined;
    let overwrite = options.overwrite ?? false;
    if (options.destination) {
      dest = typeof options.destination === 'string' ? vscode.Uri.file(options.destination) : options.destination;
    } else {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      dest = await vscode.window.showSaveDialog({ title: `Download ${name}`, defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { JSONL: ['jsonl'], 'All files': ['*'] } });
      overwrite = true; // the save dialog already asked
    }
    if (!dest) return undefined;
    if (!overwrite && (await fileExists(dest.fsPath))) {
      const pick = await vscode.window.showWarningMessage(`${path.basename(dest.fsPath)} already exists. Replace it?`, { modal: true }, 'Replace');
      if (pick !== 'Replace') return undefined;
      overwrite = true;
    }
    const target = dest;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading ${name}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        await abortOnCancel(token, (signal) =>
          client.downloadFileContent(id, target.fsPath, {
            overwrite,
            signal,
            onProgress: (done, total) => {
              if (!total) return progress.report({ message: formatSize(done) });
              const percent = Math.floor((done / total) * 100);
              progress.report({ increment: percent - reported, message: `${formatSize(done)} of ${formatSize(total)}` });
              reported = percent;
            },
          }),
        );
      },
    );
    c.log.info('files', `downloaded ${id} to ${target.fsPath}`);
    const folder = path.dirname(target.fsPath);
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(target);
    const inWorkspace = workspaceFolder !== undefined;
    // `my-ws/data` inside the workspace (`my-ws` for its root), else the folder's full path.
    const relative = workspaceFolder && path.relative(workspaceFolder.uri.fsPath, folder);
    const where = workspaceFolder ? [workspaceFolder.name, relative].filter(Boolean).join('/') : folder;
    const message = downloadedMessage(name, file.bytes, where, path.basename(target.fsPath));
    void vscode.window.showInformationMessage(message, 'Open', 'Reveal').then((pick) => {
      if (pick === 'Open') void vscode.window.showTextDocument(target);
      // Inside the workspace: in the Explorer; outside it, in the system's file manager.
      if (pick === 'Reveal') void vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', target);
    });
    return target.fsPath;
  } catch (error) {
    if (error instanceof FileExistsError) {
      void vscode.window.showWarningMessage(`${error.path} already exists; it was left as it is.`);
      return undefined;
    }
    void showApiError(c.log, `Downloading file ${id}`, error, () => downloadFile(c, id, options));
    return undefined;
  }
}

async function deleteFile(c: Container, tree: FilesTreeProvider, arg: unknown, options: { confirm?: boolean } = {}): Promise<boolean> {
  const id = fileIdOf(arg);
  if (!id) return false;
  const name = tree.get(id)?.filename ?? id;
  if (options.confirm !== false) {
    const pick = await vscode.window.showWarningMessage(
      `Delete ${name} from kluster.ai?`,
      { modal: true, detail: `File ${id} is removed from your account. Batches that use it can no longer show or download it. Local copies are not touched.` },
      'Delete',
    );
    if (pick !== 'Delete') return false;
  }
  try {
    await (await c.clients.get()).deleteFile(id);
    tree.remove(id);
    c.log.info('files', `deleted ${id}`);
    void vscode.window.showInformationMessage(`Deleted ${name} from kluster.ai.`);
    return true;
  } catch (error) {
    void showApiError(c.log, `Deleting ${name}`, error, () => deleteFile(c, tree, id, { confirm: false }));
    return false;
  }
}

export function fileCommands(tree: FilesTreeProvider): CommandFactories {
  return {
    [Commands.openRemoteFile]: (c) => (arg?: unknown) => openRemoteFile(c, arg),
    [Commands.downloadFile]: (c) => (arg?: unknown, options?: DownloadOptions) => downloadFile(c, arg, options),
    [Commands.deleteFile]: (c) => (arg?: unknown, options?: { confirm?: boolean }) => deleteFile(c, tree, arg, options),
    [Commands.copyFileId]: () => async (arg?: unknown) => {
      const id = fileIdOf(arg);
      if (id) await vscode.env.clipboard.writeText(id);
      return id;
    },
    [Commands.refreshFiles]: (c) => async () => {
      try {
        await tree.refresh();
        return true;
      } catch (error) {
        void showApiError(c.log, 'Listing files', error, () => vscode.commands.executeCommand(Commands.refreshFiles));
        return false;
      }
    },
    [Commands.loadMoreFiles]: (c) => async () => {
      try {
        return await tree.loadMore();
      } catch (error) {
        void showApiError(c.log, 'Loading more files', error, () => vscode.commands.executeCommand(Commands.loadMoreFiles));
        return 0;
      }
    },
    [Commands.filesSnapshot]: () => () => tree.snapshot(),
  };
}
