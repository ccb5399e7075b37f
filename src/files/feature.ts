import * as vscode from 'vscode';
import type { CommandFactories } from '../commands';
import { Views } from '../constants';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';
import { fileCommands } from './commands';
import { FilesTreeProvider } from './filesTree';
import { REMOTE_FILE_SCHEME, RemoteFileProvider } from './remoteFiles';

/** The Files view, read-only documents for remote files, and the file commands. */
export class FilesFeature extends Disposable {
  readonly tree: FilesTreeProvider;
  readonly commands: CommandFactories;

  constructor(container: Container) {
    super();
    this.tree = this._register(new FilesTreeProvider(container.clients, container.log));
    this._register(vscode.window.createTreeView(Views.files, { treeDataProvider: this.tree, showCollapseAll: false }));
    this._register(vscode.workspace.registerTextDocumentContentProvider(REMOTE_FILE_SCHEME, new RemoteFileProvider(container.clients)));
    this._register(container.clients.onDidChange(() => this.tree.reset()));
    this.commands = fileCommands(this.tree);
  }
}
