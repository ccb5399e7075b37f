// The comparison of an experiment's columns (prompt × provider) row by row: each cell's outcome, the columns'
// pass rates, tokens, cost and judge means, and the filters of the comparison view. Pure: the view, its CSV
// export and the tests all read this.
import { csvField, UTF8_BOM } from '../results/csv';
import type { ModelPrice, Pricing } from './estimate';
import { columnTitle } from './columnTitle';
import { scoreResults, type CellOutcome, type ColumnScore, type ScoredCell } from './score';
import type { JudgeVerdict } from './judge';
import type { Experiment, TestCase } from './spec';

export { columnTitle };

export interface ComparisonColumn extends ColumnScore {
  /** Position among the columns: (prompt - 1) × providers + (provider - 1). */
  readonly index: number;
  /** The provider's model id (what prices are keyed by). */
  readonly model: string;
  /** USD for the column's tokens, or null when its model has no price. */
  readonly cost: number | null;
}

export interface ComparisonRow {
  readonly row: number;
  /** The test's description, else its first variable's value. */
  readonly label: string;
  /** One per column, in column order. */
  readonly cells: readonly ScoredCell[];
}

export interface Comparison {
  readonly columns: readonly ComparisonColumn[];
  readonly rows: readonly ComparisonRow[];
  /** Result lines that are not one of this experiment's requests. */
  readonly unmatched: number;
}

export type ComparisonFilter =
  | { readonly kind: 'all' }
  /** Rows where some column did not pass. */
  | { readonly kind: 'failures' }
  /** Rows where the columns do not all have the same outcome. */
  | { readonly kind: 'disagreements' }
  /** Rows where column `a` and column `b` differ; only those two columns are shown. */
  | { readonly kind: 'versus'; readonly a: number; readonly b: number };

const EXCERPT_CHARS = 160;

/** A line of the cell for the grid: the reply (or why there is none), whitespace folded, cut at 160 characters. */
export function cellExcerpt(cell: ScoredCell): string {
  const text = (cell.reply ?? cell.reason ?? '').replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text;
}

