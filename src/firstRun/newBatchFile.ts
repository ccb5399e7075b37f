// "kluster: New Batch File" and the walkthrough's sample file: untitled JSON Lines documents with request lines
// for a model of the catalog (the documented models when the service cannot be asked).
import * as vscode from 'vscode';
import type { CommandFactories, Outcome } from '../commands';
import { Commands } from '../constants';
import type { Container } from '../container';
import { newBatchFileText, sampleBatchFileText, sampleModel } from '../core/batches/sampleFile';

export type NewFileOutcome = Outcome<{ readonly status: 'created'; readonly uri: string; readonly model: string }>;

async function openUntitled(container: Container, text: (model: string) => string): Promise<NewFileOutcome> {
  const ids = container.models.current.options.map((m) => m.id);
  const model = sampleModel(ids, container.globalState.get('kluster.chat.lastModel'));
  const document = await vscode.workspace.openTextDocument({ language: 'jsonl', content: text(model) });
  await vscode.window.showTextDocument(document, { preview: false });
  return { status: 'created', uri: document.uri.toString(), model };
}

export const newBatchFileCommands: CommandFactories = {
  [Commands.newBatchFile]: (container) => () => openUntitled(container, newBatchFileText),
  /** The sample holds one mistake (a repeated custom_id) for the walkthrough's quick-fix step. */
  [Commands.openSampleBatchFile]: (container) => () => openUntitled(container, sampleBatchFileText),
};
