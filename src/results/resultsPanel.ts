// The host end of one results grid tab: answers the webview's queries and page requests from the document's
// rows, reads a row whole for its details, and carries out the row actions.
import * as path from 'path';
import * as vscode from 'vscode';
import { webviewOptions, webviewPage } from '../chat/webviewPage';
import type { Failed } from '../commands';
import { Commands } from '../constants';
import type { Container } from '../container';
import { fromRequestLine } from '../core/chat/conversation';
import { COLUMNS, queryRows, type ColumnId, type RowQuery } from '../core/results/query';
import type { RowStatus } from '../core/results/rows';
import { Disposable } from '../lifecycle';
import { exportCsv } from './exportCsv';
import {
  emptyGridState,
  isGridState,
  isWebviewMessage,
  PAGE_ROWS,
  type GridState,
  type HostMessage,
  type RenderReport,
  type RowAction,
  type WebviewMessage,
} from './protocol';
import type { ResultsDocument } from './resultsDocument';
import type { ChatFeature } from '../chat/feature';
import { stateFromConversation } from '../chat/protocol';
import { openReplyLink } from '../chat/replyLinks';

/** What the grid shows, as the extension last heard it (kluster.results.snapshot). */
export interface ResultsSnapshot {
  readonly file: string;
  readonly ready: boolean;
  readonly indexed: number;
  readonly complete: boolean;
  readonly inputKnown: boolean;
  readonly state: GridState;
  readonly report: RenderReport | undefined;
  /** Rows by status, and the columns shown (attempts and origin appear once a merge recorded them). */
  readonly byStatus: Record<RowStatus, number>;
  readonly columns: readonly ColumnId[];
  /** Milliseconds from opening to the first rows in the webview, and to the end of indexing. */
  readonly timings: { readonly firstRowsMs: number; readonly indexMs: number };
}

const isIdentity = (query: RowQuery) =>
  !query.sort && !query.statuses?.length && !query.models?.length && !query.finishReasons?.length && !query.text?.trim();

export class ResultsPanel extends Disposable {
  private ready = false;
  private state: GridState;
  private viewId = 0;
  /** Row indexes of the current view, in order; undefined: every row in file order. */
  private view: number[] | undefined;
  private query: RowQuery = {};
  private report: RenderReport | undefined;
  private firstRowsAt = 0;
  private readonly openedAt = Date.now();

  constructor(
    readonly document: ResultsDocument,
    readonly panel: vscode.WebviewPanel,
    private readonly container: Container,
    private readonly chat: ChatFeature,
  ) {
    super();
    const saved = container.workspaceState.get('kluster.results.gridState')?.[document.uri.toString()];
    this.state = isGridState(saved) ? saved : emptyGridState();
    panel.webview.options = webviewOptions(container.context.extensionUri);
    this._register(
      panel.webview.onDidReceiveMessage((message: unknown) =>
        this.onMessage(message).catch((error: unknown) => {
          container.log.error('results', 'a results grid request failed', error);
          void vscode.window.showErrorMessage(`kluster: ${error instanceof Error ? error.message : String(error)}`);
        }),
      ),
    );
    this._register(document.onDidProgress((p) => this.onProgress(p.complete)));
    this._register(document.onDidReset(() => this.post({ type: 'reset', notice: `${document.name} changed on disk; reading it again.` })));
    this._register(panel.onDidChangeViewState(() => !panel.visible && (this.ready = false)));
    panel.webview.html = webviewPage(panel.webview, container.context.extensionUri, {
      title: document.name,
      script: 'dist/results.js',
      stylesheet: 'dist/results-style.css',
    });
  }

  snapshot(): ResultsSnapshot {
    const t = this.document.timings;
    return {
      file: this.document.uri.fsPath,
      ready: this.ready,
      indexed: this.document.rows.length,
      complete: this.document.complete,
      inputKnown: this.document.inputKnown,
      state: this.state,
      report: this.report,
      byStatus: this.document.summary().byStatus,
      columns: this.visibleColumns(),
      timings: { firstRowsMs: this.firstRowsAt ? this.firstRowsAt - this.openedAt : 0, indexMs: t.finished ? t.finished - t.started : 0 },
    };
  }

  /** Applies a query as if the user had set it in the grid (automation, tests). */
  setQuery(query: RowQuery): void {
    this.post({ type: 'setQuery', query });
  }

  /** Shows the row of `customId` in file order, focused and expanded (Open in Results from the input's hover). */
  async reveal(customId: string): Promise<boolean> {
    const index = this.document.rows.findIndex((r) => r.customId === customId);
    if (index < 0) return false;
    this.post({ type: 'setQuery', query: {}, focus: { position: index, expand: true } });
    return true;
  }

  async exportCsv(target?: vscode.Uri, bom?: boolean): Promise<vscode.Uri | undefined> {
    const columns = this.report ? this.visibleColumns() : [...COLUMNS];
    return exportCsv(this.document, this.rowsInView(), columns, target, bom);
  }

  private visibleColumns(): ColumnId[] {
    const rows = this.document.rows;
    return COLUMNS.filter(
      (c) => (c !== 'attempts' && c !== 'origin') || rows.some((r) => (c === 'attempts' ? r.attempts > 1 : r.origin !== null)),
    );
  }

