import * as vscode from 'vscode';
import type { CommandFactories } from '../commands';
import { Commands } from '../constants';
import { waitFor } from '../core/util/waitFor';
import { isRowQuery, RESULTS_VIEW_TYPE } from './protocol';
import { ResultsDocument } from './resultsDocument';
import { openRowInChat } from './resultsPanel';
import type { ResultsFeature } from './feature';
import type { ResultsSnapshot } from './resultsPanel';

const uriOf = (value: unknown): vscode.Uri | undefined =>
  value instanceof vscode.Uri ? value : typeof value === 'string' && value ? vscode.Uri.file(value) : undefined;

export function resultsCommands(results: ResultsFeature): CommandFactories {
  const panel = () => {
    const active = results.active;
    if (!active) throw new Error('Open a results file in the kluster Results grid first.');
    return active;
  };
  return {
    /** From the input file's hover: the results grid, at the row of `customId`. */
    [Commands.resultsOpenAt]: () => async (resultsArg: unknown, customId: unknown) => {
      const uri = uriOf(resultsArg);
      if (!uri || typeof customId !== 'string') throw new Error('Open in Results needs a results file and a custom_id.');
      await vscode.commands.executeCommand('vscode.openWith', uri, RESULTS_VIEW_TYPE);
      const grid = await waitFor('the results grid', () => results.panelFor(uri));
      await waitFor(`${grid.document.name} to be read`, () => grid.document.complete, 120_000);
      if (!(await grid.reveal(customId))) throw new Error(`${grid.document.name} has no result for ${customId}.`);
      return true;
    },
    /** From the input file's hover: the request and its reply in the chat panel. */
    [Commands.resultsOpenInChat]: () => async (resultsArg: unknown, customId: unknown) => {
      const uri = uriOf(resultsArg);
      if (!uri || typeof customId !== 'string') throw new Error('Open in Chat needs a results file and a custom_id.');
      const open = results.panelFor(uri)?.document;
      const document = open ?? new ResultsDocument(uri);
      try {
        if (!open) await document.load();
        const index = document.rows.findIndex((r) => r.customId === customId);
        if (index < 0) throw new Error(`${document.name} has no result for ${customId}.`);
        await openRowInChat(document, index, results.chat);
      } finally {
        if (!open) document.dispose();
      }
      return true;
    },
    /** For automation and tests: the result marks drawn on a document. */
    [Commands.resultsMarksSnapshot]: () => (uri?: unknown) => {
      const target = uriOf(uri) ?? vscode.window.activeTextEditor?.document.uri;
      return target ? results.marks.snapshot(target) : undefined;
    },
    /** Editor title of the grid: the same file in the text editor. */
    [Commands.resultsReopenAsText]: () => async (uri?: unknown) => {
      const target = uriOf(uri) ?? results.active?.document.uri;
      if (target) await vscode.commands.executeCommand('vscode.openWith', target, 'default');
    },
    /** Writes the rows shown; a target path and a BOM flag skip the questions (automation). */
    [Commands.resultsExportCsv]: () => async (target?: unknown, bom?: unknown) =>
      panel().exportCsv(uriOf(target), typeof bom === 'boolean' ? bom : undefined),
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
