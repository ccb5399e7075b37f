import { Codes, type FileKind, type LineDiagnostic } from './diagnostics';
import { escaped, quoted } from './excerpt';
import { finalAssistantDiagnostic } from './finetune';
import { mapIssues } from './issues';
import { isBlank } from './lines';
import { LineTree, locateSyntaxError } from './locate';
import {
  BODY_KEYS,
  DEPRECATED_BODY_KEYS,
  DEPRECATED_MESSAGE_KEYS,
  FIELD_SPECS,
  finetuneLineSchema,
  INTEGER_BODY_KEYS,
  isPlainValidRequest,
  requestLineSchema,
  resultLineSchema,
  TOP_LEVEL_KEYS,
  UNSUPPORTED_BODY_KEYS,
  UNSUPPORTED_MESSAGE_KEYS,
} from './schema';
import { isIntegerLiteral, repeatsKeys, skipSpace } from './structure';
import { closestName } from './suggest';

/** What one line looks like, used to decide the file's kind. */
export type LineVote = 'batch' | 'results' | 'finetune' | 'unknown' | 'blank' | 'invalid' | 'value';

export interface LineCheck {
  readonly vote: LineVote;
  /** A non-empty string custom_id of a batch line, for the uniqueness index. */
  readonly customId?: string;
  /** The line writes a key twice in one object (only the last counts). */
  readonly repeatsKeys?: boolean;
  readonly diagnostics: readonly LineDiagnostic[];
}

export interface LineCheckOptions {
  readonly knownModels: ReadonlySet<string>;
}

