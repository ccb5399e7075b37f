// The results grid in VS Code: a read-only custom editor "kluster Results" for `*.results.jsonl` (and, on
// Reopen With…, any JSONL of batch results), and its commands.
import * as vscode from 'vscode';
import type { ChatFeature } from '../chat/feature';
import type { CommandFactories } from '../commands';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';
import { resultsCommands } from './commands';
import { RAW_RESULTS_VIEW_TYPE, RESULTS_VIEW_TYPE } from './protocol';
import { ResultsDocument } from './resultsDocument';
import { ResultsPanel } from './resultsPanel';
import { OutcomeMarks } from './outcomeMarks';

export class ResultsFeature extends Disposable implements vscode.CustomReadonlyEditorProvider<ResultsDocument> {
  private readonly panels = new Set<ResultsPanel>();
  private activePanel: ResultsPanel | undefined;
  readonly marks: OutcomeMarks;
  readonly commands: CommandFactories = resultsCommands(this);

  constructor(
    readonly container: Container,
    readonly chat: ChatFeature,
  ) {
    super();
    this.marks = this._register(new OutcomeMarks(container));
    for (const viewType of [RESULTS_VIEW_TYPE, RAW_RESULTS_VIEW_TYPE]) {
      this._register(
        vscode.window.registerCustomEditorProvider(viewType, this, {
          supportsMultipleEditorsPerDocument: true,
          webviewOptions: { retainContextWhenHidden: false },
        }),
      );
    }
  }

  /** The grid tab in front, else the one used last. */
  get active(): ResultsPanel | undefined {
    return [...this.panels].find((p) => p.panel.active) ?? this.activePanel;
  }

  /** The grid tab of `uri` whose webview is ready, if any. */
  panelFor(uri: vscode.Uri): ResultsPanel | undefined {
    return [...this.panels].find((p) => p.document.uri.fsPath === uri.fsPath && p.snapshot().ready);
  }

  async openCustomDocument(uri: vscode.Uri): Promise<ResultsDocument> {
    const document = new ResultsDocument(uri);
    void document.load().catch((error: unknown) => this.container.log.error('results', `reading ${uri.fsPath} failed`, error));
    return document;
  }

  async resolveCustomEditor(document: ResultsDocument, panel: vscode.WebviewPanel): Promise<void> {
    const grid = new ResultsPanel(document, panel, this.container, this.chat);
    this.panels.add(grid);
    this.activePanel = grid;
    panel.onDidChangeViewState(() => {
      if (panel.active) this.activePanel = grid;
    });
    panel.onDidDispose(() => {
      this.panels.delete(grid);
      if (this.activePanel === grid) this.activePanel = undefined;
      grid.dispose();
    });
  }
}
