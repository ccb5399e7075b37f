import { promises as fs } from 'fs';
import * as vscode from 'vscode';
import { kindOfHead } from '../core/fineTuning/create';
import { ContextKeys } from '../constants';
import { setContext } from '../context';
import { Disposable } from '../lifecycle';

/** Bytes read of each file to decide what it is: the first lines, as the validator decides. */
const HEAD_BYTES = 16 * 1024;
/** Workspace .jsonl files looked at when the extension starts. */
const MAX_FILES = 500;

async function isDataset(uri: vscode.Uri): Promise<boolean> {
  try {
    const handle = await fs.open(uri.fsPath, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      return kindOfHead(buffer.toString('utf8', 0, bytesRead), bytesRead < HEAD_BYTES) === 'finetune';
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/**
 * Which .jsonl files of the workspace are fine-tuning datasets, as the `kluster.fineTuningDatasets` context key
 * (their paths), so "Create Fine-tuning Job" shows in the editor title and Explorer menus of those files only.
 */
export class DatasetFiles extends Disposable {
  private readonly paths = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*.jsonl'));
    this._register(watcher.onDidCreate((uri) => void this.check(uri)));
    this._register(watcher.onDidChange((uri) => void this.check(uri)));
    this._register(watcher.onDidDelete((uri) => this.set(uri, false)));
    this._register(vscode.workspace.onDidSaveTextDocument((d) => void this.check(d.uri)));
    // The file watcher can drop events (many changes at once); an opened file is checked regardless.
    this._register(vscode.workspace.onDidOpenTextDocument((d) => void this.check(d.uri)));
    this._register({ dispose: () => clearTimeout(this.timer) });
    void this.scan();
  }

  private async scan(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.jsonl', '**/node_modules/**', MAX_FILES);
    for (const uri of files) await this.check(uri);
    this.publish();
  }

  async check(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file' || !uri.path.endsWith('.jsonl')) return;
    this.set(uri, await isDataset(uri));
  }

  private set(uri: vscode.Uri, dataset: boolean): void {
    if (dataset === this.paths.has(uri.fsPath)) return;
    if (dataset) this.paths.add(uri.fsPath);
    else this.paths.delete(uri.fsPath);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.publish(), 200);
  }

  private publish(): void {
    void setContext(ContextKeys.fineTuningDatasets, [...this.paths].sort());
  }
}
