import type { z } from 'zod';
import { Codes, type Code, type FixHint, type LineDiagnostic } from './diagnostics';
import type { LineTree } from './locate';
import { FIELD_SPECS, INTEGER_BODY_KEYS, type FieldSpec } from './schema';

// Turns zod issues into diagnostics with stable codes, messages written for people, and exact spans.

type Path = readonly PropertyKey[];
type Segment = string | number;

function specKey(path: readonly Segment[]): string {
  return path.map((s) => (typeof s === 'number' ? '*' : s)).join('.');
}

function specFor(path: readonly Segment[]): FieldSpec {
  const key = specKey(path);
  const found = FIELD_SPECS.get(key) ?? FIELD_SPECS.get(`body.${key}`);
  if (found) return found;
  // Map values (`logit_bias`) are described once for any key.
  if (path.length > 0) {
    const anyKey = FIELD_SPECS.get(`${specKey(path.slice(0, -1))}.*`);
    if (anyKey) return anyKey;
  }
  // Unknown nesting: fall back to the closest described ancestor.
  return path.length > 0 ? specFor(path.slice(0, -1)) : FIELD_SPECS.get('')!;
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** "the string \"0.5\"", "3", "an array": how a wrong value is quoted in messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `the string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function toSegments(path: Path): Segment[] {
  return path.filter((s): s is Segment => typeof s === 'string' || typeof s === 'number');
}

const FIXES: Partial<Record<Code, FixHint>> = {
  [Codes.missingCustomId]: { kind: 'insertProperty', key: 'custom_id' },
  [Codes.missingMethod]: { kind: 'insertProperty', key: 'method' },
  [Codes.missingUrl]: { kind: 'insertProperty', key: 'url' },
  [Codes.invalidMethod]: { kind: 'replaceValue', key: 'method' },
  [Codes.invalidUrl]: { kind: 'replaceValue', key: 'url' },
};

function withFix(code: Code): { fix?: FixHint } {
  const fix = FIXES[code];
  return fix ? { fix } : {};
}

const NUMBER_LITERAL = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const INTEGER_LITERAL = /^-?(0|[1-9]\d*)$/;
const INTEGER_KEYS: ReadonlySet<string> = new Set(INTEGER_BODY_KEYS);

/** The fixes a wrong value of the right field has: a number in quotes loses them, a value out of range is clamped. */
function valueFix(issue: z.core.$ZodIssue, code: Code, spec: FieldSpec, path: readonly Segment[], value: unknown): { fix?: FixHint } {
  if (issue.code === 'invalid_type' && issue.expected === 'number' && typeof value === 'string') {
    const literal = value.trim();
    const integer = path.length === 2 && path[0] === 'body' && INTEGER_KEYS.has(String(path[1]));
    if ((integer ? INTEGER_LITERAL : NUMBER_LITERAL).test(literal)) return { fix: { kind: 'unquoteNumber', path, literal } };
  }
  if (spec.range === code && typeof value === 'number') {
    if (issue.code === 'too_big') return { fix: { kind: 'clampToRange', path, bound: Number(issue.maximum), side: 'maximum' } };
    if (issue.code === 'too_small') return { fix: { kind: 'clampToRange', path, bound: Number(issue.minimum), side: 'minimum' } };
  }
  return withFix(code);
}

/** Appends one diagnostic per zod issue of a line to `out`. */
export function mapIssues(
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  tree: LineTree,
  out: LineDiagnostic[],
  prefix: Segment[] = [],
): void {
  for (const issue of issues) {
    const path = [...prefix, ...toSegments(issue.path)];
    if (issue.code === 'invalid_union') {
      mapUnion(issue, path, root, tree, out);
      continue;
    }
    const spec = specFor(path);
    const value = valueAt(root, path);
    if (value === undefined && path.length > 0) {
      const span = tree.missing(path.slice(0, -1));
      const code = spec.missing ?? spec.invalid;
      out.push({
        startColumn: span.start,
        endColumn: span.end,
        severity: 'error',
        code,
        message: `Missing \`${String(path[path.length - 1])}\`: expected ${spec.expect}.`,
        ...withFix(code),
      });
      continue;
    }
    const isRange = issue.code === 'too_big' || issue.code === 'too_small';
    const code = isRange && spec.range ? spec.range : spec.invalid;
    const span = tree.valueOrNearest(path);
    const got = issue.code === 'too_small' && Array.isArray(value) && value.length === 0 ? 'an empty array' : describeValue(value);
    out.push({
      startColumn: span.start,
      endColumn: span.end,
      severity: 'error',
      code,
      message: `\`${spec.label}\` must be ${spec.expect}, not ${got}.`,
      ...valueFix(issue, code, spec, path, value),
    });
  }
}

/** A union failed: report the branch that matched the value's type, or a type error for the union itself. */
function mapUnion(issue: z.core.$ZodIssueInvalidUnion, path: Segment[], root: unknown, tree: LineTree, out: LineDiagnostic[]): void {
  if (issue.discriminator !== undefined && issue.errors.length === 0) {
    // The path already ends at the discriminator (`…content.0.type`).
    mapIssues([{ ...issue, code: 'invalid_value', values: [], path: [] } as z.core.$ZodIssue], root, tree, out, path);
    return;
  }
  const branch = issue.errors.find((errors) => !errors.some((e) => e.path.length === 0 && e.code === 'invalid_type'));
  if (branch && branch.length > 0) {
    mapIssues(branch, root, tree, out, path);
    return;
  }
  mapIssues([{ ...issue, code: 'invalid_type', expected: 'union', path: [] } as unknown as z.core.$ZodIssue], root, tree, out, path);
}
