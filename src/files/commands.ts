import * as path from 'path';
import * as vscode from 'vscode';
import { fileIdOf } from '../commandArgs';
import { CANCELLED, copyIdCommand, loadMoreCommand, refreshCommand, shownFailure, type CommandFactories, type Outcome } from '../commands';
import { downloadedMessage, formatSize } from '../core/batches/displayText';
import { abortOnCancel } from '../core/util/abortOnCancel';
import { fileExists, FileExistsError } from '../core/util/atomicFile';
import { Commands } from '../constants';
import type { Container } from '../container';
import { withSlowProgress } from '../progress';
import type { FilesTreeProvider } from './filesTree';
import { MAX_OPEN_BYTES, remoteFileUri } from './remoteFiles';

async function askForFileId(): Promise<string | undefined> {
  return vscode.window
    .showInputBox({ title: 'kluster.ai file id', prompt: 'The id of a file stored at kluster.ai', ignoreFocusOut: true })
    .then((v) => v?.trim() || undefined);
}

export interface DownloadOptions {
  /** Where to write (a path or file URI); skips the save dialog. */
  readonly destination?: string | vscode.Uri;
  /** Replace an existing destination without asking. */
  readonly overwrite?: boolean;
}

export type OpenFileOutcome = Outcome<
  { readonly status: 'opened'; readonly uri: string } | { readonly status: 'tooLarge'; readonly bytes: number }
>;
export type DownloadOutcome = Outcome<
  { readonly status: 'downloaded'; readonly path: string } | { readonly status: 'exists'; readonly path: string }
>;
export type DeleteOutcome = Outcome<{ readonly status: 'deleted'; readonly id: string }>;

async function openRemoteFile(container: Container, arg: unknown): Promise<OpenFileOutcome> {
  const id = fileIdOf(arg) ?? (await askForFileId());
  if (!id) return CANCELLED;
  try {
    const file = await (await container.clients.get()).getFile(id);
    if ((file.bytes ?? 0) > MAX_OPEN_BYTES) {
      const pick = await vscode.window.showWarningMessage(
        `${file.filename ?? id} is ${formatSize(file.bytes)}, too large to open in an editor. Download it instead?`,
        'Download',
      );
      if (pick === 'Download') await vscode.commands.executeCommand(Commands.downloadFile, id);
      return { status: 'tooLarge', bytes: file.bytes ?? 0 };
    }
    const uri = remoteFileUri(id, file.filename);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return { status: 'opened', uri: uri.toString() };
  } catch (error) {
    return shownFailure(container.log, `Opening file ${id}`, error, () => openRemoteFile(container, id));
  }
}

async function downloadFile(container: Container, arg: unknown, options: DownloadOptions = {}): Promise<DownloadOutcome> {
  const id = fileIdOf(arg) ?? (await askForFileId());
  if (!id) return CANCELLED;
  try {
    const client = await container.clients.get();
    const file = await client.getFile(id);
    const name = path.basename(file.filename || `${id}.jsonl`);
    let dest: vscode.Uri | undefined;
    let overwrite = options.overwrite ?? false;
    if (options.destination) {
      dest = typeof options.destination === 'string' ? vscode.Uri.file(options.destination) : options.destination;
    } else {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      dest = await vscode.window.showSaveDialog({
        title: `Download ${name}`,
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: { JSONL: ['jsonl'], 'All files': ['*'] },
      });
      overwrite = true; // the save dialog already asked
    }
    if (!dest) return CANCELLED;
    if (!overwrite && (await fileExists(dest.fsPath))) {
      const pick = await vscode.window.showWarningMessage(
        `${path.basename(dest.fsPath)} already exists. Replace it?`,
        { modal: true },
        'Replace',
      );
      if (pick !== 'Replace') return { status: 'exists', path: dest.fsPath };
      overwrite = true;
    }
    const target = dest;
    // A quick download gets no progress toast: one would linger beside the "Downloaded" message.
    await withSlowProgress(
      `Downloading ${name}`,
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
      { cancellable: true },
    );
    container.log.info('files', `downloaded ${id} to ${target.fsPath}`);
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
    return { status: 'downloaded', path: target.fsPath };
  } catch (error) {
    if (error instanceof FileExistsError) {
      void vscode.window.showWarningMessage(`${error.path} already exists; it was left as it is.`);
      return { status: 'exists', path: error.path };
    }
    return shownFailure(container.log, `Downloading file ${id}`, error, () => downloadFile(container, id, options));
  }
}

async function deleteFile(
  container: Container,
  tree: FilesTreeProvider,
  arg: unknown,
  options: { confirm?: boolean } = {},
): Promise<DeleteOutcome> {
  const id = fileIdOf(arg);
  if (!id) return CANCELLED;
  const name = tree.get(id)?.filename ?? id;
  if (options.confirm !== false) {
    const pick = await vscode.window.showWarningMessage(
      `Delete ${name} from kluster.ai?`,
      {
        modal: true,
        detail: `File ${id} is removed from your account. Batches that use it can no longer show or download it. Local copies are not touched.`,
      },
      'Delete',
    );
    if (pick !== 'Delete') return CANCELLED;
  }
  try {
    await (await container.clients.get()).deleteFile(id);
    tree.remove(id);
    container.log.info('files', `deleted ${id}`);
    void vscode.window.showInformationMessage(`Deleted ${name} from kluster.ai.`);
    return { status: 'deleted', id };
  } catch (error) {
    return shownFailure(container.log, `Deleting ${name}`, error, () => deleteFile(container, tree, id, { confirm: false }));
  }
}

export function fileCommands(tree: FilesTreeProvider): CommandFactories {
  return {
    [Commands.openRemoteFile]: (container) => (arg?: unknown) => openRemoteFile(container, arg),
    [Commands.downloadFile]: (container) => (arg?: unknown, options?: DownloadOptions) => downloadFile(container, arg, options),
    [Commands.deleteFile]: (container) => (arg?: unknown, options?: { confirm?: boolean }) => deleteFile(container, tree, arg, options),
    [Commands.copyFileId]: () => copyIdCommand('file', fileIdOf),
    [Commands.refreshFiles]: (container) => refreshCommand(container.log, 'files', Commands.refreshFiles, () => tree.refresh()),
    [Commands.loadMoreFiles]: (container) => loadMoreCommand(container.log, 'files', Commands.loadMoreFiles, () => tree.loadMore()),
    [Commands.filesSnapshot]: () => () => tree.snapshot(),
  };
}
