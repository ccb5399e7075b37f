// "Open in Chat" on a request line: a CodeLens (on the cursor line, every line or none: `kluster.codeLens`) and
// the same action in the light-bulb menu; the request hover (src/validation/hover.ts) links to it too.
import * as vscode from 'vscode';
import type { Config } from '../config';
import { Commands } from '../constants';
import { Disposable } from '../lifecycle';

/** Larger files get no lenses with `all` (a lens per line is noise there); the command still works on the cursor line. */
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

/** The command that opens request line `line` of `uri` in the chat, as lenses, code actions and hovers run it. */
export function openInChatCommand(uri: vscode.Uri, line: number): vscode.Command {
  return {
    title: '$(comment-discussion) Open in Chat',
    tooltip: 'Load this request into the kluster chat panel',
    command: Commands.openInChat,
    arguments: [uri, line],
  };
}

export class OpenInChatCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly config: Config) {
    super();
    this._register(config.onDidChange(() => this.changed.fire()));
    // With `cursor` the lens follows the cursor from line to line (and editor to editor).
    this._register(
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (this.config.codeLens === 'cursor' && event.selections[0]?.active.line !== this.cursorLine) this.changed.fire();
      }),
    );
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.config.codeLens === 'cursor' && this.changed.fire()));
  }

  /** The cursor line the lenses were last given for. */
  private cursorLine: number | undefined;

  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    const mode = this.config.codeLens;
    if (mode === 'off') return [];
    if (mode === 'cursor') {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document !== document) return [];
      const line = editor.selection.active.line;
      this.cursorLine = line;
      return isChatRequestLine(document.lineAt(line).text) ? [lens(document, line)] : [];
    }
    if (document.lineCount > MAX_CODELENS_LINES) return [];
    const lenses: vscode.CodeLens[] = [];
    for (let line = 0; line < document.lineCount && !token.isCancellationRequested; line++) {
      if (isChatRequestLine(document.lineAt(line).text)) lenses.push(lens(document, line));
    }
    return lenses;
  }
}

function lens(document: vscode.TextDocument, line: number): vscode.CodeLens {
  const start = document.lineAt(line).range.start;
  return new vscode.CodeLens(new vscode.Range(start, start), openInChatCommand(document.uri, line));
}

/** Open in Chat in the light-bulb menu of a request line, whatever `kluster.codeLens` says. */
export class OpenInChatCodeActions implements vscode.CodeActionProvider {
  static readonly kind = vscode.CodeActionKind.RefactorRewrite.append('kluster.openInChat');
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [OpenInChatCodeActions.kind] };

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
    const line = range.start.line;
    if (!isChatRequestLine(document.lineAt(line).text)) return [];
    const action = new vscode.CodeAction('Open in Chat', OpenInChatCodeActions.kind);
    action.command = openInChatCommand(document.uri, line);
    return [action];
  }
}