const NONE: readonly LineDiagnostic[] = Object.freeze([]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function voteOf(value: unknown): LineVote {
  if (!isObject(value)) return 'value';
  if ('body' in value || 'method' in value || 'url' in value) return 'batch';
  if ('response' in value || 'error' in value) return 'results';
  if ('custom_id' in value) return 'batch';
  if ('messages' in value) return 'finetune';
  return 'unknown';
}

/** Parses a line only to see what it is (for deciding the file kind). */
export function voteLine(text: string): LineVote {
  if (isBlank(text)) return 'blank';
  try {
    return voteOf(JSON.parse(text));
  } catch {
    return 'invalid';
  }
}

/**
 * Checks one line of a file of the given kind. Valid lines cost one JSON.parse, one zod parse and a few key
 * loops; jsonc-parser runs only when there is something to report.
 */
export function checkLine(text: string, kind: FileKind, options: LineCheckOptions): LineCheck {
  if (isBlank(text)) {
    if (kind === 'empty') return { vote: 'blank', diagnostics: NONE };
    if (text.length === 0) return { vote: 'blank', diagnostics: [blankLine(0, 0)] };
    return { vote: 'blank', diagnostics: [blankLine(0, text.length)] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problem = locateSyntaxError(text, error instanceof Error ? error.message : String(error));
    const diagnostic: LineDiagnostic = {
      startColumn: problem.start,
      endColumn: problem.end,
      severity: 'error',
      code: Codes.invalidJson,
      message: problem.message,
    };
    return { vote: 'invalid', diagnostics: [diagnostic] };
  }
  const vote = voteOf(value);
  const repeats = repeatsKeys(text, value);
  const tree = repeats ? new LineTree(text) : undefined;
  const check = checkValue(text, value, vote, kind, options, tree);
  if (!tree) return check;
  return { ...check, repeatsKeys: true, diagnostics: [...repeatedKeyDiagnostics(tree), ...check.diagnostics] };
}

function checkValue(
  text: string,
  value: unknown,
  vote: LineVote,
  kind: FileKind,
  options: LineCheckOptions,
  tree: LineTree | undefined,
): LineCheck {
  switch (kind) {
    case 'batch':
      return checkRequest(text, value, vote, options, tree);
    case 'results':
      return checkWith(resultLineSchema, text, value, vote, tree);
    case 'finetune':
      return checkExample(text, value, vote, tree);
    default:
      return { vote, diagnostics: NONE };
  }
}

/** A warning on each ignored occurrence of a repeated key, naming where the one that counts is. */
function repeatedKeyDiagnostics(tree: LineTree): LineDiagnostic[] {
  const warning = { severity: 'warning', code: Codes.duplicateKey } as const;
  if (!tree.hasTree) {
    const span = tree.lineSpan();
    return [
      {
        ...warning,
        startColumn: span.start,
        endColumn: span.end,
        message: 'A key is repeated inside one object; only the last occurrence of each counts.',
      },
    ];
  }
  const out: LineDiagnostic[] = [];
  for (const { key, ignored, counted } of tree.repeatedKeys()) {
    for (const span of ignored) {
      out.push({
        ...warning,
        startColumn: span.start,
        endColumn: span.end,
        message: `Duplicate key \`${escaped(key)}\`: only its last value counts (column ${counted.start + 1}); this one is ignored.`,
      });
    }
  }
  return out;
}

function blankLine(start: number, end: number): LineDiagnostic {
  return {
    startColumn: start,
    endColumn: end,
    severity: 'warning',
    code: Codes.blankLine,
    message: 'Blank line: every line of a JSONL file must hold one JSON value. Remove it.',
  };
}

function notAnObject(text: string, value: unknown, vote: LineVote, tree = new LineTree(text)): LineCheck {
  const span = tree.lineSpan();
  const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  return {
    vote,
    diagnostics: [
      {
        startColumn: span.start,
        endColumn: span.end,
        severity: 'error',
        code: Codes.notAnObject,
        message: `Each line must be a JSON object, not ${what}.`,
      },
    ],
  };
}

function checkWith(
  schema: typeof resultLineSchema | typeof finetuneLineSchema,
  text: string,
  value: unknown,
  vote: LineVote,
  shared?: LineTree,
): LineCheck {
  if (!isObject(value)) return notAnObject(text, value, vote, shared);
  const parsed = schema.safeParse(value);
  if (parsed.success) return { vote, diagnostics: NONE };
  const out: LineDiagnostic[] = [];
  mapIssues(parsed.error.issues, value, shared ?? new LineTree(text), out);
  return { vote, diagnostics: out };
}

function checkExample(text: string, value: unknown, vote: LineVote, shared?: LineTree): LineCheck {
  const check = checkWith(finetuneLineSchema, text, value, vote, shared);
  if (!isObject(value)) return check;
  const final = finalAssistantDiagnostic(text, value);
  return final ? { vote, diagnostics: [...check.diagnostics, final] } : check;
}

function checkRequest(text: string, value: unknown, vote: LineVote, options: LineCheckOptions, shared?: LineTree): LineCheck {
  if (!isObject(value)) return notAnObject(text, value, vote, shared);
  let out: LineDiagnostic[] | undefined;
  let tree = shared;
  const report = (): { out: LineDiagnostic[]; tree: LineTree } => {
    out ??= [];
    tree ??= new LineTree(text);
    return { out, tree };
  };

  const parsed = isPlainValidRequest(value) ? undefined : requestLineSchema.safeParse(value);
  if (parsed && !parsed.success) {
    const r = report();
    mapIssues(parsed.error.issues, value, r.tree, r.out);
  }
  for (const key in value) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      const r = report();
      const span = r.tree.keyOrLine([key]);
      const hint = closestName(key, TOP_LEVEL_KEYS);
      r.out.push({
        startColumn: span.start,
        endColumn: span.end,
        severity: 'warning',
        code: Codes.unknownField,
        message: `Unknown field \`${escaped(key)}\`: a request line has custom_id, method, url and body${hint ? `. Did you mean \`${hint}\`?` : '.'}`,
      });
    }
  }
  const body = value.body;
  if (isObject(body)) checkBody(text, body, options, report);

  const customId = typeof value.custom_id === 'string' && value.custom_id.length > 0 ? value.custom_id : undefined;
  return { vote, customId, diagnostics: out ?? NONE };
}

type Reporter = () => { out: LineDiagnostic[]; tree: LineTree };

/** The warnings and cross-field rules zod's schema does not express. */
function checkBody(text: string, body: Json, options: LineCheckOptions, report: Reporter): void {
  for (const key of INTEGER_BODY_KEYS) {
    const value = body[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || !mayBeFractional(text, key)) continue;
    const r = report();
    const span = r.tree.value(['body', key]);
    const literal = span && text.slice(span.start, span.end);
    if (!span || !literal || isIntegerLiteral(literal)) continue;
    const expect = FIELD_SPECS.get(`body.${key}`)!.expect;
    r.out.push({
      startColumn: span.start,
      endColumn: span.end,
      severity: 'error',
      code: Codes.invalidType,
      message: `\`${key}\` must be ${expect}, not ${literal}.`,
    });
  }

  for (const key in body) {
    if (BODY_KEYS.has(key) && key !== 'max_tokens') continue;
    const r = report();
    const span = r.tree.keyOrLine(['body', key]);
    const at = { startColumn: span.start, endColumn: span.end };
    if (key === 'max_tokens') {
      const alsoHasMaxCompletionTokens = 'max_completion_tokens' in body;
      r.out.push({
        ...at,
        severity: 'warning',
        code: Codes.deprecatedMaxTokens,
        message: alsoHasMaxCompletionTokens
          ? '`max_tokens` is deprecated and `max_completion_tokens` is already set; remove `max_tokens`.'
          : '`max_tokens` is deprecated; use `max_completion_tokens`.',
        fix: { kind: 'renameMaxTokens', alsoHasMaxCompletionTokens },
      });
    } else if (UNSUPPORTED_BODY_KEYS.has(key)) {
      r.out.push({
        ...at,
        severity: 'warning',
        code: Codes.unsupportedParameter,
        message: `kluster.ai does not support \`${key}\`; the request may fail or ignore it.`,
      });
    } else if (DEPRECATED_BODY_KEYS.has(key)) {
      r.out.push({ ...at, severity: 'warning', code: Codes.deprecatedParameter, message: `\`${key}\` is deprecated on kluster.ai.` });
    } else {
      const hint = closestName(key, BODY_KEYS);
      r.out.push({
        ...at,
        severity: 'info',
        code: Codes.unknownParameter,
        message: `\`${escaped(key)}\` is not a documented kluster.ai chat completion parameter${hint ? `. Did you mean \`${hint}\`?` : '.'}`,
      });
    }
  }

  const topLogprobs = body.top_logprobs;
  if (topLogprobs !== undefined && topLogprobs !== null && body.logprobs !== true) {
    const r = report();
    const span = r.tree.keyOrLine(['body', 'top_logprobs']);
    r.out.push({
      startColumn: span.start,
      endColumn: span.end,
      severity: 'error',
      code: Codes.topLogprobsWithoutLogprobs,
      message: '`top_logprobs` needs `"logprobs": true`.',
    });
  }

  const model = body.model;
  if (typeof model === 'string' && model.length > 0 && !options.knownModels.has(model)) {
    const r = report();
    const span = r.tree.valueOrNearest(['body', 'model']);
    r.out.push({
      startColumn: span.start,
      endColumn: span.end,
      severity: 'warning',
      code: Codes.unknownModel,
      message: `Model ${quoted(model, 100)} is not in the kluster.ai model list.`,
      fix: { kind: 'replaceModel' },
    });
  }

  const messages = body.messages;
  if (Array.isArray(messages)) {
    for (let i = 0; i < messages.length; i++) {
      const message: unknown = messages[i];
      if (!isObject(message)) continue;
      for (const key in message) {
        const unsupported = UNSUPPORTED_MESSAGE_KEYS.has(key);
        if (!unsupported && !DEPRECATED_MESSAGE_KEYS.has(key)) continue;
        const r = report();
        const span = r.tree.keyOrLine(['body', 'messages', i, key]);
        r.out.push({
          startColumn: span.start,
          endColumn: span.end,
          severity: 'warning',
          code: unsupported ? Codes.unsupportedParameter : Codes.deprecatedParameter,
          message: unsupported
            ? `kluster.ai does not support \`messages[].${key}\`.`
            : `\`messages[].${key}\` is deprecated on kluster.ai.`,
        });
      }
    }
  }
}

/**
 * Whether `"key": <number>` may be written with a fraction or exponent: a double can round a fraction away
 * (`12345678901234567.5`), so such literals are checked on their text. Plain digits are integers; a key not
 * found as written (escaped) is checked too.
 */
function mayBeFractional(text: string, key: string): boolean {
  const quotedKey = `"${key}"`;
  let found = false;
  for (let at = text.indexOf(quotedKey); at >= 0; at = text.indexOf(quotedKey, at + 1)) {
    let i = skipSpace(text, at + quotedKey.length);
    if (text.charCodeAt(i) !== 58) continue;
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === 45) i++;
    const digitsStart = i;
    while (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === digitsStart) continue;
    found = true;
    const next = text.charCodeAt(i);
    if (next === 46 || next === 101 || next === 69) return true;
  }
  return !found;
}
