// The virtualised grid: a header that sorts and resizes, and only the rows on screen (plus a few either side)
// in the DOM, positioned in a body as tall as all rows. Rows come in pages from the host; a row whose page has
// not arrived shows as a placeholder until it does. ARIA grid roles; the grid keeps focus and points at the
// focused row with aria-activedescendant.
import { h } from '../webview/dom';
import { COLUMN_TITLES, type ColumnId, type RowSort } from '../core/results/query';
import type { ResultRow, RowStatus } from '../core/results/rows';
import { PAGE_ROWS } from '../results/protocol';

export const ROW_HEIGHT = 24;
/** Rows rendered beyond each edge of the viewport, so a scroll of a few rows shows no gap. */
const OVERSCAN = 15;

export const DEFAULT_WIDTHS: Record<ColumnId, number> = {
  line: 56,
  customId: 160,
  status: 110,
  model: 200,
  request: 260,
  reply: 320,
  finishReason: 80,
  promptTokens: 70,
  completionTokens: 70,
  error: 220,
  attempts: 70,
  origin: 160,
};
const MIN_WIDTH = 40;
const NUMERIC: ReadonlySet<ColumnId> = new Set(['line', 'promptTokens', 'completionTokens', 'attempts']);

export const STATUS_ICONS: Record<RowStatus, string> = {
  succeeded: 'pass',
  failed: 'error',
  missing: 'circle-slash',
  unmatched: 'question',
};

export function statusBadge(status: RowStatus): HTMLElement {
  return h(
    'span',
    { class: `status status-${status}` },
    h('span', { class: `codicon codicon-${STATUS_ICONS[status]}`, 'aria-hidden': 'true' }),
    ` ${status}`,
  );
}

export interface GridCallbacks {
  /** A page (start, PAGE_ROWS rows) is needed on screen. */
  needPage(start: number): void;
  sortChanged(sort: RowSort | undefined): void;
  widthsChanged(widths: Partial<Record<ColumnId, number>>): void;
  focusChanged(position: number): void;
  toggleDetail(position: number): void;
  closeDetail(): void;
  /** The DOM changed: what it shows now (for reports). */
  rendered(): void;
  scrolled(scrollTop: number): void;
}

export class Grid {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private columns: ColumnId[] = [];
  private widths: Partial<Record<ColumnId, number>> = {};
  private sort: RowSort | undefined;
  private count = 0;
  private pages = new Map<number, readonly ResultRow[]>();
  private readonly requested = new Set<number>();
  private readonly mounted = new Map<number, { element: HTMLElement; row: ResultRow | undefined }>();
  focused = 0;
  private detailIndex: number | null = null;
  private frame = 0;