export function rowLabel(test: TestCase): string {
  if (test.description) return test.description;
  const first = Object.values(test.vars)[0];
  const text = first === undefined ? '' : typeof first === 'string' ? first : JSON.stringify(first);
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

/** Puts scored cells into rows × columns; prices the columns whose models have a price. */
export function buildComparison(
  experiment: Experiment,
  tests: readonly TestCase[],
  columns: readonly ColumnScore[],
  cells: Iterable<ScoredCell>,
  options: { pricing?: Pricing; unmatched?: number } = {},
): Comparison {
  const M = experiment.providers.length;
  const width = experiment.prompts.length * M;
  const rowIndex = new Map(tests.map((t, i) => [t.row, i]));
  const grid: ScoredCell[][] = tests.map(() => new Array<ScoredCell>(width));
  for (const cell of cells) {
    const i = rowIndex.get(cell.row);
    if (i !== undefined) grid[i]![(cell.prompt - 1) * M + cell.provider - 1] = cell;
  }
  const rows = tests.map((test, i) => ({
    row: test.row,
    label: rowLabel(test),
    cells: Array.from(
      grid[i]!,
      (cell, c): ScoredCell =>
        cell ?? {
          row: test.row,
          prompt: Math.floor(c / M) + 1,
          provider: (c % M) + 1,
          outcome: 'error',
          reason: 'No result for this request.',
          assertions: [],
        },
    ),
  }));
  const priced = columns.map((column, index) => {
    const model = experiment.providers[index % M]!.id;
    return { ...column, index, model, cost: costOf(column.promptTokens, column.completionTokens, priceOf(options.pricing, model)) };
  });
  return { columns: priced, rows, unmatched: options.unmatched ?? 0 };
}

/** USD for the tokens at `price` (per 1M tokens), or null when the model has no price. */
export function costOf(promptTokens: number, completionTokens: number, price: ModelPrice | undefined): number | null {
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}

function priceOf(pricing: Pricing | undefined, model: string): ModelPrice | undefined {
  return pricing && Object.prototype.hasOwnProperty.call(pricing, model) ? pricing[model] : undefined;
}

/** Scores a results file and lays it out for comparison. */
export async function compareResults(
  experiment: Experiment,
  tests: readonly TestCase[],
  resultsPath: string,
  options: { judge?: ReadonlyMap<string, JudgeVerdict>; pricing?: Pricing; signal?: AbortSignal } = {},
): Promise<Comparison> {
  const cells: ScoredCell[] = [];
  const report = await scoreResults(experiment, tests, resultsPath, {
    judge: options.judge,
    signal: options.signal,
    onCell: (cell) => cells.push(cell),
  });
  return buildComparison(experiment, tests, report.columns, cells, { pricing: options.pricing, unmatched: report.unmatched });
}

export function disagrees(row: ComparisonRow, columns: readonly number[]): boolean {
  const first = row.cells[columns[0]!]?.outcome;
  return columns.some((c) => row.cells[c]?.outcome !== first);
}

/** The columns a filter shows, in order. */
export function filterColumns(comparison: Comparison, filter: ComparisonFilter): number[] {
  if (filter.kind === 'versus') return [filter.a, filter.b];
  return comparison.columns.map((c) => c.index);
}

/** Whether a filter names columns this comparison has (a saved filter may outlive an edit of the experiment). */
export function isFilterFor(comparison: Comparison, filter: ComparisonFilter): boolean {
  if (filter.kind !== 'versus') return true;
  const n = comparison.columns.length;
  return filter.a !== filter.b && filter.a >= 0 && filter.b >= 0 && filter.a < n && filter.b < n;
}

/** Positions (in `comparison.rows`) of the rows a filter shows. */
export function filterRows(comparison: Comparison, filter: ComparisonFilter): number[] {
  const columns = filterColumns(comparison, filter);
  const keep: (row: ComparisonRow) => boolean =
    filter.kind === 'failures'
      ? (row) => columns.some((c) => row.cells[c]!.outcome !== 'pass')
      : filter.kind === 'disagreements' || filter.kind === 'versus'
        ? (row) => disagrees(row, columns)
        : () => true;
  const out: number[] = [];
  comparison.rows.forEach((row, i) => keep(row) && out.push(i));
  return out;
}

const OUTCOME_TEXT: Record<CellOutcome, string> = { pass: 'pass', fail: 'fail', error: 'error' };

/**
 * The rows and columns shown as CSV (RFC 4180 through results/csv.ts, formula-like text defused): per column its
 * outcome, judge score and whole reply (or the error).
 */
export function comparisonCsv(
  comparison: Comparison,
  rows: readonly number[],
  columns: readonly number[],
  options: { bom?: boolean } = {},
): string {
  const header = ['row', 'test'];
  for (const c of columns) {
    const title = columnTitle(comparison.columns[c]!);
    header.push(`${title} outcome`, `${title} judge score`, `${title} reply`);
  }
  let text = (options.bom ? UTF8_BOM : '') + header.map(csvField).join(',') + '\r\n';
  for (const r of rows) {
    const row = comparison.rows[r]!;
    const fields = [String(row.row), csvField(row.label)];
    for (const c of columns) {
      const cell = row.cells[c]!;
      const score = cellJudgeScore(cell);
      fields.push(OUTCOME_TEXT[cell.outcome], score === null ? '' : String(score), csvField(cell.reply ?? cell.reason ?? ''));
    }
    text += fields.join(',') + '\r\n';
  }
  return text;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The judge's scores of a cell's llm-rubric assertions, averaged; null when none was judged. */
export function cellJudgeScore(cell: ScoredCell): number | null {
  const scores = cell.assertions.flatMap((a) => (a.score === undefined ? [] : [a.score]));
  return scores.length ? mean(scores) : null;
}
