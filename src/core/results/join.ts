// Joins a batch's input with its output and error files: one result line per request, in input
// order, whatever order the service wrote results in. Large files stream: the output and error
// files are indexed by byte offset (custom_id → where its line is), not loaded. Nothing is dropped: results
// that match no input line (and result lines that cannot be read) follow the input-order lines.
import { FileReadError } from '../util/fileReadError';
import { promises as fs, readSync } from 'fs';
import { checkDestination, DestinationError, isSameFile, writeAtomically, type Destination } from '../util/atomicFile';
import { scanLines, type ScannedLine } from './lineScanner';

export type JoinedStatus = 'succeeded' | 'failed' | 'missing' | 'unmatched';

export interface JoinedResult {
  /** 1-based line number in the input file; null for a result that matches no input line. */
  readonly inputLine: number | null;
  readonly customId: string | null;
  readonly status: JoinedStatus;
  /** The result as one JSON line (no newline): custom_id, input_line, status, id, response, error. */
  readonly json: string;
  /** Where the result came from: the output or error file, and its 1-based line there (absent for missing). */
  readonly from?: { readonly file: 'output' | 'error'; readonly line: number };
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
  /**
   * Written as each row's `input_file` after its `input_line` (an experiment's results name the part file, relative
   * to the results file, so that a row's line is found in the right part).
   */
  readonly inputName?: string;
  readonly signal?: AbortSignal;
}

export function emptySummary(): JoinSummary {
  return { total: 0, succeeded: 0, failed: 0, missing: 0, unmatched: 0, promptTokens: 0, completionTokens: 0 };
}

export interface Line {
  readonly number: number;
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

/** The lines of a file with their byte offsets and text (see LineScanner for the rules). */
export async function* readLines(file: string, signal?: AbortSignal): AsyncGenerator<Line> {
  try {
    for await (const line of scanLines(file, signal))
      yield { number: line.number, offset: line.offset, length: line.length, text: line.text };
  } catch (error) {
    // fs's EISDIR and EIO name no path: say which file, in words.
    if (typeof (error as NodeJS.ErrnoException).syscall === 'string') throw new FileReadError(file, error);
    throw error;
  }
}

function customIdOf(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { custom_id?: unknown };
    return typeof value?.custom_id === 'string' ? value.custom_id : undefined;
  } catch {
    return undefined;
  }
}

