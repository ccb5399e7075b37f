// What a fine-tuned model is for: chatting with it, and comparing it with others in an experiment.
import * as path from 'path';
import * as vscode from 'vscode';
import { uriOf } from '../commandArgs';
import { CANCELLED, type Outcome } from '../commands';
import { addProvider } from '../core/experiments/addProvider';
import type { ChatFeature } from '../chat/feature';
import { emptyState } from '../chat/protocol';
import type { FineTuningFeature } from './feature';

/** A fine-tuned model id: a string, a succeeded job's node, or its "Fine-tuned model" detail node. */
export function tunedModelOf(feature: FineTuningFeature, arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return feature.model.get(arg)?.fine_tuned_model ?? arg;
  const jobId = (arg as { jobId?: unknown } | undefined)?.jobId;
  return typeof jobId === 'string' ? (feature.model.get(jobId)?.fine_tuned_model ?? undefined) : undefined;
}

async function pickTunedModel(feature: FineTuningFeature): Promise<string | undefined> {
  if (!feature.model.isLoaded) await feature.tree.refresh().catch(() => undefined);
  const models = feature.model.all.flatMap((job) =>
    job.fine_tuned_model ? [{ label: job.fine_tuned_model, description: job.model ?? '' }] : [],
  );
  if (models.length === 0) {
    void vscode.window.showInformationMessage('No fine-tuning job has produced a model yet.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(models, { title: 'Which fine-tuned model?' }))?.label;
}

/** Opens the chat with the model selected; a conversation in the panel stays, now sent to this model (Undo restores it). */
export async function openInChat(feature: FineTuningFeature, chat: ChatFeature, arg: unknown): Promise<string | undefined> {
  const model = tunedModelOf(feature, arg) ?? (await pickTunedModel(feature));
  if (!model) return undefined;
  feature.container.models.include([model]);
  const held = chat.panel?.conversationState;
  const state = held ? { ...held, settings: { ...held.settings, model } } : emptyState(model);
  chat.open().load(state, `Chatting with the fine-tuned model ${model}.`);
  return model;
}

export type AddToExperimentOutcome = Outcome<{ readonly status: 'added' | 'present'; readonly file: string }>;

async function pickExperiment(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.experiment.{yaml,yml}', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      'No *.experiment.yaml file in this workspace. See the README’s “Experiments” for the format.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Add the fine-tuned model to which experiment?', matchOnDescription: true },
  );
  return picked?.uri;
}

/**
 * Adds the model to an experiment's providers as one WorkspaceEdit (undoable, the document left unsaved for the
 * person to look at), the rest of the file byte for byte as it was.
 */
export async function addToExperiment(feature: FineTuningFeature, arg: unknown, experimentArg?: unknown): Promise<AddToExperimentOutcome> {
  const model = tunedModelOf(feature, arg) ?? (await pickTunedModel(feature));
  if (!model) return CANCELLED;
  const uri = uriOf(experimentArg) ?? (await pickExperiment());
  if (!uri) return CANCELLED;
  const document = await vscode.workspace.openTextDocument(uri);
  const name = path.basename(uri.fsPath);
  const result = addProvider(document.getText(), model, 'fine-tuned');
  if (result.status === 'invalid') {
    const message = `${name} was not changed: ${result.message}`;
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', message };
  }
  if (result.status === 'present') {
    void vscode.window.showInformationMessage(`${name} already compares ${model}.`);
    return { status: 'present', file: uri.fsPath };
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), result.text);
  if (!(await vscode.workspace.applyEdit(edit))) return { status: 'failed', message: `${name} could not be edited.` };
  feature.container.models.include([model]); // the experiment's model check knows it
  await vscode.window.showTextDocument(document, { preview: false });
  void vscode.window.showInformationMessage(`Added ${model} to the providers of ${name} (unsaved; Undo takes it back).`);
  return { status: 'added', file: uri.fsPath };
}
