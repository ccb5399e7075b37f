// CSV of result rows (RFC 4180): every field quoted when it holds a comma, quote, CR or LF, quotes doubled,
// CRLF between records. Text a spreadsheet would run as a formula gets a leading apostrophe: replies and
// custom_ids are untrusted text, and a cell starting with = + - @ must not become a formula.
import { COLUMN_TITLES, type ColumnId } from './query';
import type { ResultRow } from './rows';

export const UTF8_BOM = '\ufeff';

const NUMERIC: ReadonlySet<ColumnId> = new Set(['line', 'promptTokens', 'completionTokens', 'attempts']);

export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function cell(row: ResultRow, column: ColumnId): string {
  const value = row[column];
  if (value === null || value === undefined) return '';
  if (NUMERIC.has(column)) return String(value);
  return csvField(String(value));
}

export function csvHeader(columns: readonly ColumnId[], options: { bom?: boolean } = {}): string {
  return (options.bom ? UTF8_BOM : '') + columns.map((c) => csvField(COLUMN_TITLES[c])).join(',') + '\r\n';
}

export function csvRecord(row: ResultRow, columns: readonly ColumnId[]): string {
  return columns.map((c) => cell(row, c)).join(',') + '\r\n';
}

/** The whole CSV as one string (small exports, tests); the extension writes records as a stream. */
export function toCsv(rows: Iterable<ResultRow>, columns: readonly ColumnId[], options: { bom?: boolean } = {}): string {
  let text = csvHeader(columns, options);
  for (const row of rows) text += csvRecord(row, columns);
  return text;
}
