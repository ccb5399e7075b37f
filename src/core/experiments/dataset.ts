// Loads an experiment's test cases: inline, a CSV file (header row = variable names; `__expected…` columns
// add assertions) or a JSONL file (test objects, or plain objects whose keys are the variables).
import { isUtf8 } from 'buffer';
import { promises as fs } from 'fs';
import * as path from 'path';
import { parse as parseCsv } from 'csv-parse/sync';
import { splitLines, stripBom } from '../jsonl/lines';
import { escapeControls } from '../util/printable';
import { splitAssertionName } from './assertions';
import { LineLocator, type Locator } from './locate';
import { issueProblems, parseAssertion, parseTestCase, testSchema } from './parse';
import { ExperimentCodes, type ExperimentProblem } from './problems';
import type { AssertionSpec, Experiment, TestCase } from './spec';

export interface Dataset {
  readonly tests: readonly TestCase[];
  /** Variable names in column order (CSV header, or first-seen keys). */
  readonly columns: readonly string[];
  readonly problems: ExperimentProblem[];
}

const EXPECTED = /^__expected\d*$/;

export async function loadDataset(experiment: Experiment): Promise<Dataset> {
  const source = experiment.tests;
  if (source.kind === 'inline') {
    const columns = new Set<string>();
    for (const t of source.tests) for (const key of Object.keys(t.vars)) columns.add(key);
    return { tests: source.tests, columns: [...columns], problems: [] };
  }
  const shownPath = path.relative(experiment.dir, source.path) || source.path;
  /** A problem of the whole dataset, at the experiment's `tests` value: "The dataset PATH " + `what`. */
  const atTests = (code: ExperimentProblem['code'], what: string): ExperimentProblem => ({
    file: source.locator.file,
    range: source.locator.value(source.at),
    severity: 'error',
    code,
    message: `The dataset ${shownPath} ${what}`,
  });
  let bytes: Buffer;
  try {
    // A pipe would block the read forever and a device (/dev/zero) never end it: only regular files are read.
    const stats = await fs.stat(source.path);
    if (stats.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREGULAR' });
    bytes = await fs.readFile(source.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder'
          : code === 'ENOTREGULAR'
            ? 'is not a regular file'
            : `cannot be read (${(error as Error).message})`;
    return {
      tests: [],
      columns: [],
      problems: [atTests(ExperimentCodes.datasetNotFound, `${why} (paths are relative to the experiment file).`)],
    };
  }
  const notText = notTextReason(bytes);
  if (notText) {
    const problem = atTests(
      ExperimentCodes.datasetSyntax,
      `is not UTF-8 text (${notText}): a dataset is a CSV or JSONL text file; save it as UTF-8.`,
    );
    return { tests: [], columns: [], problems: [problem] };
  }
  const text = bytes.toString('utf8');
  const dataset = source.format === 'csv' ? csvDataset(text, source.path) : jsonlDataset(text, source.path);
  if (dataset.tests.length || dataset.problems.some((p) => p.severity === 'error')) return dataset;
  // Nothing to build or score: an error, so that `experiment build` in CI does not pass with no batch.
  const empty = atTests(ExperimentCodes.emptyDataset, 'has no test rows: nothing to build or score.');
  return { ...dataset, problems: [...dataset.problems, empty] };
}

/**
 * Why the bytes are not UTF-8 text (a binary file, or a Latin-1 CSV whose accents would become U+FFFD and reach
 * the model so), naming the first line at fault; undefined for UTF-8 text.
 */
function notTextReason(bytes: Buffer): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul < 0 && isUtf8(bytes)) return undefined;
  const lineOf = (offset: number) => {
    let line = 1;
    for (let at = bytes.indexOf(10); at >= 0 && at < offset; at = bytes.indexOf(10, at + 1)) line++;
    return line;
  };
  const bad = firstNonUtf8(bytes);
  if (nul >= 0 && (bad < 0 || nul < bad)) return `line ${lineOf(nul)} holds a NUL byte`;
  return bad < 0 ? 'it holds bytes that are not UTF-8' : `line ${lineOf(bad)} holds a byte that is not UTF-8`;
}

