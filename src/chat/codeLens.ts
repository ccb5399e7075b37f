import * as vscode from 'vscode';
import { Commands } from '../constants';

/** Larger files get no lenses (a lens per line is noise there); the command still works on the cursor line. */
export const MAX_CODELENS_LINES = 5000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a batch request line whose body holds chat messages. */
export function isChatRequestLine(text: string): boolean {
  if (!text.includes('"messages"')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) && isObject(value.body) && Array.isArray(value.body.messages);
  } catch {
    return false;
  }
}

/** "Open in Chat" above each request line of a batch .jsonl file. */
export class OpenInChatCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    if (document.lineCount > MAX_CODELENS_LINES) return [];
    const lenses: vscode.CodeLens[] = [];
    for (let line = 0; line < document.lineCount && !token.isCancellationRequested; line++) {
      const { text, range } = document.lineAt(line);
      if (!isChatRequestLine(text)) continue;
      lenses.push(
        new vscode.CodeLens(new vscode.Range(range.start, range.start), {
          title: '$(comment-discussion) Open in Chat',
          tooltip: 'Load this request into the kluster chat panel',
          command: Commands.openInChat,
          arguments: [document.uri, line],
        }),
      );
    }
    return lenses;
  }
}
