// What the input file's request lines came to, keyed by custom_id rather than line number: an edit that adds
// or removes lines moves a request, not its outcome, and a line whose text differs from what was submitted
// is marked stale instead of being credited with the old line's result.
import { readLines } from './join';
import { indexResults } from './resultsIndex';
import type { ResultRow, RowStatus } from './rows';

export interface Outcome {
  readonly row: ResultRow;
  /** The request line as it was in the input file when the results were read (null: not known). */
  readonly submitted: string | null;
}

export interface LineMark {
  /** 0-based line of the document. */
  readonly line: number;
  readonly status: RowStatus;
  /** The line's text differs from what was submitted. */
  readonly stale: boolean;
  readonly outcome: Outcome;
}

/** Rows by custom_id (the first row per custom_id; unmatched rows are no request's outcome), with submitted text. */
export async function loadOutcomes(resultsPath: string, inputPath: string, signal?: AbortSignal): Promise<Map<string, Outcome>> {
  const { rows } = await indexResults({ resultsPath, signal });
  const wanted = new Map<number, ResultRow>();
  const outcomes = new Map<string, Outcome>();
  for (const row of rows) {
    if (row.customId === null || row.status === 'unmatched' || outcomes.has(row.customId)) continue;
    outcomes.set(row.customId, { row, submitted: null });
    if (row.line !== null) wanted.set(row.line, row);
  }
  for await (const line of readLines(inputPath, signal)) {
    const row = wanted.get(line.number);
    if (row) outcomes.set(row.customId!, { row, submitted: line.text });
  }
  return outcomes;
}

/** The custom_id of a request line, if it is a JSON object with one. */
export function customIdOfLine(text: string): string | undefined {
  if (!text.includes('custom_id')) return undefined;
  try {
    const value = JSON.parse(text) as { custom_id?: unknown };
    return typeof value?.custom_id === 'string' ? value.custom_id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The marks of a document's lines. `customIdOf` is given so callers can cache it per line text (an edit
 * changes a few lines, and parsing every line again on each keystroke would not keep up with big files).
 */
export function markLines(
  lines: readonly string[],
  outcomes: ReadonlyMap<string, Outcome>,
  customIdOf: (text: string) => string | undefined = customIdOfLine,
): LineMark[] {
  const marks: LineMark[] = [];
  const seen = new Set<string>();
  lines.forEach((text, line) => {
    const id = customIdOf(text);
    if (id === undefined || seen.has(id)) return;
    seen.add(id);
    const outcome = outcomes.get(id);
    if (!outcome) return;
    marks.push({ line, status: outcome.row.status, stale: outcome.submitted !== null && outcome.submitted !== text, outcome });
  });
  return marks;
}

/** The first `count` non-blank lines of `text`, at most `max` characters, for a hover. */
export function firstLines(text: string, count = 4, max = 400): string {
  const lines = text
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, count);
  const joined = lines.join('\n');
  return joined.length > max
    ? `${joined.slice(0, max)}…`
    : joined + (text.split(/\r\n|\r|\n/).filter((l) => l.trim()).length > count ? '\n…' : '');
}
