// The one way to set a context key for `when` clauses (as GitLens does): typed by key, and skipped when the
// value is the one already set, so views and panels may call it on every redraw.
import * as vscode from 'vscode';
import { ContextKeys, type ContextKey } from './constants';

export interface ContextValues {
  [ContextKeys.hasApiKey]: boolean;
  [ContextKeys.batchesEmpty]: boolean;
  [ContextKeys.filesEmpty]: boolean;
  [ContextKeys.fineTuningEmpty]: boolean;
  /** Paths of the workspace's fine-tuning datasets, for `resourcePath in …` menus. */
  [ContextKeys.fineTuningDatasets]: string[];
  [ContextKeys.chatStreaming]: boolean;
  [ContextKeys.demoServerRunning]: boolean;
  [ContextKeys.problemFixed]: boolean;
  [ContextKeys.batchSubmitted]: boolean;
  [ContextKeys.resultsOpened]: boolean;
}

// Every context key has a value type above: the build fails here otherwise.
const everyKeyTyped: [Exclude<ContextKey, keyof ContextValues>] extends [never] ? true : never = true;
void everyKeyTyped;

const current = new Map<keyof ContextValues, unknown>();

export async function setContext<K extends keyof ContextValues>(key: K, value: ContextValues[K]): Promise<void> {
  if (current.get(key) === value) return;
  current.set(key, value);
  await vscode.commands.executeCommand('setContext', key, value);
}

/** The value last set here; undefined before the first. */
export function getContext<K extends keyof ContextValues>(key: K): ContextValues[K] | undefined {
  return current.get(key) as ContextValues[K] | undefined;
}
