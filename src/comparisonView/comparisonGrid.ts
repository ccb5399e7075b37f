// The comparison grid: a test column, then one column per prompt × provider shown, over the shared virtualised
// rows. Each cell is the reply's excerpt with its pass / fail / error mark; arrows move between cells, Enter
// opens the focused cell's details.
import { h } from '../webview/dom';
import type { ComparisonColumn } from '../core/experiments/compare';
import { columnTitle } from '../core/experiments/columnTitle';
import type { RowView } from '../comparison/protocol';
import { VirtualRows, type VirtualRowsCallbacks } from '../resultsView/virtualRows';
import { outcomeMark, OUTCOME_WORDS, score } from './outcome';

const TEST_WIDTH = 240;
const CELL_WIDTH = 240;

export interface ComparisonGridCallbacks extends VirtualRowsCallbacks {
  columnFocused(column: number): void;
}

export class ComparisonGrid extends VirtualRows<RowView> {
  /** Indexes of the comparison's columns shown, in order. */
  private columns: number[] = [];
  /** Focused column, among those shown. */
  column = 0;
  private detail: { index: number; column: number } | null = null;

  constructor(protected override readonly callbacks: ComparisonGridCallbacks) {
    super(callbacks, 'Comparison');
  }

  get shownColumns(): readonly number[] {
    return this.columns;
  }

  setColumns(shown: readonly number[], all: readonly ComparisonColumn[]): void {
    this.columns = [...shown];
    this.column = Math.min(this.column, Math.max(0, shown.length - 1));
    this.element.setAttribute('aria-colcount', String(shown.length + 1));
    const header = (text: string, i: number, title?: string) =>
      h('div', { class: 'cell', role: 'columnheader', 'aria-colindex': String(i + 1), title }, h('span', { class: 'column-title' }, text));
    this.header.replaceChildren(
      header('Test', 0),
      ...shown.map((c, i) => {
        const column = all[c];
        return header(column ? columnTitle(column) : `column ${c + 1}`, i + 1, column?.model);
      }),
    );
    this.element.style.setProperty('--columns', [TEST_WIDTH, ...shown.map(() => CELL_WIDTH)].map((w) => `${w}px`).join(' '));
    this.element.style.setProperty('--row-width', `${TEST_WIDTH + shown.length * CELL_WIDTH}px`);
    this.unmountAll();
  }

  setDetail(detail: { index: number; column: number } | null): void {
    this.detail = detail;
    for (const [position, m] of this.mounted) if (m.row) this.markExpanded(m.element, m.row, position);
  }

  /** The comparison's column index of the focused cell. */
  get focusedColumn(): number | undefined {
    return this.columns[this.column];
  }

  setColumnFocus(column: number): void {
    this.column = Math.max(0, Math.min(this.columns.length - 1, column));
    this.callbacks.columnFocused(this.column);
    this.updateActive();
  }

  protected override activeId(position: number): string {
    return `cell-${position}-${this.column}`;
  }

  protected override clicked(target: HTMLElement): void {
    const cell = target.closest<HTMLElement>('[data-column]');
    if (cell) this.setColumnFocus(Number(cell.dataset.column));
  }

  protected override onOtherKey(event: KeyboardEvent): boolean {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      this.setColumnFocus(this.column + (event.key === 'ArrowLeft' ? -1 : 1));
      return true;
    }
    return false;
  }

  protected override updateActive(): void {
    super.updateActive();
    for (const [position, m] of this.mounted) {
      m.element.querySelectorAll<HTMLElement>('[data-column]').forEach((cell) => {
        cell.classList.toggle('focused-cell', position === this.focused && Number(cell.dataset.column) === this.column);
      });
    }
  }

  /** Per row in the DOM, in order, the outcome of each cell as its mark shows it (what tests check). */
  outcomesShown(): string[][] {
    return [...this.mounted.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, m]) => [...m.element.querySelectorAll<HTMLElement>('[data-outcome]')].map((cell) => cell.dataset.outcome ?? ''));
  }

  protected fillRow(element: HTMLElement, row: RowView, position: number): void {
    const test = h(
      'div',
      { class: 'cell test', role: 'rowheader', 'aria-colindex': '1', title: row.label },
      h('span', { class: 'row-number' }, String(row.row)),
      ` ${row.label}`,
    );
    const cells = row.cells.map((cell, i) =>
      h(
        'div',
        {
          class: `cell outcome-cell is-${cell.outcome}`,
          role: 'gridcell',
          id: `cell-${position}-${i}`,
          'aria-colindex': String(i + 2),
          'data-column': String(i),
          'data-outcome': cell.outcome,
          'aria-label': `${OUTCOME_WORDS[cell.outcome]}: ${cell.excerpt}`,
          title: cell.excerpt,
        },
        outcomeMark(cell.outcome),
        h('span', { class: 'excerpt' }, cell.excerpt),
        cell.score === null ? null : h('span', { class: 'score', title: 'Judge score' }, score(cell.score)),
      ),
    );
    element.replaceChildren(test, ...cells);
    this.markExpanded(element, row, position);
  }

  private markExpanded(element: HTMLElement, row: RowView, _position: number): void {
    const open = this.detail?.index === row.index;
    element.setAttribute('aria-expanded', String(open));
    element.querySelectorAll<HTMLElement>('[data-column]').forEach((cell) => {
      cell.classList.toggle('expanded', open && this.columns[Number(cell.dataset.column)] === this.detail?.column);
    });
  }
}
