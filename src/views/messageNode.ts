// The one-line message both tree views show in place of their items (built by errorNode.ts).
import * as vscode from 'vscode';

export interface MessageNode {
  readonly kind: 'message';
  readonly text: string;
  readonly detail?: string;
  readonly command?: vscode.Command;
}

export function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text);
  item.iconPath = new vscode.ThemeIcon('warning');
  item.tooltip = node.detail ?? node.text;
  item.command = node.command;
  item.contextValue = 'message';
  return item;
}
