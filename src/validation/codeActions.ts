import * as vscode from 'vscode';
import { fixesFor, type LineDiagnostic } from '../core/jsonl';
import { DIAGNOSTIC_SOURCE, type DocumentSession } from './documentSession';

/**
 * Quick fixes for kluster diagnostics: custom_id, method/url, max_tokens, a number in quotes, a value out of range,
 * an unknown model (the closest known ones) and a byte order mark.
 */
export class ValidationCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly sessionFor: (document: vscode.TextDocument) => DocumentSession | undefined,
    private readonly knownModels: () => ReadonlySet<string>,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const session = this.sessionFor(document);
    if (!session) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const line = diagnostic.range.start.line;
      const core = findCore(session, line, diagnostic);
      if (!core?.fix) continue;
      if (core.fix.kind === 'removeByteOrderMark') {
        if (document.uri.scheme !== 'file') continue;
        const action = new vscode.CodeAction('Remove the byte order mark (saves the file as UTF-8)', vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        action.command = { command: REMOVE_BOM_COMMAND, title: action.title, arguments: [document.uri] };
        actions.push(action);
        continue;
      }
      const text = document.lineAt(line).text;
      const fixes = fixesFor(text, core, {
        line,
        isCustomIdTaken: (id) => session.validator.hasCustomId(id),
        knownModels: this.knownModels(),
      });
      for (const fix of fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        // A guessed model is a choice, not the obvious fix.
        action.isPreferred = fixes.length === 1 && core.fix.kind !== 'replaceModel';
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) {
          action.edit.replace(document.uri, new vscode.Range(line, edit.startColumn, line, edit.endColumn), edit.newText);
        }
        actions.push(action);
      }
    }
    return actions;
  }
}

export const REMOVE_BOM_COMMAND = 'kluster.removeByteOrderMark';

/**
 * Rewrites the file without its first three bytes. The BOM is not part of the document's text, so no text edit
 * can remove it; unsaved changes are saved first (with the BOM), then the bytes on disk lose it and VS Code
 * reloads the document as plain UTF-8.
 */
export async function removeByteOrderMark(uri: vscode.Uri): Promise<void> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty && !(await document.save())) return;
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes[0] !== 0xef || bytes[1] !== 0xbb || bytes[2] !== 0xbf) return;
  await vscode.workspace.fs.writeFile(uri, bytes.subarray(3));
}

/** The validator's diagnostic behind a VS Code one (code actions receive copies, so match by code and place). */
function findCore(session: DocumentSession, line: number, diagnostic: vscode.Diagnostic): LineDiagnostic | undefined {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  let found: LineDiagnostic | undefined;
  session.validator.visit((l, d) => {
    if (!found && l === line && d.code === code && d.startColumn === diagnostic.range.start.character) found = d;
  });
  return found;
}