  private rowsInView() {
    const rows = this.document.rows;
    return this.view ? this.view.map((i) => rows[i]!) : rows;
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private onProgress(complete: boolean): void {
    if (!this.ready) return;
    this.post({
      type: 'progress',
      indexed: this.document.rows.length,
      complete,
      summary: this.document.summary(),
      columns: this.visibleColumns(),
      notice: complete ? this.document.notice : undefined,
    });
    // Rows in file order only grow while indexing: the same view, longer. Any other view is computed again.
    if (isIdentity(this.query)) {
      this.post({ type: 'view', viewId: this.viewId, count: this.document.rows.length });
      if (!this.firstRowsAt) this.sendPage(this.viewId, 0); // the grid asked before the first rows were read
    } else if (complete) this.runQuery(++this.viewId, this.query);
  }

  private runQuery(viewId: number, query: RowQuery, seq?: number): void {
    this.viewId = viewId;
    this.query = query;
    this.view = isIdentity(query) ? undefined : queryRows(this.document.rows, query);
    this.post({ type: 'view', viewId, count: this.view ? this.view.length : this.document.rows.length, seq });
    // The first page goes with the view, without waiting for the webview to ask (one round trip less).
    this.sendPage(viewId, 0);
  }

  private sendPage(viewId: number, start: number): void {
    const rows = this.document.rows;
    const indexes = this.view;
    const end = Math.min(start + PAGE_ROWS, indexes ? indexes.length : rows.length);
    const page = [];
    for (let i = start; i < end; i++) page.push(rows[indexes ? indexes[i]! : i]!);
    if (page.length === 0 && start === 0) return;
    if (page.length && !this.firstRowsAt) this.firstRowsAt = Date.now();
    this.post({ type: 'rows', viewId, start, rows: page });
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.container.log.warn('results', 'ignored a malformed message from the results grid');
      return;
    }
    const message: WebviewMessage = raw;
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const state = message.state ?? this.state;
        this.state = state;
        this.post({
          type: 'init',
          file: this.document.name,
          state,
          inputKnown: this.document.inputKnown,
          notice: this.document.notice,
        });
        this.onProgress(this.document.complete);
        return;
      }
      case 'query':
        return this.runQuery(++this.viewId, message.query, message.seq);
      case 'page':
        if (message.viewId === this.viewId) this.sendPage(message.viewId, message.start);
        return;
      case 'expand': {
        const detail = await this.document.detail(message.index);
        if (detail) this.post({ type: 'detail', row: this.document.rows[message.index]!, detail });
        return;
      }
      case 'action':
        return this.act(message.action, message.index);
      case 'exportCsv':
        await exportCsv(this.document, this.rowsInView(), message.columns);
        return;
      case 'refresh':
        return this.document.reload();
      case 'retryFailed':
        await vscode.commands.executeCommand(Commands.retryFailed, this.document.uri);
        return;
      case 'state': {
        this.state = message.state;
        const all = this.container.workspaceState.get('kluster.results.gridState') ?? {};
        await this.container.workspaceState.update('kluster.results.gridState', { ...all, [this.document.uri.toString()]: message.state });
        return;
      }
      case 'rendered':
        this.report = message.report;
        return;
      case 'openLink':
        return openReplyLink(this.container.log, 'results', message.href);
    }
  }

  private async act(action: RowAction, index: number): Promise<void> {
    const row = this.document.rows[index];
    if (!row) return;
    const input = this.document.inputPathOf(row);
    switch (action) {
      case 'openInput': {
        if (!input || row.line === null) {
          void vscode.window.showWarningMessage(
            row.line === null ? 'This result matches no input line.' : `The input file of ${this.document.name} is not beside it.`,
          );
          return;
        }
        const position = new vscode.Position(row.line - 1, 0);
        await vscode.window.showTextDocument(vscode.Uri.file(input), {
          viewColumn: vscode.ViewColumn.Beside,
          selection: new vscode.Range(position, position),
        });
        return;
      }
      case 'copyReply': {
        const detail = await this.document.detail(index);
        await vscode.env.clipboard.writeText(detail?.reply ?? '');
        vscode.window.setStatusBarMessage(detail?.reply ? '$(check) Reply copied to the clipboard' : 'This row has no reply', 2000);
        return;
      }
      case 'openInChat':
        await openRowInChat(this.document, index, this.chat);
        return;
    }
  }
}

/** Loads a row's request and its reply into the chat panel as a conversation to continue. */
export async function openRowInChat(document: ResultsDocument, index: number, chat: ChatFeature): Promise<Failed | undefined> {
  const row = document.rows[index];
  const text = row && row.request !== '' ? await document.requestText(row) : undefined;
  if (!row || !text) {
    const message =
      row && row.line !== null && document.inputPathOf(row)
        ? `Input line ${row.line} of ${path.basename(document.inputPathOf(row)!)} holds another request now (the input was edited), so ${row.customId ?? 'this row'} cannot be opened in chat.`
        : 'The request of this row is not known (no input file beside the results, or the line was edited), so it cannot be opened in chat.';
    void vscode.window.showWarningMessage(message);
    return { status: 'failed', message };
  }
  const loaded = fromRequestLine(text);
  const reply = (await document.detail(index))?.reply;
  if (reply) loaded.conversation.messages.push({ role: 'assistant', text: reply });
  const where = `${path.basename(document.inputPathOf(row)!)}:${row.line}`;
  chat
    .open()
    .load(
      stateFromConversation(loaded.conversation),
      `Loaded ${row.customId ?? 'the request'} from ${where}${reply ? ' with its reply' : ''}.`,
    );
  return undefined;
}
