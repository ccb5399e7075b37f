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

/** Every JSON object or array embedded in `text`, in order (first balanced candidate from each `{` / `[`). */
export function* embeddedJson(text: string): Generator<unknown> {
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    const close = open === '{' ? '}' : ']';
    for (let end = text.lastIndexOf(close); end > start; end = text.lastIndexOf(close, end - 1)) {
      const parsed = parseJson(text.slice(start, end + 1));
      if (parsed.ok) {
        yield parsed.value;
        start = end;
        break;
      }
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
