// One row of the results grid per results line: what a person scans (status, model, the last user message,
// the reply, tokens, the error) as short excerpts, plus where the line is on disk to read it whole later.
// Reads our joined format (`status`, `input_line`) and the service's raw output / error lines alike.
// No node import here: the grid's webview bundle uses these types and helpers too.

/** The statuses of the joined format (src/core/results/join.ts's JoinedStatus). */
export type RowStatus = 'succeeded' | 'failed' | 'missing' | 'unmatched';
export const ROW_STATUSES: readonly RowStatus[] = ['succeeded', 'failed', 'missing', 'unmatched'];

/** Characters of the request and reply kept per row: what is shown and searched by the grid's text filter. */
export const EXCERPT_LENGTH = 500;

export interface ResultRow {
  /** 0-based position of the row in the results file (the grid's unfiltered order). */
  readonly index: number;
  /** 1-based line of the results file. */
  readonly fileLine: number;
  /** Where the results line is in the file, in bytes, to read it whole. */
  readonly offset: number;
  readonly length: number;
  /** 1-based line of the input file the request is on; null when not known (unmatched, raw output files). */
  readonly line: number | null;
  /** The input file `line` counts in when the results line names one (`input_file`, relative to the results). */
  readonly inputFile: string | null;
  readonly customId: string | null;
  readonly status: RowStatus;
  readonly model: string | null;
  /** The last user message of the request, on one line, cut to EXCERPT_LENGTH; '' when the input is not known. */
  readonly request: string;
  /** The reply, on one line, cut to EXCERPT_LENGTH. */
  readonly reply: string;
  readonly finishReason: string | null;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly error: string | null;
  /** How many times the request ran (merged retries count up); 1 for a plain result, 0 for one that never ran. */
  readonly attempts: number;
  /** Which batch (or file) the row's result came from, when a merge recorded it. */
  readonly origin: string | null;
}

/** What an input (request) line contributes to its row. */
export interface RequestInfo {
  readonly customId: string | null;
  readonly model: string | null;
  readonly lastUser: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOr = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const countOr = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null);

