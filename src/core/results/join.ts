// Joins a batch's input with its output and error files: one result line per request, in input
// order, whatever order the service wrote results in. Large files stream: the output and error
// files are indexed by byte offset (custom_id → where its line is), not loaded. Nothing is dropped: results
// that match no input line (and result lines that cannot be read) follow the input-order lines.
import { createReadStream, promises as fs } from 'fs';
import { checkDestination, DestinationError, isSameFile, writeAtomically, type Destination } from '../util/atomicFile';

export type JoinedStatus = 'succeeded' | 'failed' | 'missing' | 'unmatched';

export interface JoinedResult {
  /** 1-based line number in the input file; null for a result that matches no input line. */
  readonly inputLine: number | null;
  readonly customId: string | null;
  readonly status: JoinedStatus;
  /** The result as one JSON line (no newline): custom_id, input_line, status, id, response, error. */
  readonly json: string;
}

export interface JoinSummary {
  total: number;
  succeeded: number;
  failed: number;
  /** Requests with no result in either file (a cancelled or expired batch), or unusable input lines. */
  missing: number;
  /**
   * Result lines written after the input-order lines because no input line takes them: a custom_id not in
   * the input (was it edited?), a second result for one request, or a line without a readable custom_id.
   */
  unmatched: number;
  promptTokens: number;
  completionTokens: number;
}

export interface JoinInputs {
  readonly inputPath: string;
  readonly outputPath?: string | null;
  readonly errorPath?: string | null;
  /** Why a request may have no result, e.g. "the batch was cancelled before this request ran". */
  readonly missingReason?: string;
  readonly signal?: AbortSignal;
  /** Result files up to this size are held in memory (default 64 MB); larger ones are read from disk per line. */
  readonly memoryLimitBytes?: number;
}

export function emptySummary(): JoinSummary {
  return { total: 0, succeeded: 0, failed: 0, missing: 0, unmatched: 0, promptTokens: 0, completionTokens: 0 };
}

interface Line {
  readonly number: number;
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const LF = 10;
const CR = 13;

/**
 * Yields the lines of a file with their byte offsets, reading 1 MB at a time. A line ends at LF, CRLF or a lone CR,
 * and a leading BOM is not part of line 1, as in the validator (and the editor): the line numbers agree, and
 * JSON.parse does not refuse line 1 for its BOM. The validator's LineSplitter applies the same rules to decoded
 * text; this splits the bytes instead, so offsets stay exact for large result files read back from disk even
 * when a line is not valid UTF-8 (decoding would turn its bytes into U+FFFD and shift every later offset).
 */
export async function* readLines(file: string, signal?: AbortSignal): AsyncGenerator<Line> {
  let pending: Buffer = Buffer.alloc(0);
  let pendingOffset = 0;
  let number = 0;
  const line = (start: number, end: number): Line => ({ number: ++number, offset: pendingOffset + start, length: end - start, text: pending.toString('utf8', start, end) });
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024, signal }) as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    // `pending` starts at byte 0 until a line or the BOM has been taken from it.
    const atFileStart = pendingOffset === 0 && number === 0;
    let start = atFileStart && pending.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? UTF8_BOM.length : 0;
    // The next CR is looked up again only once passed: a file without CR is searched for one once per chunk.
    let cr = pending.indexOf(CR, start);
    for (;;) {
      if (cr >= 0 && cr < start) cr = pending.indexOf(CR, start);
      const lf = pending.indexOf(LF, start);
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr + 1 === lf) {
          yield line(start, cr); // CRLF
          start = lf + 1;
        } else if (cr + 1 < pending.length) {
          yield line(start, cr); // a lone CR
          start = cr + 1;
        } else {
          break; // the chunk ends at a CR: the next one tells whether an LF follows
        }
      } else if (lf >= 0) {
        yield line(start, lf);
        start = lf + 1;
      } else {
        break;
      }
    }
    pending = pending.subarray(start);
    pendingOffset += start;
  }
  if (pending.length) yield line(0, pending[pending.length - 1] === CR ? pending.length - 1 : pending.length);
}

