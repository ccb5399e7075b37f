// How an outcome looks: a codicon in the test explorer's theme colour, and a word for screen readers.
import { h } from '../webview/dom';
import type { CellOutcome } from '../core/experiments/score';

export const OUTCOME_ICONS: Record<CellOutcome, string> = { pass: 'pass', fail: 'error', error: 'warning' };
export const OUTCOME_WORDS: Record<CellOutcome, string> = { pass: 'passed', fail: 'failed', error: 'error' };

export function outcomeMark(outcome: CellOutcome): HTMLElement {
  return h('span', {
    class: `mark codicon codicon-${OUTCOME_ICONS[outcome]} outcome-${outcome}`,
    role: 'img',
    'aria-label': OUTCOME_WORDS[outcome],
    title: OUTCOME_WORDS[outcome],
  });
}

export const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
export const score = (value: number): string => value.toFixed(2);