/** Whether a UTF-16 code unit is whitespace as `\s` and `trim()` see it. */
function isSpace(c: number): boolean {
  if (c > 32 && c < 0xa0) return false;
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

let scratch = new Uint16Array(EXCERPT_LENGTH + 1);
/**
 * Makes one flat string of the copied code units (one byte per character when they fit; a lone surrogate becomes
 * U+FFFD). Little-endian, as Uint16Array is on every platform VS Code runs on.
 */
const utf16 = new TextDecoder('utf-16le');
/** Whitespace that excerpt() would change: any but a plain space, or two in a row. */
const UNEVEN_SPACE = /[^\S ]| {2}/;
const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
let bytes = new Uint8Array(3 * (EXCERPT_LENGTH + 1));

/**
 * Whitespace runs become one space and the text is trimmed and cut to `max` with an ellipsis, never inside a
 * surrogate pair: what `text.replace(/\s+/g, ' ').trim()` then a cut would give, looking at the first `max`
 * characters' worth only (every row of a large results file takes two excerpts while it is indexed). Text whose
 * only whitespace is single spaces (most replies) is sliced without a pass in JavaScript.
 */
export function excerpt(text: string, max = EXCERPT_LENGTH): string {
  // Three characters past the cut: a leading space, and a space at the cut that a trailing trim could drop.
  const head = text.length <= max + 3 ? text : text.slice(0, max + 3);
  return UNEVEN_SPACE.test(head) ? collapsed(text, max) : sliced(text, head, max);
}

/** excerpt() of text whose first `max + 3` characters (`head`) hold no whitespace but single spaces. */
function sliced(text: string, head: string, max: number): string {
  const start = head.charCodeAt(0) === 32 ? 1 : 0;
  if (head === text) {
    const end = text.length > start && text.charCodeAt(text.length - 1) === 32 ? text.length - 1 : text.length;
    if (end - start <= max) return start === 0 && end === text.length ? text : text.slice(start, end);
  }
  const last = head.charCodeAt(start + max - 1);
  const cut = text.slice(start, start + max - (last >= 0xd800 && last <= 0xdbff ? 1 : 0));
  // A slice keeps its whole text alive: fine for a text up to twice the excerpt, copied beyond (a long reply).
  return `${text.length <= 2 * max ? cut : copyOf(cut)}…`;
}

/** A fresh flat string of `text` (one byte per character when they fit; a lone surrogate becomes U+FFFD). */
function copyOf(text: string): string {
  if (bytes.length < 3 * text.length) bytes = new Uint8Array(3 * text.length);
  return utf8.decode(bytes.subarray(0, encoder.encodeInto(text, bytes).written));
}

/** excerpt() the long way: one pass over the first `max` characters' worth into a scratch buffer. */
function collapsed(text: string, max: number): string {
  if (scratch.length <= max) scratch = new Uint16Array(max + 1);
  const out = scratch;
  const n = text.length;
  let k = 0;
  let gap = false; // whitespace since the last character copied
  let other = false; // whitespace other than a plain space
  for (let i = 0; i < n && k <= max; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      gap = true;
      if (c !== 32) other = true;
      continue;
    }
    if (gap && k > 0) out[k++] = 32;
    gap = false;
    if (k <= max) out[k++] = c;
  }
  if (k <= max) return k === n && !other ? text : utf16.decode(out.subarray(0, k));
  let end = max;
  const last = out[end - 1]!;
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${utf16.decode(out.subarray(0, end))}…`;
}

/** The text of a message's `content`: a string, or the text parts of an array of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      isObject(part) && part.type === 'text' && typeof part.text === 'string'
        ? part.text
        : isObject(part) && part.type === 'image_url'
          ? '[image]'
          : '',
    )
    .filter(Boolean)
    .join(' ');
}

/** Model and last user message of a request line; empty when the line is not a request. */
export function requestInfo(text: string): RequestInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { customId: null, model: null, lastUser: '' };
  }
  const body = isObject(value) && isObject(value.body) ? value.body : undefined;
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  let user: Json | undefined;
  for (let i = messages.length - 1; i >= 0 && !user; i--) {
    const m: unknown = messages[i];
    if (isObject(m) && m.role === 'user') user = m;
  }
  return {
    customId: isObject(value) ? stringOr(value.custom_id) : null,
    model: stringOr(body?.model),
    lastUser: excerpt(contentText(user?.content)),
  };
}

/** The fields of a results line the grid needs, before the input is known. */
export type ParsedResult = Pick<
  ResultRow,
  | 'customId'
  | 'inputFile'
  | 'status'
  | 'model'
  | 'reply'
  | 'finishReason'
  | 'promptTokens'
  | 'completionTokens'
  | 'error'
  | 'attempts'
  | 'origin'
> & {
  /** The `input_line` the results line names (a joined results file), else null. */
  readonly inputLine: number | null;
};

function errorMessage(record: Json, response: Json | undefined, statusCode: number | null): string | null {
  const error = record.error;
  if (isObject(error)) return stringOr(error.message) ?? stringOr(error.code) ?? JSON.stringify(error);
  if (typeof error === 'string' && error) return error;
  const bodyError = isObject(response?.body) ? response.body.error : undefined;
  if (isObject(bodyError) && typeof bodyError.message === 'string') return bodyError.message;
  if (statusCode !== null && (statusCode < 200 || statusCode >= 300)) return `HTTP ${statusCode}`;
  return null;
}

/** The status a line states (joined format), else what its response says (raw output and error files). */
function statusOf(record: Json, response: Json | undefined, statusCode: number | null): RowStatus {
  if (typeof record.status === 'string' && (ROW_STATUSES as readonly string[]).includes(record.status)) return record.status as RowStatus;
  if (record.error !== null && record.error !== undefined) return 'failed';
  if (!response || statusCode === null || statusCode < 200 || statusCode >= 300) return 'failed';
  return 'succeeded';
}

/** Reads one results line; a line that is not a JSON object becomes an unmatched row saying so. */
export function parseResult(text: string): ParsedResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isObject(value)) {
    return {
      customId: null,
      inputLine: null,
      inputFile: null,
      status: 'unmatched',
      model: null,
      reply: excerpt(text),
      finishReason: null,
      promptTokens: null,
      completionTokens: null,
      error: 'This line is not a JSON object.',
      attempts: 0,
      origin: null,
    };
  }
  const response = isObject(value.response) ? value.response : undefined;
  const statusCode = countOr(response?.status_code);
  const body = isObject(response?.body) ? response.body : undefined;
  const choice = Array.isArray(body?.choices) && isObject(body.choices[0]) ? body.choices[0] : undefined;
  const message = isObject(choice?.message) ? choice.message : undefined;
  const usage = isObject(body?.usage) ? body.usage : undefined;
  const status = statusOf(value, response, statusCode);
  const inputLine = countOr(value.input_line);
  const attempts = countOr(value.attempts) ?? (status === 'succeeded' || status === 'failed' ? 1 : 0);
  return {
    customId: stringOr(value.custom_id),
    inputLine: inputLine && Number.isInteger(inputLine) ? inputLine : null,
    inputFile: stringOr(value.input_file) || null,
    status,
    model: stringOr(body?.model),
    reply: excerpt(contentText(message?.content)),
    finishReason: stringOr(choice?.finish_reason),
    promptTokens: countOr(usage?.prompt_tokens),
    completionTokens: countOr(usage?.completion_tokens),
    error: status === 'succeeded' ? null : errorMessage(value, response, statusCode),
    attempts,
    origin: stringOr(value.origin),
  };
}

/** A row from a parsed results line, where it is, and its request when the input is known. */
export function toRow(
  parsed: ParsedResult,
  where: { index: number; fileLine: number; offset: number; length: number },
  request?: RequestInfo,
): ResultRow {
  return {
    index: where.index,
    fileLine: where.fileLine,
    offset: where.offset,
    length: where.length,
    line: parsed.inputLine,
    inputFile: parsed.inputFile,
    customId: parsed.customId,
    status: parsed.status,
    model: parsed.model ?? request?.model ?? null,
    request: request?.lastUser ?? '',
    reply: parsed.reply,
    finishReason: parsed.finishReason,
    promptTokens: parsed.promptTokens,
    completionTokens: parsed.completionTokens,
    error: parsed.error,
    attempts: parsed.attempts,
    origin: parsed.origin,
  };
}
