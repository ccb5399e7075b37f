import * as path from 'path';
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

/**
 * Why the last submit of a file was blocked ("requests.jsonl: 3 errors, not submitted"), as a status-bar item that
 * opens the Problems view. A toast cannot be taken back, so "3 errors" stayed up after the file was fixed and
 * submitted; this goes away as soon as it is stale: the file is edited, closed, or submitted.
 */
export class SubmitBlockedNotice extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('kluster.submit.blocked', vscode.StatusBarAlignment.Left, 49));
  private file: vscode.Uri | undefined;

  constructor() {
    super();
    this.item.name = 'kluster.ai Submit';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.command = { command: 'workbench.actions.view.problems', title: 'Show Problems' };
    this._register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length) this.clear(event.document.uri);
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((document) => this.clear(document.uri)));
  }

  /** What the item says now; undefined when hidden. */
  get text(): string | undefined {
    return this.file ? this.item.text : undefined;
  }

  show(file: vscode.Uri, what: string, message: string): void {
    this.file = file;
    this.item.text = `$(error) ${path.basename(file.fsPath)}: ${what}, not submitted`;
    this.item.tooltip = `${message}\nClick to show the problems.`;
    this.item.accessibilityInformation = { label: `${path.basename(file.fsPath)}: ${what}, not submitted. Show problems.` };
    this.item.show();
  }

  /** Hides the notice if it is about `file`. */
  clear(file: vscode.Uri): void {
    if (this.file?.toString() !== file.toString()) return;
    this.file = undefined;
    this.item.hide();
  }
}