/** `{"id":"…","custom_id":"…"`, how the service starts every result line (and `{"custom_id":"…"`). */
const LEADING_CUSTOM_ID = /^\{\s*(?:"id"\s*:\s*"[^"\\]*"\s*,\s*)?"custom_id"\s*:\s*"([^"\\]*)"/;
const CUSTOM_ID_KEY = Buffer.from('"custom_id"');
/** How much of a result line is decoded to find its custom_id up front. */
const HEAD_BYTES = 512;

/**
 * The custom_id a result line claims, read from its first bytes without parsing the rest: the join parses the line
 * it takes anyway, and most lines are taken. Falls back to JSON.parse when the key is not up front or occurs again
 * (JSON.parse takes the last of duplicate keys); a line that turns out not to be JSON is passed over at the join.
 */
function claimedCustomId(line: ScannedLine, parseOtherwise = true): string | undefined {
  const bytes = line.bytes;
  const match = LEADING_CUSTOM_ID.exec(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES)));
  if (match && bytes.indexOf(CUSTOM_ID_KEY, Buffer.byteLength(match[0])) < 0) return match[1];
  return parseOtherwise ? customIdOf(line.text) : undefined;
}

/** Blank as `text.trim()` sees it; a line starting with `{` is not, without decoding it. */
function isBlank(line: ScannedLine): boolean {
  return line.bytes[0] !== 0x7b && !line.text.trim();
}

interface Location {
  readonly source: 0 | 1; // 0 output, 1 error
  /** 1-based line number in its file. */
  readonly line: number;
  readonly offset: number;
  readonly length: number;
  used: boolean;
  /** The next result line claiming the same custom_id, in file order, output file first. */
  next?: Location;
}

interface ResultIndex {
  /** The first result line claiming each custom_id, output file before error file; later ones chained behind it. */
  readonly byId: Map<string, Location>;
  /** Lines without a custom_id. */
  readonly extra: Location[];
}

const SOURCE_NAMES = ['output', 'error'] as const;

async function index(files: (string | null | undefined)[], signal?: AbortSignal): Promise<ResultIndex> {
  const byId = new Map<string, Location>();
  const last = new Map<string, Location>();
  const extra: Location[] = [];
  for (const [source, file] of files.entries()) {
    if (!file) continue;
    for await (const line of scanLines(file, signal)) {
      if (isBlank(line)) continue;
      const id = claimedCustomId(line);
      const location: Location = { source: source as 0 | 1, line: line.number, offset: line.offset, length: line.length, used: false };
      if (id === undefined) {
        extra.push(location);
      } else if (!byId.has(id)) {
        byId.set(id, location);
        last.set(id, location);
      } else {
        last.get(id)!.next = location;
        last.set(id, location);
      }
    }
  }
  return { byId, extra };
}

/**
 * Reads result lines back by offset. Synchronous preads of a file the join just read (so in the page cache) cost
 * microseconds; awaited reads through the thread pool each cost more than the JSON work on the line. The loop
 * still yields between the 1 MB chunks of the input.
 */
class LineReader {
  private scratch = Buffer.allocUnsafe(64 * 1024);
  constructor(private readonly fds: (number | undefined)[]) {}

  text(location: Location): string {
    if (this.scratch.length < location.length) this.scratch = Buffer.allocUnsafe(location.length);
    const fd = this.fds[location.source]!;
    for (let done = 0; done < location.length;) {
      const read = readSync(fd, this.scratch, done, location.length - done, location.offset + done);
      if (read === 0) break;
      done += read;
    }
    return this.scratch.toString('utf8', 0, location.length);
  }
}

/** A result line no input line takes, kept as it came (or, when it is not a JSON object, as raw text). */
function unmatchedResult(location: Location, text: string, named: { input_file?: string }): JoinedResult {
  const record = recordOf(text);
  const customId = typeof record?.custom_id === 'string' ? record.custom_id : null;
  const where = `line ${location.line} of the ${SOURCE_NAMES[location.source]} file`;
  const json = record
    ? JSON.stringify({
        custom_id: customId,
        input_line: null,
        ...named,
        status: 'unmatched',
        id: record.id ?? null,
        response: record.response ?? null,
        error: record.error ?? null,
        source: where,
      })
    : JSON.stringify({
        custom_id: null,
        input_line: null,
        ...named,
        status: 'unmatched',
        id: null,
        response: null,
        error: {
          code: 'unreadable_result',
          message: `The service wrote ${where} as something other than a JSON object; it is kept as raw text.`,
        },
        raw: text,
        source: where,
      });
  return { inputLine: null, customId, status: 'unmatched', json, from: { file: SOURCE_NAMES[location.source], line: location.line } };
}

interface ResultRecord {
  custom_id?: unknown;
  id?: unknown;
  response?: { status_code?: unknown; body?: { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } } | null;
  error?: unknown;
}

/** The line as a JSON object, or undefined when it is not one. */
function recordOf(text: string): ResultRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ResultRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** `{"id":…,"custom_id":"…","response":` and `,"error":null}`: a result line as the service writes it. */
const RESPONSE_START = /^\{\s*"id"\s*:\s*(?:"(?:[^"\\]|\\.)*"|null)\s*,\s*"custom_id"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*"response"\s*:\s*/;
const ERROR_NULL_END = /\s*,\s*"error"\s*:\s*null\s*\}\s*$/;
const RESULT_KEYS = ['id', 'custom_id', 'response', 'error'];

/**
 * The response's JSON text as the line holds it, when the line is exactly {id, custom_id, response, error: null}
 * in that order: copied, it is the same value as JSON.stringify(record.response) (which costs as much as the
 * parse). Any other shape gets undefined, and the caller stringifies.
 */
function rawResponse(text: string, record: ResultRecord): string | undefined {
  if (record.error !== null) return undefined;
  const keys = Object.keys(record);
  if (keys.length !== RESULT_KEYS.length || keys.some((key, i) => key !== RESULT_KEYS[i])) return undefined;
  const start = RESPONSE_START.exec(text);
  const tail = text.slice(-32);
  const end = ERROR_NULL_END.exec(tail);
  if (!start || !end) return undefined;
  const raw = text.slice(start[0].length, text.length - tail.length + end.index);
  return raw.length ? raw : undefined;
}

/** The first line claiming `customId` that really is its result (a JSON object with that custom_id), marked used. */
function takeResult(
  first: Location | undefined,
  customId: string,
  reader: LineReader,
): { location: Location; record: ResultRecord; text: string } | undefined {
  for (let location = first; location; location = location.next) {
    const text = reader.text(location);
    const record = recordOf(text);
    if (record?.custom_id !== customId) continue; // unreadable after all: left for the unmatched lines
    location.used = true;
    return { location, record, text };
  }
  return undefined;
}

/**
 * Yields one result per non-blank input line, in input order, then every result line no input line took
 * (status `unmatched`, `input_line` null), and fills in `summary` as it goes.
 */
