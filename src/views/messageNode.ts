// The one-line message both tree views show in place of their items when loading failed.
import * as vscode from 'vscode';
import { MissingApiKeyError, remedyFor } from '../core/api';
import { Commands, type CommandId } from '../constants';

export interface MessageNode {
  readonly kind: 'message';
  readonly text: string;
  readonly detail?: string;
  readonly command?: vscode.Command;
}

/**
 * What a view shows when loading `what` ("batches", "files") failed: a click that fixes it, from remedyFor
 * (enter a key when it is missing or refused), else one that runs `retry` again.
 */
export function errorNode(error: unknown, what: string, retry: CommandId): MessageNode {
  const detail = error instanceof Error ? error.message : String(error);
  if (remedyFor(error).includes('setApiKey')) {
    return {
      kind: 'message',
      text: error instanceof MissingApiKeyError ? 'No API key is set. Click to set one.' : 'The API key was refused. Click to set a new one.',
      detail,
      command: { command: Commands.setApiKey, title: 'Set API Key' },
    };
  }
  return { kind: 'message', text: `Could not load ${what}. Click to retry.`, detail, command: { command: retry, title: 'Retry' } };
}

export function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text);
  item.iconPath = new vscode.ThemeIcon('warning');
  item.tooltip = node.detail ?? node.text;
  item.command = node.command;
  item.contextValue = 'message';
  return item;
}
