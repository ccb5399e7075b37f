// The results grid: a header that sorts and resizes over virtualised rows (virtualRows.ts: only the rows on
// screen in the DOM, pages from the host, ARIA grid roles and keyboard).
import { h } from '../webview/dom';
import { COLUMN_TITLES, type ColumnId, type RowSort } from '../core/results/query';
import type { ResultRow, RowStatus } from '../core/results/rows';
import { VirtualRows, type VirtualRowsCallbacks } from './virtualRows';

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

export interface GridCallbacks extends VirtualRowsCallbacks {
  sortChanged(sort: RowSort | undefined): void;
  widthsChanged(widths: Partial<Record<ColumnId, number>>): void;
}

export class Grid extends VirtualRows<ResultRow> {
  private columns: ColumnId[] = [];
  private widths: Partial<Record<ColumnId, number>> = {};
  private sort: RowSort | undefined;
  private detailIndex: number | null = null;

  constructor(protected override readonly callbacks: GridCallbacks) {
    super(callbacks, 'Results');
  }

  setColumns(columns: readonly ColumnId[], widths: Partial<Record<ColumnId, number>>, sort: RowSort | undefined): void {
    this.columns = [...columns];
    this.widths = { ...widths };
    this.sort = sort;
    this.element.setAttribute('aria-colcount', String(this.columns.length));
    this.header.replaceChildren(...this.columns.map((column, i) => this.headerCell(column, i)));
    this.applyWidths();
    this.unmountAll();
  }

  setDetail(index: number | null): void {
    this.detailIndex = index;
    for (const [, m] of this.mounted) m.element.setAttribute('aria-expanded', String(m.row !== undefined && m.row.index === index));
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

  protected fillRow(element: HTMLElement, row: ResultRow): void {
    element.setAttribute('aria-expanded', String(row.index === this.detailIndex));
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