  constructor(private readonly callbacks: GridCallbacks) {
    this.header = h('div', { class: 'row header', role: 'row', 'aria-rowindex': '1' });
    this.body = h('div', { class: 'body', role: 'rowgroup' });
    this.viewport = h('div', { class: 'viewport' }, h('div', { class: 'head', role: 'rowgroup' }, this.header), this.body);
    this.element = h(
      'div',
      { class: 'grid', role: 'grid', tabindex: '0', 'aria-label': 'Results', 'aria-multiselectable': 'false' },
      this.viewport,
    );
    this.viewport.addEventListener('scroll', () => {
      this.schedule();
      this.callbacks.scrolled(this.viewport.scrollTop);
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('click', (event) => {
      const rowElement = (event.target as HTMLElement).closest<HTMLElement>('.row');
      if (!rowElement) return;
      const position = Number(rowElement.dataset.position);
      this.setFocus(position);
      this.callbacks.toggleDetail(position);
      this.element.focus({ preventScroll: true });
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  get rowsInDom(): number {
    return this.mounted.size;
  }

  get firstInDom(): number {
    return this.mounted.size ? Math.min(...this.mounted.keys()) : 0;
  }

  /** The rows in the DOM, in order (undefined: page not arrived yet). */
  rowsShown(): (ResultRow | undefined)[] {
    return [...this.mounted.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m.row);
  }

  rowAt(position: number): ResultRow | undefined {
    return this.pages.get(Math.floor(position / PAGE_ROWS) * PAGE_ROWS)?.[position % PAGE_ROWS];
  }

  get rowCount(): number {
    return this.count;
  }

  setColumns(columns: readonly ColumnId[], widths: Partial<Record<ColumnId, number>>, sort: RowSort | undefined): void {
    this.columns = [...columns];
    this.widths = { ...widths };
    this.sort = sort;
    this.element.setAttribute('aria-colcount', String(this.columns.length));
    this.header.replaceChildren(...this.columns.map((column, i) => this.headerCell(column, i)));
    this.applyWidths();
    for (const [, m] of this.mounted) m.element.remove();
    this.mounted.clear();
    this.schedule();
  }

  /** A new view: its row count; cached rows are dropped unless `keepPages` (the same view, grown). */
  setView(count: number, keepPages: boolean): void {
    this.count = count;
    if (!keepPages) {
      this.pages = new Map();
      this.requested.clear();
      for (const [, m] of this.mounted) m.element.remove();
      this.mounted.clear();
    }
    this.element.setAttribute('aria-rowcount', String(count + 1));
    this.body.style.height = `${count * ROW_HEIGHT}px`;
    if (this.focused >= count) this.focused = Math.max(0, count - 1);
    this.schedule();
  }

  addPage(start: number, rows: readonly ResultRow[]): void {
    this.pages.set(start, rows);
    this.requested.delete(start);
    // Rows already mounted as placeholders are filled in.
    for (const [position, m] of this.mounted) {
      if (position >= start && position < start + rows.length && !m.row) this.fill(m.element, position, rows[position - start]);
    }
    this.updateActive();
    this.callbacks.rendered();
  }

  setDetail(index: number | null): void {
    this.detailIndex = index;
    for (const [, m] of this.mounted) m.element.setAttribute('aria-expanded', String(m.row !== undefined && m.row.index === index));
  }

  scrollTo(top: number): void {
    this.viewport.scrollTop = top;
    this.schedule();
  }

  setFocus(position: number, reveal = false): void {
    if (this.count === 0) return;
    this.focused = Math.max(0, Math.min(this.count - 1, position));
    if (reveal) {
      const top = this.focused * ROW_HEIGHT;
      const headerHeight = this.header.offsetHeight;
      const visible = this.viewport.clientHeight - headerHeight;
      if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
      else if (top + ROW_HEIGHT > this.viewport.scrollTop + visible) this.viewport.scrollTop = top + ROW_HEIGHT - visible;
    }
    this.updateActive();
    this.callbacks.focusChanged(this.focused);
    this.schedule();
  }

  private headerCell(column: ColumnId, i: number): HTMLElement {
    const sorted = this.sort?.column === column ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
    const icon =
      sorted === 'none'
        ? undefined
        : h('span', { class: `codicon codicon-arrow-${sorted === 'ascending' ? 'up' : 'down'}`, 'aria-hidden': 'true' });
    const label = h('button', { type: 'button', class: 'sort', title: `Sort by ${COLUMN_TITLES[column]}` }, COLUMN_TITLES[column], icon);
    label.addEventListener('click', () => {
      // Ascending, then descending, then the file's order.
      const next: RowSort | undefined =
        sorted === 'none' ? { column, descending: false } : sorted === 'ascending' ? { column, descending: true } : undefined;
      this.callbacks.sortChanged(next);
    });
    const handle = h('span', { class: 'resize', 'aria-hidden': 'true', title: 'Drag to resize' });
    handle.addEventListener('pointerdown', (event) => this.startResize(event, column, handle));
    return h(
      'div',
      {
        class: `cell${NUMERIC.has(column) ? ' numeric' : ''}`,
        role: 'columnheader',
        'aria-colindex': String(i + 1),
        'aria-sort': sorted,
        'data-column': column,
      },
      label,
      handle,
    );
  }

  private startResize(event: PointerEvent, column: ColumnId, handle: HTMLElement): void {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = this.widthOf(column);
    const move = (e: PointerEvent) => {
      this.widths[column] = Math.max(MIN_WIDTH, Math.round(startWidth + e.clientX - startX));
      this.applyWidths();
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      this.callbacks.widthsChanged({ ...this.widths });
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  }

  private widthOf(column: ColumnId): number {
    return this.widths[column] ?? DEFAULT_WIDTHS[column];
  }

  private applyWidths(): void {
    // A custom property set through the CSSOM: the CSP allows no inline style attribute.
    const template = this.columns.map((c) => `${this.widthOf(c)}px`).join(' ');
    this.element.style.setProperty('--columns', template);
    this.element.style.setProperty('--row-width', `${this.columns.reduce((sum, c) => sum + this.widthOf(c), 0)}px`);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Mounts the rows in view, unmounts the rest, and asks for pages not yet here. */
  private render(): void {
    const headerHeight = this.header.offsetHeight;
    const top = Math.max(0, this.viewport.scrollTop);
    const height = Math.max(ROW_HEIGHT, this.viewport.clientHeight - headerHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.count - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    for (const [position, m] of this.mounted) {
      if (position < first || position > last) {
        m.element.remove();
        this.mounted.delete(position);
      }
    }
    for (let position = first; position <= last; position++) {
      if (this.mounted.has(position)) continue;
      const element = h('div', {
        class: 'row',
        role: 'row',
        id: `row-${position}`,
        'aria-rowindex': String(position + 2),
        'data-position': String(position),
      });
      element.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
      this.fill(element, position, this.rowAt(position));
      this.body.append(element);
    }
    for (let start = Math.floor(first / PAGE_ROWS) * PAGE_ROWS; start <= last; start += PAGE_ROWS) {
      if (!this.pages.has(start) && !this.requested.has(start)) {
        this.requested.add(start);
        this.callbacks.needPage(start);
      }
    }
    this.updateActive();
    this.callbacks.rendered();
  }

  private fill(element: HTMLElement, position: number, row: ResultRow | undefined): void {
    this.mounted.set(position, { element, row });
    element.classList.toggle('placeholder', !row);
    element.classList.toggle('focused', position === this.focused);
    element.setAttribute('aria-expanded', String(row !== undefined && row.index === this.detailIndex));
    if (!row) {
      element.setAttribute('aria-busy', 'true');
      element.replaceChildren(h('div', { class: 'cell', role: 'gridcell', 'aria-colindex': '1' }, '…'));
      return;
    }
    element.removeAttribute('aria-busy');
    element.classList.add(`is-${row.status}`);
    element.replaceChildren(
      ...this.columns.map((column, i) =>
        h(
          'div',
          {
            class: `cell${NUMERIC.has(column) ? ' numeric' : ''}`,
            role: 'gridcell',
            'aria-colindex': String(i + 1),
            title: titleOf(row, column),
          },
          cellContent(row, column),
        ),
      ),
    );
  }

  private updateActive(): void {
    for (const [position, m] of this.mounted) {
      const focused = position === this.focused;
      m.element.classList.toggle('focused', focused);
      m.element.setAttribute('aria-selected', String(focused));
    }
    if (this.mounted.has(this.focused)) this.element.setAttribute('aria-activedescendant', `row-${this.focused}`);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private onKey(event: KeyboardEvent): void {
    const pageRows = Math.max(1, Math.floor((this.viewport.clientHeight - this.header.offsetHeight) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
    if (event.key in moves) {
      this.setFocus(this.focused + moves[event.key]!, true);
    } else if (event.key === 'Home' || event.key === 'End') {
      this.setFocus(event.key === 'Home' ? 0 : this.count - 1, true);
    } else if (event.key === 'Enter' || event.key === ' ') {
      this.callbacks.toggleDetail(this.focused);
    } else if (event.key === 'Escape') {
      this.callbacks.closeDetail();
    } else {
      return;
    }
    event.preventDefault();
  }
}

function cellText(row: ResultRow, column: ColumnId): string {
  const value = row[column];
  if (value === null || value === undefined || value === '') return column === 'line' ? '—' : '';
  return String(value);
}

function titleOf(row: ResultRow, column: ColumnId): string | undefined {
  if (column === 'status') return row.attempts > 1 ? `${row.status} after ${row.attempts} attempts` : row.status;
  const text = cellText(row, column);
  return text.length > 20 ? text : undefined;
}

function cellContent(row: ResultRow, column: ColumnId): Node | string {
  return column === 'status' ? statusBadge(row.status) : cellText(row, column);
}
