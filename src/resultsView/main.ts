// Entry point of the results grid webview (dist/results.js): the toolbar and filter, the summary bars, the
// virtualised grid and the details pane, and the messages to and from the host (src/results/protocol.ts).
import { h } from '../webview/dom';
import { COLUMNS, type ColumnId, type RowQuery } from '../core/results/query';
import type { ResultRow } from '../core/results/rows';
import { emptyGridState, isGridState, isHostMessage, type GridState, type HostMessage } from '../results/protocol';
import { DetailPane } from './detail';
import { Grid } from './grid';
import { SummaryBars } from './summaryBars';
import { gridApi, type GridApi } from './vscodeApi';

const FILTER_DELAY_MS = 200;
const SAVE_DELAY_MS = 250;
const DEFAULT_COLUMNS = COLUMNS.filter((c) => c !== 'attempts' && c !== 'origin');

class ResultsApp {
  private state: GridState;
  private viewId = -1;
  private columns: ColumnId[] = [...DEFAULT_COLUMNS];
  /** Scroll position and focus to restore once the first view after `init` arrives. */
  private restoring = true;
  private readonly grid: Grid;
  private readonly bars: SummaryBars;
  private readonly pane: DetailPane;
  private readonly filter: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly notice: HTMLElement;
  /** Shown while the file has failed or missing rows. */
  private readonly retry: HTMLButtonElement;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private reportTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSummary: Parameters<SummaryBars['render']> | undefined;
  private seq = 0;
  /** A row to focus once the view of query `seq` is here (Open in Results). */
  private pendingFocus: { seq: number; position: number; expand: boolean } | undefined;