function customIdOf(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { custom_id?: unknown };
    return typeof value?.custom_id === 'string' ? value.custom_id : undefined;
  } catch {
    return undefined;
  }
}

interface Location {
  readonly source: 0 | 1; // 0 output, 1 error
  /** 1-based line number in its file. */
  readonly line: number;
  readonly offset: number;
  readonly length: number;
  /** The line itself when the files are small enough to keep in memory. */
  readonly text?: string;
  used: boolean;
}

interface ResultIndex {
  /** The first result line of each custom_id, output file before error file. */
  readonly byId: Map<string, Location>;
  /** Lines no input line can take: later results for a known custom_id, and lines without a custom_id. */
  readonly extra: Location[];
}

const SOURCE_NAMES = ['output', 'error'] as const;

const IN_MEMORY_LIMIT_BYTES = 64 * 1024 * 1024;

async function index(files: (string | null | undefined)[], memoryLimit: number, signal?: AbortSignal): Promise<ResultIndex> {
  const sizes = await Promise.all(files.map(async (f) => (f ? (await fs.stat(f)).size : 0)));
  const keepText = sizes.reduce((a, b) => a + b, 0) <= memoryLimit;
  const byId = new Map<string, Location>();
  const extra: Location[] = [];
  for (const [source, file] of files.entries()) {
    if (!file) continue;
    for await (const line of readLines(file, signal)) {
      if (!line.text.trim()) continue;
      const id = customIdOf(line.text);
      const location: Location = { source: source as 0 | 1, line: line.number, offset: line.offset, length: line.length, text: keepText ? line.text : undefined, used: false };
      // An output line wins over an error line for the same request; the other is kept as extra.
      if (id === undefined || byId.has(id)) extra.push(location);
      else byId.set(id, location);
    }
  }
  return { byId, extra };
}

type Handles = (Awaited<ReturnType<typeof fs.open>> | undefined)[];

async function textOf(location: Location, handles: Handles): Promise<string> {
  if (location.text !== undefined) return location.text;
  const buffer = Buffer.alloc(location.length);
  await handles[location.source]!.read(buffer, 0, location.length, location.offset);
  return buffer.toString('utf8');
}

/** A result line no input line takes, kept as it came (or, when it is not a JSON object, as raw text). */
function unmatchedResult(location: Location, text: string): JoinedResult {
  let record: (ResultRecord & { custom_id?: unknown }) | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) record = parsed as ResultRecord;
  } catch {
    // not JSON: kept raw below
  }
  const customId = typeof record?.custom_id === 'string' ? record.custom_id : null;
  const where = `line ${location.line} of the ${SOURCE_NAMES[location.source]} file`;
  const json = record
    ? JSON.stringify({ custom_id: customId, input_line: null, status: 'unmatched', id: record.id ?? null, response: record.response ?? null, error: record.error ?? null, source: where })
    : JSON.stringify({ custom_id: null, input_line: null, status: 'unmatched', id: null, response: null, error: { code: 'unreadable_result', message: `The service wrote ${where} as something other than a JSON object; it is kept as raw text.` }, raw: text, source: where });
  return { inputLine: null, customId, status: 'unmatched', json };
}

interface ResultRecord {
  id?: unknown;
  response?: { status_code?: unknown; body?: { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } } | null;
  error?: unknown;
}

/**
 * Yields one result per non-blank input line, in input order, then every result line no input line took
 * (status `unmatched`, `input_line` null), and fills in `summary` as it goes.
 */