/** The offset of the first byte that does not start or continue a UTF-8 sequence, or -1 (overlong forms pass). */
function firstNonUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const follow =
      lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (follow < 0 || i + follow >= bytes.length) return i;
    for (let k = 1; k <= follow; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += follow + 1;
  }
  return -1;
}

/** Lines of the file, split only when a problem needs a range. */
function lineLocators(file: string, text: string): (line: number) => Locator {
  let lines: string[] | undefined;
  return (line) => {
    lines ??= splitLines(stripBom(text));
    return new LineLocator(file, line, lines[line]?.length ?? 0);
  };
}

function newlines(fields: readonly string[]): number {
  let n = 0;
  for (const field of fields) n += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  return n;
}

/** csv-parse counts a CRLF inside a quoted field as two lines; the editor counts one. */
function crlfs(fields: readonly string[]): number {
  let n = 0;
  for (const field of fields) n += field.match(/\r\n/g)?.length ?? 0;
  return n;
}

export function csvDataset(text: string, file: string): Dataset {
  const at = lineLocators(file, text);
  const problems: ExperimentProblem[] = [];
  type Parsed = { record: string[]; info: { lines: number } };
  let records: Parsed[];
  // CRLFs inside the quoted fields of the records read so far, to correct csv-parse's line numbers.
  let extraLines = 0;
  try {
    records = parseCsv(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      // Ragged rows are reported below, each at its line, rather than stopping at the first.
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      // With `info`, each record comes as {record, info} (the typings say string[]).
      on_record: (record: string[]) => {
        const parsed = record as unknown as Parsed;
        extraLines += crlfs(parsed.record);
        parsed.info = { ...parsed.info, lines: parsed.info.lines - extraLines };
        return record;
      },
    }) as unknown as Parsed[];
  } catch (error) {
    const line = Math.max(1, (Number((error as { lines?: unknown }).lines) || 1) - extraLines);
    problems.push({
      file,
      range: at(line - 1).value([]),
      severity: 'error',
      code: ExperimentCodes.datasetSyntax,
      message: csvErrorMessage(error as Error & { code?: string }, line),
    });
    return { tests: [], columns: [], problems };
  }
  const header = records[0]?.record ?? [];
  const columns = header.filter((name) => !EXPECTED.test(name));
  const seen = new Set<string>();
  header.forEach((name) => {
    if (!name.trim())
      problems.push({
        file,
        range: at(0).value([]),
        severity: 'error',
        code: ExperimentCodes.datasetSyntax,
        message: 'CSV: a header cell is empty; every column needs a name.',
      });
    else if (seen.has(name))
      problems.push({
        file,
        range: at(0).value([]),
        severity: 'error',
        code: ExperimentCodes.datasetSyntax,
        message: `CSV: the column ${JSON.stringify(name)} appears twice in the header.`,
      });
    seen.add(name);
  });
  const tests: TestCase[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r]!;
    const line = info.lines - 1 - newlines(record);
    if (record.length !== header.length) {
      problems.push({
        file,
        range: at(line).value([]),
        severity: 'error',
        code: ExperimentCodes.datasetSyntax,
        message: `CSV: line ${line + 1} has ${record.length} field${record.length === 1 ? '' : 's'}; the header has ${header.length}.`,
      });
      continue;
    }
    const vars: Record<string, unknown> = {};
    const assert: AssertionSpec[] = [];
    header.forEach((name, c) => {
      const cell = record[c] ?? '';
      if (!EXPECTED.test(name)) {
        vars[name] = cell;
        return;
      }
      const spec = expectedAssertion(cell, `${path.basename(file)} row ${r} ${name}`, at(line), problems);
      if (spec) assert.push(spec);
    });
    tests.push({ row: r, vars, assert });
  }
  return { tests, columns, problems };
}

