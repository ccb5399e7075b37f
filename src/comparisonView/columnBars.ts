// The comparison's header: per column shown, its pass rate as a bar, its counts, tokens, cost when priced, and
// the judge's mean score.
import { h } from '../webview/dom';
import type { ComparisonColumn } from '../core/experiments/compare';
import { columnTitle } from '../core/experiments/columnTitle';
import type { ComparisonSummary } from '../comparison/protocol';
import { percent, score } from './outcome';

const number = (n: number) => n.toLocaleString('en-US');

/** USD with enough digits that a small experiment's cost is not shown as $0.00. */
export function money(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

export class ColumnBars {
  readonly element: HTMLElement;
  /** What the bars show, per column shown (for the render report). */
  passRates: string[] = [];
  judgeScores: string[] = [];

  constructor() {
    this.element = h('section', { class: 'summary columns', 'aria-label': 'Pass rate per column' });
  }

  render(summary: ComparisonSummary, shown: readonly number[]): void {
    const columns = shown.map((c) => summary.columns[c]).filter((c): c is ComparisonColumn => c !== undefined);
    this.passRates = columns.map((c) => percent(c.passRate));
    this.judgeScores = columns.map((c) => (c.judgeScore === null ? '' : score(c.judgeScore)));
    this.element.replaceChildren(...columns.map((column) => this.group(column, summary.priced)));
  }

  private group(column: ComparisonColumn, priced: boolean): HTMLElement {
    const rate = percent(column.passRate);
    const meter = h(
      'span',
      {
        class: 'meter',
        role: 'meter',
        'aria-valuemin': '0',
        'aria-valuemax': '100',
        'aria-valuenow': String(Math.round(column.passRate * 1000) / 10),
        'aria-label': `Pass rate of ${columnTitle(column)}`,
      },
      h('span', { class: 'fill fill-pass' }),
    );
    // The fill's width through the CSSOM: the CSP allows no inline style attribute.
    (meter.firstChild as HTMLElement).style.width = `${Math.round(column.passRate * 100)}%`;
    const facts = [
      `${number(column.passed)}/${number(column.total)} passed`,
      column.failed ? `${number(column.failed)} failed` : null,
      column.errors ? `${number(column.errors)} error${column.errors === 1 ? '' : 's'}` : null,
    ].filter(Boolean);
    return h(
      'div',
      { class: 'group column-stats', role: 'group', 'aria-label': columnTitle(column), 'data-column': String(column.index) },
      h('h2', { title: column.model }, columnTitle(column)),
      h('div', { class: 'rate' }, meter, h('span', { class: 'pass-rate' }, rate)),
      h('span', { class: 'more' }, facts.join(' · ')),
      h('span', { class: 'more tokens' }, `${number(column.promptTokens)} in · ${number(column.completionTokens)} out tokens`),
      priced ? h('span', { class: 'more cost' }, column.cost === null ? 'no price for this model' : money(column.cost)) : null,
      h(
        'span',
        { class: 'more judge' },
        column.judgeScore === null ? 'judge: —' : `judge ${score(column.judgeScore)} mean of ${number(column.judged)}`,
      ),
    );
  }
}
