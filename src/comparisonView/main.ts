// Entry point of the comparison webview (dist/comparison.js): the toolbar with its filters and actions, the
// per-column bars, the virtualised grid of test rows × columns and the cell details, and the messages to and
// from the host (src/comparison/protocol.ts).
import { h } from '../webview/dom';
import type { ComparisonFilter } from '../core/experiments/compare';
import { columnTitle } from '../core/experiments/columnTitle';
import {
  emptyComparisonState,
  isComparisonState,
  isHostMessage,
  type ComparisonState,
  type ComparisonSummary,
  type HostMessage,
} from '../comparison/protocol';
import { CellDetailPane } from './cellDetail';
import { ColumnBars } from './columnBars';
import { ComparisonGrid } from './comparisonGrid';
import { comparisonApi, type ComparisonApi } from './vscodeApi';

const SAVE_DELAY_MS = 250;

type FilterKind = ComparisonFilter['kind'];
const FILTERS: { kind: Exclude<FilterKind, 'versus'>; label: string; icon: string }[] = [
  { kind: 'all', label: 'All Rows', icon: 'list-flat' },
  { kind: 'failures', label: 'Failures Only', icon: 'error' },
  { kind: 'disagreements', label: 'Disagreements', icon: 'git-compare' },
];

class ComparisonApp {
  private state: ComparisonState;
  private viewId = -1;
  private seq = 0;
  private restoring = true;
  private summary: ComparisonSummary | undefined;
  private shown: number[] = [];
  private readonly grid: ComparisonGrid;
  private readonly bars = new ColumnBars();
  private readonly pane: CellDetailPane;
  private readonly filterButtons = new Map<FilterKind, HTMLButtonElement>();
  private readonly versusA: HTMLSelectElement;
  private readonly versusB: HTMLSelectElement;
  private readonly judgeButton: HTMLButtonElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly count: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly busy: HTMLElement;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private reportTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ComparisonApi,
    root: HTMLElement,
  ) {
    const saved = api.getState();
    this.state = isComparisonState(saved) ? saved : emptyComparisonState();
    this.grid = new ComparisonGrid({
      needPage: (start) => api.postMessage({ type: 'page', viewId: this.viewId, start }),
      focusChanged: (position) => {
        this.state.focused = position;
        this.save();
      },
      columnFocused: (column) => {
        this.state.column = column;
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
    this.pane = new CellDetailPane({ openLink: (href) => api.postMessage({ type: 'openLink', href }), close: () => this.closeDetail() });

    const tool = (label: string, icon: string, onClick: () => void, extra: Record<string, string> = {}) => {
      const b = h(
        'button',
        { type: 'button', class: 'icon-action', title: label, ...extra },
        h('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }),
        ` ${label}`,
      );
      b.addEventListener('click', onClick);
      return b;
    };
    const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Show rows' });
    for (const f of FILTERS) {
      const b = tool(f.label, f.icon, () => this.setFilter({ kind: f.kind }), { 'aria-pressed': 'false', 'data-filter': f.kind });
      this.filterButtons.set(f.kind, b);
      filters.append(b);
    }
    this.versusA = h('select', { class: 'versus', 'aria-label': 'Compare this column' });
    this.versusB = h('select', { class: 'versus', 'aria-label': 'against this column' });
    const versus = tool('Compare', 'arrow-swap', () => this.applyVersus(), { 'aria-pressed': 'false', 'data-filter': 'versus' });
    this.filterButtons.set('versus', versus);
    for (const select of [this.versusA, this.versusB])
      select.addEventListener('change', () => this.state.filter.kind === 'versus' && this.applyVersus());
    this.count = h('span', { class: 'count', role: 'status', 'aria-live': 'polite' });
    this.judgeButton = tool('Judge Replies', 'law', () => api.postMessage({ type: 'judge' }));
    this.retryButton = tool('Retry Failed Requests', 'debug-rerun', () => api.postMessage({ type: 'retry' }));
    const toolbar = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Comparison' },
      filters,
      h(
        'span',
        { class: 'versus-group', role: 'group', 'aria-label': 'One column against another' },
        this.versusA,
        h('span', {}, 'vs'),
        this.versusB,
        versus,
      ),
      this.count,
      h('span', { class: 'spacer' }),
      this.retryButton,
      this.judgeButton,
      tool('Export CSV', 'export', () => api.postMessage({ type: 'exportCsv' })),
      tool('Score Again', 'refresh', () => api.postMessage({ type: 'rescore' })),
    );
    this.busy = h('div', { class: 'busy', role: 'status', 'aria-live': 'polite', hidden: '' });
    this.notice = h('div', { class: 'notice', role: 'status', hidden: '' });
    root.replaceChildren(toolbar, this.busy, this.notice, this.bars.element, this.grid.element, this.pane.element);
    this.showFilter();
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (isHostMessage(event.data)) this.onMessage(event.data);
    });
    api.postMessage({ type: 'ready', state: isComparisonState(saved) ? saved : null });
  }

  private onMessage(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        this.state = message.state ?? this.state;
        document.title = message.title;
        this.restoring = true;
        this.showFilter();
        return;
      case 'summary':
        this.summary = message.summary;
        this.notice.hidden = !message.notice;
        this.notice.textContent = message.notice ?? '';
        this.judgeButton.disabled = !message.summary.judgeable;
        this.judgeButton.title = message.summary.judgeable ? 'Judge Replies' : 'The experiment has no llm-rubric assertion to judge.';
        this.retryButton.hidden = !message.summary.columns.some((c) => c.errors > 0);
        this.fillVersus();
        this.bars.render(message.summary, this.shown.length ? this.shown : message.summary.columns.map((c) => c.index));
        return;
      case 'view': {
        const same = message.viewId === this.viewId;
        this.viewId = message.viewId;
        this.shown = [...message.columns];
        if (this.summary) {
          this.grid.setColumns(this.shown, this.summary.columns);
          this.bars.render(this.summary, this.shown);
        }
        this.grid.setView(message.count, same);
        this.count.textContent = `${message.count.toLocaleString('en-US')} row${message.count === 1 ? '' : 's'}`;
        if (this.restoring) {
          this.restoring = false;
          this.grid.scrollTo(this.state.scrollTop);
          this.grid.setFocus(this.state.focused);
          this.grid.setColumnFocus(this.state.column);
        } else if (!same) {
          this.grid.scrollTo(0);
          this.grid.setFocus(0);
        }
        if (this.pane.shown) this.closeDetail(false);
        this.report();
        return;
      }
      case 'rows':
        if (message.viewId === this.viewId) this.grid.addPage(message.start, message.rows);
        return;
      case 'detail':
        this.pane.show(message.detail);
        return;
      case 'busy':
        this.busy.hidden = message.text === null;
        this.busy.textContent = message.text ?? '';
        return;
      case 'setFilter':
        this.setFilter(message.filter);
        return;
    }
  }

  private fillVersus(): void {
    const columns = this.summary?.columns ?? [];
    const current = this.state.filter.kind === 'versus' ? this.state.filter : { a: 0, b: Math.min(1, columns.length - 1) };
    for (const [select, selected] of [
      [this.versusA, current.a],
      [this.versusB, current.b],
    ] as const) {
      select.replaceChildren(
        ...columns.map((c) => h('option', { value: String(c.index), selected: c.index === selected ? '' : undefined }, columnTitle(c))),
      );
      select.disabled = columns.length < 2;
    }
    this.filterButtons.get('versus')!.disabled = columns.length < 2;
  }

  private applyVersus(): void {
    const a = Number(this.versusA.value);
    const b = Number(this.versusB.value);
    if (a === b) {
      this.busy.hidden = false;
      this.busy.textContent = 'Pick two different columns to compare.';
      return;
    }
    this.setFilter({ kind: 'versus', a, b });
  }

  private setFilter(filter: ComparisonFilter): void {
    this.state.filter = filter;
    this.state.focused = 0;
    this.state.scrollTop = 0;
    this.showFilter();
    this.save();
    this.api.postMessage({ type: 'query', filter, seq: ++this.seq });
  }

  private showFilter(): void {
    for (const [kind, button] of this.filterButtons) button.setAttribute('aria-pressed', String(kind === this.state.filter.kind));
    if (this.state.filter.kind === 'versus') {
      this.versusA.value = String(this.state.filter.a);
      this.versusB.value = String(this.state.filter.b);
    }
  }

  private toggleDetail(position: number): void {
    const row = this.grid.rowAt(position);
    const column = this.grid.focusedColumn;
    if (!row || column === undefined || !this.summary) return;
    const shown = this.pane.shown;
    if (shown && shown.index === row.index && shown.column === column) {
      this.closeDetail();
      return;
    }
    const info = this.summary.columns[column];
    this.pane.open(row.index, column, `Row ${row.row} · ${info ? columnTitle(info) : ''}`);
    this.grid.setDetail({ index: row.index, column });
    this.grid.element.setAttribute('aria-controls', 'detail');
    this.api.postMessage({ type: 'expand', index: row.index, column });
    this.report();
  }

  private closeDetail(focusGrid = true): void {
    if (!this.pane.shown) return;
    this.pane.close();
    this.grid.setDetail(null);
    if (focusGrid) this.grid.element.focus();
    this.report();
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
      this.api.postMessage({
        type: 'rendered',
        report: {
          viewId: this.viewId,
          count: this.grid.rowCount,
          first: this.grid.firstInDom,
          rowsInDom: this.grid.rowsInDom,
          rows: this.grid.rowsShown().map((r) => r?.row ?? null),
          columns: this.shown,
          passRates: this.bars.passRates,
          judgeScores: this.bars.judgeScores,
          outcomes: this.grid.outcomesShown(),
          detail: this.pane.shown,
        },
      });
    }, 30);
  }
}

new ComparisonApp(comparisonApi(), document.body);
