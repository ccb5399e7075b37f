// The header's summary as small bars: rows by status, by model and by finish reason, and total tokens.
// Each bar is a toggle button: pressing it filters the grid to that value (several values of one kind add up).
import { h } from '../webview/dom';
import type { RowQuery } from '../core/results/query';
import { ROW_STATUSES, type RowStatus } from '../core/results/rows';
import type { ResultsSummary } from '../core/results/summary';
import { STATUS_ICONS } from './grid';

/** Models and finish reasons shown as bars; the rest are summed up in one line. */
const MAX_BARS = 6;

type Kind = 'statuses' | 'models' | 'finishReasons';

export class SummaryBars {
  readonly element: HTMLElement;

  constructor(private readonly toggle: (kind: Kind, value: string) => void) {
    this.element = h('section', { class: 'summary', 'aria-label': 'Summary' });
  }

  render(summary: ResultsSummary, query: RowQuery, indexed: number, complete: boolean): void {
    const pressed = (kind: Kind, value: string) => (query[kind] as readonly string[] | undefined)?.includes(value) ?? false;
    const total = Math.max(1, summary.total);
    const bar = (kind: Kind, value: string, count: number, label: Node | string, className: string) => {
      const meter = h('span', { class: 'meter' }, h('span', { class: `fill ${className}` }));
      // The fill's width through the CSSOM: the CSP allows no inline style attribute.
      (meter.firstChild as HTMLElement).style.width = `${Math.max(count > 0 ? 2 : 0, Math.round((count / total) * 100))}%`;
      const button = h(
        'button',
        {
          type: 'button',
          class: 'bar',
          'aria-pressed': String(pressed(kind, value)),
          title: `${count.toLocaleString('en-US')} of ${summary.total.toLocaleString('en-US')} rows; click to filter`,
          'data-kind': kind,
          'data-value': value,
        },
        h('span', { class: 'bar-label' }, label),
        meter,
        h('span', { class: 'bar-count' }, count.toLocaleString('en-US')),
      );
      button.addEventListener('click', () => this.toggle(kind, value));
      return button;
    };
    const group = (title: string, bars: HTMLElement[], more?: string) =>
      h(
        'div',
        { class: 'group', role: 'group', 'aria-label': title },
        h('h2', {}, title),
        ...bars,
        more ? h('span', { class: 'more' }, more) : null,
      );
    const statusBars = ROW_STATUSES.filter((s) => summary.byStatus[s] > 0 || s === 'succeeded' || s === 'failed').map((s: RowStatus) =>
      bar(
        'statuses',
        s,
        summary.byStatus[s],
        h('span', {}, h('span', { class: `codicon codicon-${STATUS_ICONS[s]} status-${s}`, 'aria-hidden': 'true' }), ` ${s}`),
        `fill-${s}`,
      ),
    );
    const models = summary.byModel.slice(0, MAX_BARS).map((m) => bar('models', m.model, m.rows, m.model, 'fill-model'));
    const reasons = summary.finishReasons.slice(0, MAX_BARS).map((r) => bar('finishReasons', r.reason, r.rows, r.reason, 'fill-reason'));
    const moreOf = (n: number, what: string) => (n > MAX_BARS ? `and ${n - MAX_BARS} more ${what}` : undefined);
    const tokens = h(
      'div',
      { class: 'group tokens', role: 'group', 'aria-label': 'Tokens' },
      h('h2', {}, 'Tokens'),
      h('span', {}, `${summary.promptTokens.toLocaleString('en-US')} prompt`),
      h('span', {}, `${summary.completionTokens.toLocaleString('en-US')} completion`),
      h(
        'span',
        { class: 'more' },
        complete ? `${indexed.toLocaleString('en-US')} rows` : `reading… ${indexed.toLocaleString('en-US')} rows so far`,
      ),
    );
    this.element.replaceChildren(
      group('Status', statusBars),
      group('Model', models, moreOf(summary.byModel.length, 'models')),
      reasons.length ? group('Finish reason', reasons, moreOf(summary.finishReasons.length, 'reasons')) : '',
      tokens,
    );
  }
}
