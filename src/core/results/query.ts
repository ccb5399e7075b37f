// The grid's filter and sort, pure so the host and tests agree on which rows a view shows and in what order.
import { NO_FINISH_REASON, UNKNOWN_MODEL } from './summary';
import type { ResultRow, RowStatus } from './rows';

export const COLUMNS = [
  'line',
  'customId',
  'status',
  'model',
  'request',
  'reply',
  'finishReason',
  'promptTokens',
  'completionTokens',
  'error',
  'attempts',
  'origin',
] as const;
export type ColumnId = (typeof COLUMNS)[number];

export const COLUMN_TITLES: Record<ColumnId, string> = {
  line: 'Line',
  customId: 'custom_id',
  status: 'Status',
  model: 'Model',
  request: 'Last user message',
  reply: 'Reply',
  finishReason: 'Finish',
  promptTokens: 'Prompt tokens',
  completionTokens: 'Completion tokens',
  error: 'Error',
  attempts: 'Attempts',
  origin: 'From batch',
};

export interface RowSort {
  readonly column: ColumnId;
  readonly descending: boolean;
}

export interface RowQuery {
  /** Only these statuses (none or empty: all). */
  readonly statuses?: readonly RowStatus[];
  /** Only these models; UNKNOWN_MODEL stands for rows without one. */
  readonly models?: readonly string[];
  /** Only these finish reasons; NO_FINISH_REASON stands for rows without one. */
  readonly finishReasons?: readonly string[];
  /** Case-insensitive text in the custom_id, model, request, reply or error excerpts. */
  readonly text?: string;
  /** Unsorted: file order. */
  readonly sort?: RowSort;
}

const STATUS_ORDER: Record<RowStatus, number> = { failed: 0, missing: 1, unmatched: 2, succeeded: 3 };

function matchesText(row: ResultRow, needle: string): boolean {
  for (const field of [row.customId, row.model, row.request, row.reply, row.error, row.origin]) {
    if (field && field.toLowerCase().includes(needle)) return true;
  }
  return false;
}

export function matches(row: ResultRow, query: RowQuery): boolean {
  if (query.statuses?.length && !query.statuses.includes(row.status)) return false;
  if (query.models?.length && !query.models.includes(row.model ?? UNKNOWN_MODEL)) return false;
  if (query.finishReasons?.length && !query.finishReasons.includes(row.finishReason ?? NO_FINISH_REASON)) return false;
  const needle = query.text?.trim().toLowerCase();
  return !needle || matchesText(row, needle);
}

type Key = string | number | null;

function keyOf(row: ResultRow, column: ColumnId): Key {
  if (column === 'status') return STATUS_ORDER[row.status];
  const value = row[column];
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** Compares two keys, rows without a value last whatever the direction. */
function compareKeys(a: Key, b: Key, descending: boolean): number {
  if (a === null || a === '') return b === null || b === '' ? 0 : 1;
  if (b === null || b === '') return -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -order : order;
}

/** The indexes (ResultRow.index) of the rows the query shows, in the order it shows them. */
export function queryRows(rows: readonly ResultRow[], query: RowQuery): number[] {
  const shown = rows.filter((row) => matches(row, query));
  const sort = query.sort;
  if (sort) {
    const keys = new Map(shown.map((row) => [row, keyOf(row, sort.column)]));
    shown.sort((a, b) => compareKeys(keys.get(a)!, keys.get(b)!, sort.descending) || a.index - b.index);
  }
  return shown.map((row) => row.index);
}
