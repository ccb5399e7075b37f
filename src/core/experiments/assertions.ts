// Assertions on a reply's text. Each type also exists as `not-TYPE`. `llm-rubric` is decided by the judge
// (judge.ts), everything else here, without running any code from the experiment.
import { schemaViolation } from './jsonSchema';

export const ASSERTION_TYPES = [
  'equals',
  'contains',
  'icontains',
  'starts-with',
  'regex',
  'is-json',
  'contains-json',
  'llm-rubric',
] as const;
export type AssertionType = (typeof ASSERTION_TYPES)[number];

export const ALL_ASSERTION_NAMES: readonly string[] = [...ASSERTION_TYPES, ...ASSERTION_TYPES.map((t) => `not-${t}`)];

export function splitAssertionName(name: string): { type: AssertionType; negate: boolean } | undefined {
  const negate = name.startsWith('not-');
  const type = negate ? name.slice(4) : name;
  return (ASSERTION_TYPES as readonly string[]).includes(type) ? { type: type as AssertionType, negate } : undefined;
}

/** Types whose `value` is required text. */
export const NEEDS_TEXT: ReadonlySet<AssertionType> = new Set(['equals', 'contains', 'icontains', 'starts-with', 'regex', 'llm-rubric']);

/** One assertion with its value already filled in for a row. */
export interface ResolvedAssertion {
  readonly type: AssertionType;
  readonly negate: boolean;
  /** The templated text (rubric for llm-rubric, pattern for regex). */
  readonly text?: string;
  /** A JSON schema for is-json / contains-json. */
  readonly schema?: Record<string, unknown>;
  /** `equals` on the trimmed reply (an `__expected` cell without a type). */
  readonly trim?: boolean;
}

export interface Verdict {
  readonly pass: boolean;
  readonly reason: string;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The end (exclusive) of the bracket-balanced span that opens at `start`, reading strings as JSON does; -1 when
 * it never closes, a bracket does not match, or the search has used up `budget` (characters read).
 */
function balancedEnd(text: string, start: number, budget: { left: number }): number {
  const open: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    if (--budget.left < 0) return -1;
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') open.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (open.pop() !== ch) return -1;
      if (!open.length) return i + 1;
    }
  }
  return -1;
}

/**
 * Every JSON object or array embedded in `text`, in order. A JSON value that opens at a bracket ends at its
 * balanced close, so each `{` / `[` has one candidate. The reply is untrusted: the characters read are bounded
 * by a budget linear in its length, so brackets everywhere cannot make scoring hang.
 */
export function* embeddedJson(text: string): Generator<unknown> {
  const budget = { left: 1_000_000 + 20 * text.length };
  for (let start = 0; start < text.length && budget.left > 0; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    // An object's first token is a key or its end: skips `{a}` without a JSON.parse that throws.
    if (open === '{') {
      let next = start + 1;
      while (next < text.length && ' \t\r\n'.includes(text[next]!)) next++;
      if (text[next] !== '"' && text[next] !== '}') continue;
    }
    const end = balancedEnd(text, start, budget);
    if (end < 0) continue;
    budget.left -= end - start;
    const parsed = parseJson(text.slice(start, end));
    if (parsed.ok) {
      yield parsed.value;
      start = end - 1;
    }
  }
}

function checkJson(value: unknown, schema: Record<string, unknown> | undefined): Verdict {
  if (!schema) return { pass: true, reason: 'The reply is JSON.' };
  const violation = schemaViolation(value, schema);
  return violation
    ? { pass: false, reason: `The JSON does not match the schema: ${violation}.` }
    : { pass: true, reason: 'The JSON matches the schema.' };
}

function positive(assertion: ResolvedAssertion, reply: string): Verdict {
  const text = assertion.text ?? '';
  const shown = JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
  switch (assertion.type) {
    case 'equals': {
      const actual = assertion.trim ? reply.trim() : reply;
      return actual === text
        ? { pass: true, reason: `The reply equals ${shown}.` }
        : { pass: false, reason: `The reply does not equal ${shown}.` };
    }
    case 'contains':
      return reply.includes(text)
        ? { pass: true, reason: `The reply contains ${shown}.` }
        : { pass: false, reason: `The reply does not contain ${shown}.` };
    case 'icontains':
      return reply.toLowerCase().includes(text.toLowerCase())
        ? { pass: true, reason: `The reply contains ${shown} (ignoring case).` }
        : { pass: false, reason: `The reply does not contain ${shown} (ignoring case).` };
    case 'starts-with':
      return reply.startsWith(text)
        ? { pass: true, reason: `The reply starts with ${shown}.` }
        : { pass: false, reason: `The reply does not start with ${shown}.` };
    case 'regex':
      return new RegExp(text).test(reply)
        ? { pass: true, reason: `The reply matches /${text}/.` }
        : { pass: false, reason: `The reply does not match /${text}/.` };
    case 'is-json': {
      const parsed = parseJson(reply.trim());
      return parsed.ok ? checkJson(parsed.value, assertion.schema) : { pass: false, reason: 'The reply is not valid JSON.' };
    }
    case 'contains-json': {
      let last: Verdict = { pass: false, reason: 'The reply contains no JSON object or array.' };
      for (const value of embeddedJson(reply)) {
        last = checkJson(value, assertion.schema);
        if (last.pass) return { pass: true, reason: `The reply contains JSON${assertion.schema ? ' matching the schema' : ''}.` };
      }
      return last;
    }
    case 'llm-rubric':
      throw new Error('llm-rubric is decided by the judge');
  }
}

/** Whether a non-judge assertion holds, without building its reason (scoring a large file needs only counts). */
export function passes(assertion: ResolvedAssertion, reply: string): boolean {
  const text = assertion.text ?? '';
  let pass: boolean;
  switch (assertion.type) {
    case 'equals':
      pass = (assertion.trim ? reply.trim() : reply) === text;
      break;
    case 'contains':
      pass = reply.includes(text);
      break;
    case 'icontains':
      pass = reply.toLowerCase().includes(text.toLowerCase());
      break;
    case 'starts-with':
      pass = reply.startsWith(text);
      break;
    default:
      return evaluate(assertion, reply).pass;
  }
  return assertion.negate ? !pass : pass;
}

/** Applies a non-judge assertion to a reply; `not-` forms invert the verdict (a regex that cannot compile fails). */
export function evaluate(assertion: ResolvedAssertion, reply: string): Verdict {
  let verdict: Verdict;
  try {
    verdict = positive(assertion, reply);
  } catch (error) {
    if (assertion.type === 'llm-rubric') throw error;
    return { pass: false, reason: `The assertion cannot run: ${(error as Error).message}` };
  }
  if (!assertion.negate) return verdict;
  return { pass: !verdict.pass, reason: `not-${assertion.type}: ${verdict.reason}` };
}
