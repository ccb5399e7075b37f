import * as vscode from 'vscode';
import type { CommandFactories } from '../commands';
import { Commands } from '../constants';
import { isRowQuery } from './protocol';
import type { ResultsFeature } from './feature';
import type { ResultsSnapshot } from './resultsPanel';

const uriOf = (value: unknown): vscode.Uri | undefined => (value instanceof vscode.Uri ? value : typeof value === 'string' && value ? vscode.Uri.file(value) : undefined);

export function resultsCommands(results: ResultsFeature): CommandFactories {
  const panel = () => {
    const active = results.active;
    if (!active) throw new Error('Open a results file in the kluster Results grid first.');
    return active;
  };
  return {
    /** Editor title of the grid: the same file in the text editor. */
    [Commands.resultsReopenAsText]: () => async (uri?: unknown) => {
      const target = uriOf(uri) ?? results.active?.document.uri;
      if (target) await vscode.commands.executeCommand('vscode.openWith', target, 'default');
    },
    /** Writes the rows shown; a target path and a BOM flag skip the questions (automation). */
    [Commands.resultsExportCsv]: () => async (target?: unknown, bom?: unknown) => panel().exportCsv(uriOf(target), typeof bom === 'boolean' ? bom : undefined),
    [Commands.resultsRefresh]: () => async () => panel().document.reload(),
    /** For automation and tests: what the grid in front shows, as its webview reported it. */
    [Commands.resultsSnapshot]: () => (): ResultsSnapshot | undefined => results.active?.snapshot(),
    /** For automation and tests: apply a filter/sort query as if set in the grid. */
    [Commands.resultsSetQuery]: () => (query: unknown) => {
      if (!isRowQuery(query)) throw new Error('Not a results query.');
      panel().setQuery(query);
      return true;
    },
  };
}