/** csv-parse's error in plain words where it has a common cause, with the line corrected. */
function csvErrorMessage(error: Error & { code?: string }, line: number): string {
  if (error.code === 'INVALID_OPENING_QUOTE')
    return `CSV: line ${line} has a " inside a field that is not quoted: quote the whole field and double each quote in it ("say ""hi""").`;
  return `CSV: ${error.message.replace(/\bline \d+/, `line ${line}`)}`;
}

/**
 * An `__expected` cell: `TYPE:VALUE` for a known assertion type (`icontains:positive`, `not-contains:sorry`),
 * otherwise `equals` on the trimmed reply; an empty cell adds none.
 */
export function expectedAssertion(
  cell: string,
  origin: string,
  locator: Locator,
  problems: ExperimentProblem[],
): AssertionSpec | undefined {
  if (cell.trim() === '') return undefined;
  const colon = cell.indexOf(':');
  // `is-json` alone is the assertion without a schema, as `is-json:` is.
  const name = (colon >= 0 ? cell.slice(0, colon) : cell).trim();
  const kind = splitAssertionName(name);
  if (kind) {
    const rest = colon >= 0 ? cell.slice(colon + 1) : '';
    let value: unknown = rest;
    if (kind.type === 'is-json' || kind.type === 'contains-json') {
      if (!rest.trim()) value = undefined;
      else {
        try {
          value = JSON.parse(rest);
        } catch {
          problems.push({
            file: locator.file,
            range: locator.value([]),
            severity: 'error',
            code: ExperimentCodes.invalidSchema,
            message: `${origin}: after \`${name}:\` comes a JSON schema; ${JSON.stringify(rest)} is not JSON.`,
          });
          return undefined;
        }
      }
    } else if (!rest.trim()) {
      // `contains` alone would pass on every reply as `contains:`, or be `equals` on a type's name: both mistakes.
      problems.push({
        file: locator.file,
        range: locator.value([]),
        severity: 'error',
        code: ExperimentCodes.invalidValue,
        message: `${origin}: \`${name}\` needs a value after the colon (${name}:TEXT); to expect the word itself, write equals:${name}.`,
      });
      return undefined;
    }
    return parseAssertion({ type: name, value }, [], locator, origin, problems);
  }
  const spec = parseAssertion({ type: 'equals', value: cell }, [], locator, origin, problems);
  return spec && { ...spec, trim: true };
}

export function jsonlDataset(text: string, file: string): Dataset {
  const problems: ExperimentProblem[] = [];
  const tests: TestCase[] = [];
  const columns = new Set<string>();
  const lines = splitLines(stripBom(text));
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const locator = new LineLocator(file, i, line.length);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({
        file,
        range: locator.value([]),
        severity: 'error',
        code: ExperimentCodes.datasetSyntax,
        message: `JSONL: line ${i + 1} is not valid JSON (${escapeControls((error as Error).message)}).`,
      });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({
        file,
        range: locator.value([]),
        severity: 'error',
        code: ExperimentCodes.datasetSyntax,
        message: `JSONL: line ${i + 1} must be an object: a test {vars, assert?, description?} or the variables themselves.`,
      });
      return;
    }
    const row = tests.length + 1;
    if (!('vars' in value)) {
      for (const key of Object.keys(value)) columns.add(key);
      tests.push({ row, vars: value as Record<string, unknown>, assert: [] });
      return;
    }
    const parsed = testSchema.safeParse(value);
    if (!parsed.success) {
      problems.push(...issueProblems(parsed.error.issues, value, locator, 'tests.*'));
      return;
    }
    for (const key of Object.keys(parsed.data.vars ?? {})) columns.add(key);
    tests.push(parseTestCase(parsed.data, row, [], locator, `${path.basename(file)} line ${i + 1}`, problems));
  });
  return { tests, columns: [...columns], problems };
}