export async function* joinResults(inputs: JoinInputs, summary: JoinSummary = emptySummary()): AsyncGenerator<JoinedResult> {
  const { byId: locations, extra } = await index([inputs.outputPath, inputs.errorPath], inputs.signal);
  const handles = await Promise.all([inputs.outputPath, inputs.errorPath].map((p) => (p ? fs.open(p, 'r') : undefined)));
  const reader = new LineReader(handles.map((h) => h?.fd));
  const answeredOn = new Map<string, number>();
  const missingReason = inputs.missingReason ?? 'No result for this request in the output or error file.';
  const named = inputs.inputName === undefined ? {} : { input_file: inputs.inputName };
  const namedJson = inputs.inputName === undefined ? '' : `,"input_file":${JSON.stringify(inputs.inputName)}`;
  try {
    for await (const line of scanLines(inputs.inputPath, inputs.signal)) {
      if (isBlank(line)) continue;
      summary.total++;
      // The custom_id up front is taken without parsing the line when a result answers it: the service parsed
      // that line to run it. Any other line is parsed, to tell a line without a custom_id from a missing result.
      const claimed = claimedCustomId(line, false);
      const customId = (claimed !== undefined && locations.has(claimed) ? claimed : customIdOf(line.text)) ?? null;
      const missing = (code: string, message: string): JoinedResult => {
        summary.missing++;
        const json = JSON.stringify({
          custom_id: customId,
          input_line: line.number,
          ...named,
          status: 'missing',
          response: null,
          error: { code, message },
        });
        return { inputLine: line.number, customId, status: 'missing', json };
      };
      if (customId === null) {
        yield missing('invalid_input', 'This input line has no custom_id (or is not valid JSON), so no result can match it.');
        continue;
      }
      const first = answeredOn.get(customId);
      if (first !== undefined) {
        yield missing(
          'duplicate_custom_id',
          `The custom_id "${customId}" was already used on input line ${first}; its result is reported there.`,
        );
        continue;
      }
      answeredOn.set(customId, line.number);
      const taken = takeResult(locations.get(customId), customId, reader);
      if (!taken) {
        yield missing('missing', missingReason);
        continue;
      }
      const { location, record, text } = taken;
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
      const response = rawResponse(text, record);
      const json =
        response === undefined
          ? JSON.stringify({
              custom_id: customId,
              input_line: line.number,
              ...named,
              status: result,
              id: record.id ?? null,
              response: record.response ?? null,
              error: record.error ?? null,
            })
          : `{"custom_id":${JSON.stringify(customId)},"input_line":${line.number}${namedJson},"status":"${result}","id":${JSON.stringify(record.id ?? null)},"response":${response},"error":null}`;
      yield { inputLine: line.number, customId, status: result, json, from: { file: SOURCE_NAMES[location.source], line: location.line } };
    }
    // In file order, output file first, so the leftovers read like the service wrote them.
    const unused: Location[] = [...extra];
    for (const first of locations.values()) for (let l: Location | undefined = first; l; l = l.next) if (!l.used) unused.push(l);
    unused.sort((a, b) => a.source - b.source || a.offset - b.offset);
    for (const location of unused) {
      summary.unmatched++;
      yield unmatchedResult(location, reader.text(location), named);
    }
  } finally {
    await Promise.all(handles.map((h) => h?.close()));
  }
}

/** checkDestination, and the input file is never the destination (also not through a link). */
export async function checkResultsDestination(
  inputPath: string,
  dest: string,
  options: { overwrite?: boolean } = {},
): Promise<Destination> {
  if (await isSameFile(inputPath, dest)) {
    throw new DestinationError(
      dest,
      Object.assign(new Error('the input file'), { code: 'EINVAL' }),
      `Cannot write ${dest}: it is the input file ${inputPath}; results need a file of their own.`,
    );
  }
  return checkDestination(dest, options);
}

/** Results are written to disk in slices of about this size. */
const SLICE_BYTES = 256 * 1024;

/** Writes the joined results to `dest` atomically (temp file, then rename); never overwrites unless asked. */
export async function writeJoinedResults(inputs: JoinInputs, dest: string, options: { overwrite?: boolean } = {}): Promise<JoinSummary> {
  const summary = emptySummary();
  await checkResultsDestination(inputs.inputPath, dest, options);
  await writeAtomically(
    dest,
    async (temp) => {
      // Encoded straight into two reused buffers of about 1 MB: one is written while the other fills, so the
      // join never waits on the disk and leaves no garbage strings or buffers per slice. A failed write (a full
      // disk) rejects the join at the next slice.
      const buffers = [Buffer.allocUnsafe(SLICE_BYTES * 4), Buffer.allocUnsafe(SLICE_BYTES * 4)];
      let current = 0;
      let used = 0;
      let writing: Promise<void> = Promise.resolve();
      const flush = async () => {
        await writing;
        writing = temp.write(buffers[current]!.subarray(0, used));
        writing.catch(() => undefined); // awaited at the next flush; not an unhandled rejection meanwhile
        current = 1 - current;
        used = 0;
      };
      try {
        for await (const result of joinResults(inputs, summary)) {
          const room = buffers[current]!.length;
          // At most 3 bytes per UTF-16 unit, plus the newline.
          const most = result.json.length * 3 + 1;
          if (used + most > room || used >= SLICE_BYTES) await flush();
          if (most > room) {
            await writing; // a line bigger than the buffers: on its own
            await temp.write(result.json + '\n');
            continue;
          }
          const buffer = buffers[current]!;
          used += buffer.write(result.json, used);
          buffer[used++] = 0x0a;
        }
        if (used) await flush();
        await writing;
      } finally {
        await writing.catch(() => undefined); // never leave a write running into the temp file's removal
      }
    },
    options,
  );
  return summary;
}
