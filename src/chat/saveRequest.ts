// "Save as Batch Request": appends the conversation as one valid request line to a JSONL file.
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { customIdBase, toRequestLine, type Conversation } from '../core/chat/conversation';
import { appendedText, isRequestFileTarget, readRequestFile } from '../core/chat/requestFile';
import { checkLine, uniqueCustomId, type ValidationOptions } from '../core/jsonl';

export interface SavedRequest {
  readonly uri: vscode.Uri;
  readonly customId: string;
  /** 0-based line of the new request. */
  readonly line: number;
}

/** How much of a file's start decides whether it is offered: its first line, unless that is longer. */
const HEAD_BYTES = 64 * 1024;

async function headOf(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText(new vscode.Range(0, 0, Math.min(open.lineCount, 20), 0));
  if (uri.scheme !== 'file') return new TextDecoder().decode((await vscode.workspace.fs.readFile(uri)).subarray(0, HEAD_BYTES));
  const handle = await fs.open(uri.fsPath, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The workspace's .jsonl files a request can be appended to, by path: batch input files (and empty ones), not
 * results, output, error or fine-tuning files, decided by their first line as the validator does.
 */
export async function requestFileCandidates(): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles('**/*.jsonl', '**/node_modules/**', 500);
  const offered = await Promise.all(files.map((uri) => headOf(uri).then(isRequestFileTarget, () => false)));
  return files.filter((_, i) => offered[i]).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/** Lets the person pick a workspace batch request file, an existing file elsewhere, or a new one. */
export async function pickRequestFile(): Promise<vscode.Uri | undefined> {
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri; pick?: 'new' | 'open' };
  const files = await requestFileCandidates();
  const items: Item[] = [
    { label: '$(new-file) New JSONL file…', pick: 'new' },
    { label: '$(folder-opened) Choose a file…', pick: 'open' },
    ...files.map((uri) => ({
      label: path.basename(uri.fsPath),
      description: vscode.workspace.asRelativePath(uri.with({ path: path.posix.dirname(uri.path) })),
      uri,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Save as Batch Request',
    placeHolder: 'Append the request to which batch request file?',
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  if (picked.pick === 'new') {
    return vscode.window.showSaveDialog({
      title: 'New batch request file',
      filters: { 'JSON Lines': ['jsonl'] },
      saveLabel: 'Append Request',
    });
  }
  const chosen = await vscode.window.showOpenDialog({
    title: 'Batch request file',
    filters: { 'JSON Lines': ['jsonl'] },
    canSelectMany: false,
    openLabel: 'Append Request',
  });
  return chosen?.[0];
}

async function currentText(uri: vscode.Uri): Promise<{ text: string; document?: vscode.TextDocument }> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document) return { text: document.getText(), document };
  try {
    return { text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) };
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return { text: '' };
    throw error;
  }
}

/**
 * Appends the conversation as a request line with a custom_id unique in the file. The line is checked with
 * the batch validator first (the editor's `options`; only errors stop the save); the file's other lines are never changed. An open, unsaved document gets the
 * line as an edit (left unsaved, with the person's own changes); otherwise the file is appended to.
 */
export async function appendRequest(uri: vscode.Uri, conversation: Conversation, options: ValidationOptions): Promise<SavedRequest> {
  if (conversation.messages.length === 0) throw new Error('Nothing to save: the chat has no messages yet.');
  if (!conversation.settings.model) throw new Error('Pick a model before saving the request.');
  const { text, document } = await currentText(uri);
  const file = readRequestFile(text);
  const name = path.basename(uri.path);
  if (file.kind === 'results' || file.kind === 'finetune') {
    throw new Error(
      `${name} looks like a ${file.kind === 'results' ? 'batch results' : 'fine-tuning'} file, not a batch input file; pick another file.`,
    );
  }
  const customId = uniqueCustomId(customIdBase(new Date()), (id) => file.takenIds.has(id));
  const line = toRequestLine(conversation, customId);
  const problems = checkLine(line, 'batch', options).diagnostics.filter((d) => d.severity === 'error');
  if (problems.length) throw new Error(`The conversation does not make a valid request: ${problems.map((p) => p.message).join(' ')}`);

  const addition = appendedText(file, line);
  if (document) {
    const wasDirty = document.isDirty;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, document.lineAt(document.lineCount - 1).range.end, addition);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${name}.`);
    // Saved only when the only change is ours; a person's unsaved edits stay theirs to save.
    if (!wasDirty) await document.save();
  } else if (uri.scheme === 'file') {
    await fs.appendFile(uri.fsPath, addition, 'utf8');
  } else {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text + addition));
  }
  return { uri, customId, line: file.nextLine };
}