  constructor(
    private readonly api: GridApi,
    root: HTMLElement,
  ) {
    const saved = api.getState();
    this.state = isGridState(saved) ? saved : emptyGridState();
    this.grid = new Grid({
      needPage: (start) => api.postMessage({ type: 'page', viewId: this.viewId, start }),
      sortChanged: (sort) => this.setQuery({ ...this.state.query, sort }),
      widthsChanged: (widths) => {
        this.state.widths = widths;
        this.save();
      },
      focusChanged: (position) => {
        this.state.focused = position;
        this.save();
      },
      toggleDetail: (position) => this.toggleDetail(position),
      closeDetail: () => this.closeDetail(),
      rendered: () => this.report(),
      scrolled: (top) => {
        if (this.restoring) return;
        this.state.scrollTop = top;
        this.save();
      },
    });
    this.bars = new SummaryBars((kind, value) => {
      const current = (this.state.query[kind] as readonly string[] | undefined) ?? [];
      const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
      this.setQuery({ ...this.state.query, [kind]: next.length ? next : undefined });
    });
    this.pane = new DetailPane({
      act: (action, index) => api.postMessage({ type: 'action', action, index }),
      openLink: (href) => api.postMessage({ type: 'openLink', href }),
      close: () => this.closeDetail(),
    });
    this.filter = h('input', {
      type: 'search',
      class: 'filter',
      placeholder: 'Filter rows: custom_id, model, request, reply, error  ( / )',
      'aria-label': 'Filter rows',
      spellcheck: 'false',
    });
    this.filter.addEventListener('input', () => {
      clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.setQuery({ ...this.state.query, text: this.filter.value || undefined }), FILTER_DELAY_MS);
    });
    this.filter.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' || event.key === 'ArrowDown' || event.key === 'Enter') {
        event.preventDefault();
        this.grid.element.focus();
      }
    });
    this.count = h('span', { class: 'count', role: 'status', 'aria-live': 'polite' });
    const tool = (label: string, icon: string, onClick: () => void) => {
      const b = h(
        'button',
        { type: 'button', class: 'icon-action', title: label },
        h('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }),
        ` ${label}`,
      );
      b.addEventListener('click', onClick);
      return b;
    };
    const clear = tool('Clear Filters', 'clear-all', () => {
      this.filter.value = '';
      this.setQuery({ sort: this.state.query.sort });
    });
    this.retry = tool('Retry Failed Requests', 'debug-rerun', () => api.postMessage({ type: 'retryFailed' }));
    this.retry.hidden = true;
    const toolbar = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Results' },
      h('span', { class: 'codicon codicon-filter', 'aria-hidden': 'true' }),
      this.filter,
      clear,
      this.count,
      h('span', { class: 'spacer' }),
      this.retry,
      tool('Export CSV', 'export', () => api.postMessage({ type: 'exportCsv', columns: this.columns })),
      tool('Refresh', 'refresh', () => api.postMessage({ type: 'refresh' })),
    );
    this.notice = h('div', { class: 'notice', role: 'status', hidden: '' });
    root.replaceChildren(toolbar, this.bars.element, this.notice, this.grid.element, this.pane.element);
    this.grid.setColumns(this.columns, this.state.widths, this.state.query.sort);
    document.addEventListener('keydown', (event) => {
      const target = event.target as HTMLElement;
      if (event.key === '/' && !target.closest('input, textarea')) {
        event.preventDefault();
        this.filter.focus();
        this.filter.select();
      }
    });
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (isHostMessage(event.data)) this.onMessage(event.data);
    });
    api.postMessage({ type: 'ready', state: isGridState(saved) ? saved : null });
  }

  private onMessage(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        this.state = message.state ?? this.state;
        this.filter.value = this.state.query.text ?? '';
        this.showNotice(message.notice);
        this.grid.setColumns(this.columns, this.state.widths, this.state.query.sort);
        this.restoring = true;
        this.api.postMessage({ type: 'query', query: this.state.query, seq: ++this.seq });
        return;
      case 'progress': {
        if (message.columns.join() !== this.columns.join()) {
          this.columns = [...message.columns];
          this.grid.setColumns(this.columns, this.state.widths, this.state.query.sort);
        }
        if (message.complete) this.showNotice(message.notice);
        this.retry.hidden = message.summary.byStatus.failed + message.summary.byStatus.missing === 0;
        this.lastSummary = [message.summary, this.state.query, message.indexed, message.complete];
        this.bars.render(...this.lastSummary);
        return;
      }
      case 'view': {
        const same = message.viewId === this.viewId;
        this.viewId = message.viewId;
        this.grid.setView(message.count, same);
        this.count.textContent = `${message.count.toLocaleString('en-US')} row${message.count === 1 ? '' : 's'}`;
        if (this.restoring && !same) {
          this.restoring = false;
          this.grid.scrollTo(this.state.scrollTop);
          this.grid.setFocus(this.state.focused);
          if (this.state.detail !== null) this.api.postMessage({ type: 'expand', index: this.state.detail });
        } else if (!same) {
          this.grid.scrollTo(0);
          this.grid.setFocus(0);
        }
        if (this.pendingFocus && message.seq === this.pendingFocus.seq) {
          this.focus(this.pendingFocus.position, this.pendingFocus.expand);
          this.pendingFocus = undefined;
        }
        this.report();
        return;
      }
      case 'rows':
        if (message.viewId === this.viewId) this.grid.addPage(message.start, message.rows);
        return;
      case 'detail':
        if (this.pane.shown !== message.row.index) this.openPane(message.row);
        this.pane.show(message.row, message.detail);
        return;
      case 'reset':
        this.showNotice(message.notice);
        this.restoring = true;
        this.viewId = -1;
        this.api.postMessage({ type: 'query', query: this.state.query, seq: ++this.seq });
        return;
      case 'setQuery':
        this.filter.value = message.query.text ?? '';
        this.setQuery(message.query);
        if (message.focus) this.pendingFocus = { seq: this.seq, ...message.focus };
        return;
    }
  }

  private focus(position: number, expand: boolean): void {
    this.grid.setFocus(position, true);
    this.grid.element.focus();
    if (expand) this.api.postMessage({ type: 'expand', index: position });
  }

  private setQuery(query: RowQuery): void {
    this.state.query = query;
    this.state.focused = 0;
    this.state.scrollTop = 0;
    this.grid.setColumns(this.columns, this.state.widths, query.sort);
    if (this.lastSummary) {
      this.lastSummary[1] = query;
      this.bars.render(...this.lastSummary);
    }
    this.save();
    this.api.postMessage({ type: 'query', query, seq: ++this.seq });
  }

  private toggleDetail(position: number, open = false): void {
    const row = this.grid.rowAt(position);
    if (!row) return;
    if (this.pane.shown === row.index && !open) {
      this.closeDetail();
      return;
    }
    this.openPane(row);
    this.api.postMessage({ type: 'expand', index: row.index });
  }

  private openPane(row: ResultRow): void {
    this.pane.open(row);
    this.state.detail = row.index;
    this.grid.setDetail(row.index);
    this.grid.element.setAttribute('aria-controls', 'detail');
    this.save();
    this.report();
  }

  private closeDetail(): void {
    if (this.pane.shown === null) return;
    this.pane.close();
    this.state.detail = null;
    this.grid.setDetail(null);
    this.grid.element.focus();
    this.save();
    this.report();
  }

  private showNotice(text: string | undefined): void {
    this.notice.hidden = !text;
    this.notice.textContent = text ?? '';
  }

  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.api.setState(this.state);
      this.api.postMessage({ type: 'state', state: this.state });
    }, SAVE_DELAY_MS);
  }

  /** Tells the host what is on screen, once the DOM settles. */
  private report(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      if (this.viewId < 0) return;
      const shown = this.grid.rowsShown();
      this.api.postMessage({
        type: 'rendered',
        report: {
          viewId: this.viewId,
          count: this.grid.rowCount,
          first: this.grid.firstInDom,
          rowsInDom: this.grid.rowsInDom,
          customIds: shown.map((r) => r?.customId ?? null),
          detail: this.pane.shown,
        },
      });
    }, 30);
  }
}

new ResultsApp(gridApi(), document.body);
