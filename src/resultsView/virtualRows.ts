// Virtualised rows, shared by the results grid and the experiment comparison: only the rows on screen (plus a
// few either side) are in the DOM, positioned in a body as tall as all rows. Rows come in pages from the host;
// a row whose page has not arrived shows as a placeholder until it does. ARIA grid roles; the grid keeps focus
// and points at the focused row (or cell) with aria-activedescendant. Subclasses draw a row's cells.
import { h } from '../webview/dom';
import { PAGE_ROWS } from '../results/protocol';

export const ROW_HEIGHT = 24;
/** Rows rendered beyond each edge of the viewport, so a scroll of a few rows shows no gap. */
const OVERSCAN = 15;

export interface VirtualRowsCallbacks {
  /** A page (start, PAGE_ROWS rows) is needed on screen. */
  needPage(start: number): void;
  focusChanged(position: number): void;
  toggleDetail(position: number): void;
  closeDetail(): void;
  /** The DOM changed: what it shows now (for reports). */
  rendered(): void;
  scrolled(scrollTop: number): void;
}

export abstract class VirtualRows<Row> {
  readonly element: HTMLElement;
  protected readonly viewport: HTMLElement;
  protected readonly header: HTMLElement;
  protected readonly body: HTMLElement;
  protected count = 0;
  private pages = new Map<number, readonly Row[]>();
  private readonly requested = new Set<number>();
  protected readonly mounted = new Map<number, { element: HTMLElement; row: Row | undefined }>();
  focused = 0;
  private frame = 0;

  constructor(
    protected readonly callbacks: VirtualRowsCallbacks,
    label: string,
  ) {
    this.header = h('div', { class: 'row header', role: 'row', 'aria-rowindex': '1' });
    this.body = h('div', { class: 'body', role: 'rowgroup' });
    this.viewport = h('div', { class: 'viewport' }, h('div', { class: 'head', role: 'rowgroup' }, this.header), this.body);
    this.element = h(
      'div',
      { class: 'grid', role: 'grid', tabindex: '0', 'aria-label': label, 'aria-multiselectable': 'false' },
      this.viewport,
    );
    this.viewport.addEventListener('scroll', () => {
      this.schedule();
      this.callbacks.scrolled(this.viewport.scrollTop);
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('click', (event) => {
      const target = event.target as HTMLElement;
      const rowElement = target.closest<HTMLElement>('.row');
      if (!rowElement) return;
      const position = Number(rowElement.dataset.position);
      this.clicked(target);
      this.setFocus(position);
      this.callbacks.toggleDetail(position);
      this.element.focus({ preventScroll: true });
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** Draws a row that has arrived into its (emptied) row element. */
  protected abstract fillRow(element: HTMLElement, row: Row, position: number): void;

  /** A click inside a row, before it takes the focus (a subclass may note the cell). */
  protected clicked(_target: HTMLElement): void {}

  /** A key the rows do not handle; true when the subclass did. */
  protected onOtherKey(_event: KeyboardEvent): boolean {
    return false;
  }

  /** The id of the element aria-activedescendant names for the focused row. */
  protected activeId(position: number): string {
    return `row-${position}`;
  }

  get rowsInDom(): number {
    return this.mounted.size;
  }

  get firstInDom(): number {
    return this.mounted.size ? Math.min(...this.mounted.keys()) : 0;
  }

  /** The rows in the DOM, in order (undefined: page not arrived yet). */
  rowsShown(): (Row | undefined)[] {
    return [...this.mounted.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m.row);
  }

  rowAt(position: number): Row | undefined {
    return this.pages.get(Math.floor(position / PAGE_ROWS) * PAGE_ROWS)?.[position % PAGE_ROWS];
  }

  get rowCount(): number {
    return this.count;
  }

  /** A new view: its row count; cached rows are dropped unless `keepPages` (the same view, grown). */
  setView(count: number, keepPages: boolean): void {
    this.count = count;
    if (!keepPages) {
      this.pages = new Map();
      this.requested.clear();
      this.unmountAll();
    }
    this.element.setAttribute('aria-rowcount', String(count + 1));
    this.body.style.height = `${count * ROW_HEIGHT}px`;
    if (this.focused >= count) this.focused = Math.max(0, count - 1);
    this.schedule();
  }

  addPage(start: number, rows: readonly Row[]): void {
    this.pages.set(start, rows);
    this.requested.delete(start);
    // Rows already mounted as placeholders are filled in.
    for (const [position, m] of this.mounted) {
      if (position >= start && position < start + rows.length && !m.row) this.fill(m.element, position, rows[position - start]);
    }
    this.updateActive();
    this.callbacks.rendered();
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

  /** Drops every mounted row, to be drawn again (columns changed). */
  protected unmountAll(): void {
    for (const [, m] of this.mounted) m.element.remove();
    this.mounted.clear();
    this.schedule();
  }

  protected schedule(): void {
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

  private fill(element: HTMLElement, position: number, row: Row | undefined): void {
    this.mounted.set(position, { element, row });
    element.classList.toggle('placeholder', !row);
    element.classList.toggle('focused', position === this.focused);
    if (!row) {
      element.setAttribute('aria-busy', 'true');
      element.replaceChildren(h('div', { class: 'cell', role: 'gridcell', 'aria-colindex': '1' }, '…'));
      return;
    }
    element.removeAttribute('aria-busy');
    this.fillRow(element, row, position);
  }

  protected updateActive(): void {
    for (const [position, m] of this.mounted) {
      const focused = position === this.focused;
      m.element.classList.toggle('focused', focused);
      m.element.setAttribute('aria-selected', String(focused));
    }
    if (this.mounted.has(this.focused)) this.element.setAttribute('aria-activedescendant', this.activeId(this.focused));
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
    } else if (!this.onOtherKey(event)) {
      return;
    }
    event.preventDefault();
  }
}