export async function* joinResults(inputs: JoinInputs, summary: JoinSummary = emptySummary()): AsyncGenerator<JoinedResult> {
  const { byId: locations, extra } = await index([inputs.outputPath, inputs.errorPath], inputs.memoryLimitBytes ?? IN_MEMORY_LIMIT_BYTES, inputs.signal);
  const handles = await Promise.all([inputs.outputPath, inputs.errorPath].map((p) => (p ? fs.open(p, 'r') : undefined)));
  const answeredOn = new Map<string, number>();
  const missingReason = inputs.missingReason ?? 'No result for this request in the output or error file.';
  try {
    for await (const line of readLines(inputs.inputPath, inputs.signal)) {
      if (!line.text.trim()) continue;
      summary.total++;
      const customId = customIdOf(line.text) ?? null;
      const missing = (code: string, message: string): JoinedResult => {
        summary.missing++;
        const json = JSON.stringify({ custom_id: customId, input_line: line.number, status: 'missing', response: null, error: { code, message } });
        return { inputLine: line.number, customId, status: 'missing', json };
      };
      if (customId === null) {
        yield missing('invalid_input', 'This input line has no custom_id (or is not valid JSON), so no result can match it.');
        continue;
      }
      const first = answeredOn.get(customId);
      if (first !== undefined) {
        yield missing('duplicate_custom_id', `The custom_id "${customId}" was already used on input line ${first}; its result is reported there.`);
        continue;
      }
      answeredOn.set(customId, line.number);
      const location = locations.get(customId);
      if (!location) {
        yield missing('missing', missingReason);
        continue;
      }
      location.used = true;
      const text = await textOf(location, handles);
      const record = JSON.parse(text) as ResultRecord;
      const status = Number(record.response?.status_code);
      const ok = location.source === 0 && !record.error && record.response != null && status >= 200 && status < 300;
      if (ok) {
        summary.succeeded++;
        const usage = record.response?.body?.usage;
        summary.promptTokens += Number(usage?.prompt_tokens) || 0;
        summary.completionTokens += Number(usage?.completion_tokens) || 0;
      } else {
        summary.failed++;
      }
      const result = ok ? 'succeeded' : 'failed';
      const json = JSON.stringify({ custom_id: customId, input_line: line.number, status: result, id: record.id ?? null, response: record.response ?? null, error: record.error ?? null });
      yield { inputLine: line.number, customId, status: result, json };
    }
    // In file order, output file first, so the leftovers read like the service wrote them.
    const leftovers = [...[...locations.values()].filter((l) => !l.used), ...extra].sort((a, b) => a.source - b.source || a.offset - b.offset);
    for (const location of leftovers) {
      summary.unmatched++;
      yield unmatchedResult(location, await textOf(location, handles));
    }
  } finally {
    await Promise.all(handles.map((h) => h?.close()));
  }
}

/** checkDestination, and the input file is never the destination (also not through a link). */
export async function checkResultsDestination(inputPath: string, dest: string, options: { overwrite?: boolean } = {}): Promise<Destination> {
  if (await isSameFile(inputPath, dest)) {
    throw new DestinationError(dest, Object.assign(new Error('the input file'), { code: 'EINVAL' }), `Cannot write ${dest}: it is the input file ${inputPath}; results need a file of their own.`);
  }
  return checkDestination(dest, options);
}

/** Writes the joined results to `dest` atomically (temp file, then rename); never overwrites unless asked. */
export async function writeJoinedResults(inputs: JoinInputs, dest: string, options: { overwrite?: boolean } = {}): Promise<JoinSummary> {
  const summary = emptySummary();
  await checkResultsDestination(inputs.inputPath, dest, options);
  await writeAtomically(
    dest,
    async (temp) => {
      // Written in slices of about 256 KB: one write call each, awaited, so a full disk rejects right here.
      let pending = '';
      for await (const result of joinResults(inputs, summary)) {
        pending += result.json + '\n';
        if (pending.length < 256 * 1024) continue;
        await temp.write(pending);
        pending = '';
      }
      if (pending) await temp.write(pending);
    },
    options,
  );
  return summary;
}
