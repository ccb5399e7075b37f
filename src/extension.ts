import * as vscode from 'vscode';
import { Container } from './container';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(new Container(context));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
