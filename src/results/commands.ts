import * as vscode from 'vscode';
import { uriOf } from '../commandArgs';
import { CANCELLED, shownError, type CommandFactories, type Outcome } from '../commands';
import { Commands } from '../constants';
import { waitFor } from '../core/util/waitFor';
import { isRowQuery, RESULTS_VIEW_TYPE } from './protocol';
import { ResultsDocument } from './resultsDocument';
import { openRowInChat } from './resultsPanel';
import type { ResultsFeature } from './feature';
import type { ResultsSnapshot } from './resultsPanel';

/** Open in Results: the grid shows the row, expanded. Open in Chat: the row's request and reply are in the chat. */
export type OpenRowOutcome = Outcome<{ readonly status: 'revealed' | 'opened' }>;
/** Export CSV: where the rows went; `cancelled` when the person kept an existing file or dismissed a question. */
export type ExportOutcome = Outcome<{ readonly status: 'written'; readonly path: string }>;

export function resultsCommands(results: ResultsFeature): CommandFactories {
  const panel = () => {
    const active = results.active;
    if (!active) throw new Error('Open a results file in the kluster Results grid first.');
    return active;
  };
  return {
    /** From the input file's hover: the results grid, at the row of `customId`. */
    [Commands.resultsOpenAt]:
      () =>
      async (resultsArg: unknown, customId: unknown): Promise<OpenRowOutcome> => {
        const uri = uriOf(resultsArg);
        if (!uri || typeof customId !== 'string') return shownError('Open in Results needs a results file and a custom_id.');
        await vscode.commands.executeCommand('vscode.openWith', uri, RESULTS_VIEW_TYPE);
        const grid = await waitFor('the results grid', () => results.panelFor(uri));
        await waitFor(`${grid.document.name} to be read`, () => grid.document.complete, 120_000);
        if (!(await grid.reveal(customId))) return shownError(`${grid.document.name} has no result for ${customId}.`);
        return { status: 'revealed' };
      },
    /** From the input file's hover: the request and its reply in the chat panel. */
    [Commands.resultsOpenInChat]:
      () =>
      async (resultsArg: unknown, customId: unknown): Promise<OpenRowOutcome> => {
        const uri = uriOf(resultsArg);
        if (!uri || typeof customId !== 'string') return shownError('Open in Chat needs a results file and a custom_id.');
        const open = results.panelFor(uri)?.document;
        const document = open ?? new ResultsDocument(uri);
        try {
          if (!open) await document.load();
          const index = document.rows.findIndex((r) => r.customId === customId);
          if (index < 0) return shownError(`${document.name} has no result for ${customId}.`);
          return (await openRowInChat(document, index, results.chat)) ?? { status: 'opened' };
        } finally {
          if (!open) document.dispose();
        }
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
    [Commands.resultsExportCsv]:
      () =>
      async (target?: unknown, bom?: unknown): Promise<ExportOutcome> => {
        const written = await panel().exportCsv(uriOf(target), typeof bom === 'boolean' ? bom : undefined);
        return written ? { status: 'written', path: written.fsPath } : CANCELLED;
      },
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
