// Parses an `*.experiment.yaml` with positions: every problem carries the exact range of its YAML node.
import * as path from 'path';
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { z } from 'zod';
import { COMPLETION_WINDOWS } from '../api/schemas';
import { closestName } from '../jsonl/suggest';
import { ALL_ASSERTION_NAMES, NEEDS_TEXT, splitAssertionName } from './assertions';
import { checkProviderConfig } from './config';
import { schemaProblem } from './jsonSchema';
import { YamlLocator, type Locator, type Path } from './locate';
import { ExperimentCodes, START, type ExperimentProblem } from './problems';
import type { AssertionSpec, Experiment, ExperimentPrompt, ExperimentProvider, TemplateField, TestCase, TestsSource } from './spec';
import { parseTemplate } from './template';
import { issueMessage } from './wording';

// Array elements may be `undefined`: YAML and JSON never give it, so it marks an element `salvage` dropped for being
// invalid, keeping the others at their own index (and so at their own YAML node).
const message = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
const prompt = z.union([
  z.string().min(1),
  z.strictObject({ label: z.string().min(1).optional(), messages: z.array(message.optional()).min(1) }),
]);
const provider = z.union([
  z.string().min(1),
  z.strictObject({ id: z.string().min(1), label: z.string().min(1).optional(), config: z.record(z.string(), z.unknown()).optional() }),
]);
export const assertionSchema = z.strictObject({
  type: z.string(),
  value: z.unknown().optional(),
  provider: z.string().min(1).optional(),
  description: z.string().optional(),
});
export const testSchema = z.strictObject({
  description: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  assert: z.array(assertionSchema.optional()).optional(),
});
const experimentSchema = z.strictObject({
  description: z.string().optional(),
  prompts: z.array(prompt.optional()).min(1),
  providers: z.array(provider.optional()).min(1),
  tests: z.union([
    z.string().regex(/^file:\/\/.+\.(csv|jsonl)$/i, 'a file://NAME.csv or file://NAME.jsonl path'),
    z.array(testSchema.optional()).min(1),
  ]),
  defaultTest: z.strictObject({ assert: z.array(assertionSchema.optional()).optional() }).optional(),
  kluster: z
    .strictObject({
      completion_window: z.enum(COMPLETION_WINDOWS).optional(),
      judge: z.strictObject({ model: z.string().min(1) }).optional(),
    })
    .optional(),
});

type Issue = z.core.$ZodIssue;

/** The keys each object may have, for "did you mean" on an unknown key (by the path with indices as `*`). */
const KEYS_AT: Record<string, readonly string[]> = {
  '': Object.keys(experimentSchema.shape),
  'prompts.*': ['label', 'messages'],
  'prompts.*.messages.*': ['role', 'content'],
  'providers.*': ['id', 'label', 'config'],
  'tests.*': Object.keys(testSchema.shape),
  'tests.*.assert.*': Object.keys(assertionSchema.shape),
  defaultTest: ['assert'],
  'defaultTest.assert.*': Object.keys(assertionSchema.shape),
  kluster: ['completion_window', 'judge'],
  'kluster.judge': ['model'],
};

const pattern = (p: Path) => p.map((s) => (typeof s === 'number' ? '*' : s)).join('.');
const shown = (p: Path) => p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('') || 'the experiment';

/** Flattens zod issues; of a union, keeps the branch the value's shape chose (not "expected string"). */
function flatten(issues: readonly Issue[], prefix: Path = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const at = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === 'invalid_union' && issue.errors.length) {
      const chosen =
        issue.errors.find((branch) => !branch.some((i) => i.path.length === 0 && i.code === 'invalid_type')) ??
        issue.errors[issue.errors.length - 1]!;
      out.push(...flatten(chosen, at));
      continue;
    }
    out.push({ ...issue, path: at } as Issue);
  }
  return out;
}

/**
 * The experiment without what `issues` are about, so checking goes on and every problem shows at once: an
 * unknown key is deleted, an invalid value too (an array element becomes `undefined`), and when that leaves a
 * required key missing, its parent goes. Undefined when nothing usable is left (e.g. `prompts` itself is bad).
 */
function salvage(root: unknown, issues: readonly Issue[]): z.infer<typeof experimentSchema> | undefined {
  const copy = structuredClone(root);
  // Each round removes at least one node, so the depth of the document bounds the rounds; 32 is ample.
  for (let round = 0; round < 32; round++) {
    for (const issue of issues) {
      const at = issue.path as (string | number)[];
      if (issue.code === 'unrecognized_keys') {
        const parent = valueAt(copy, at);
        if (parent && typeof parent === 'object') for (const key of issue.keys) delete (parent as Record<string, unknown>)[key];
        continue;
      }
      let target = valueAt(copy, at) === undefined ? at.slice(0, -1) : at;
      // A test without its vars would raise false "no row defines" problems: the whole test goes.
      if (target[0] === 'tests' && target[2] === 'vars') target = target.slice(0, 2);
      if (!target.length) return undefined;
      const parent = valueAt(copy, target.slice(0, -1)) as Record<string | number, unknown> | undefined;
      if (Array.isArray(parent)) parent[target[target.length - 1] as number] = undefined;
      else if (parent && typeof parent === 'object') delete parent[target[target.length - 1]!];
    }
    const parsed = experimentSchema.safeParse(copy);
    if (parsed.success) return parsed.data;
    issues = flatten(parsed.error.issues);
  }
  return undefined;
}

function valueAt(root: unknown, at: Path): unknown {
  let value = root;
  for (const segment of at) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Turns zod issues into problems at the node they are about. */
/** `within`: what the checked value is inside the experiment ('tests.*' for a test read from a JSONL line). */
export function issueProblems(issues: readonly Issue[], root: unknown, locator: Locator, within = ''): ExperimentProblem[] {
  const problems: ExperimentProblem[] = [];
  const keysAt = (at: Path) => KEYS_AT[[within, pattern(at)].filter(Boolean).join('.')];
  const name = (at: Path) => (within && !at.length ? 'the test' : shown(at));
  for (const issue of flatten(issues)) {
    const at = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const valid = keysAt(at);
        const hint = closestName(key, valid ?? []);
        problems.push({
          file: locator.file,
          range: locator.key([...at, key]),
          severity: 'error',
          code: ExperimentCodes.unknownKey,
          message: `Unknown key \`${key}\` in ${name(at)}${hint ? `. Did you mean \`${hint}\`?` : valid ? ` (valid: ${valid.join(', ')}).` : '.'}`,
        });
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && valueAt(root, at) === undefined;
    problems.push({
      file: locator.file,
      range: locator.value(at),
      severity: 'error',
      code: missing ? ExperimentCodes.missingKey : ExperimentCodes.invalidValue,
      message: missing
        ? `${name(at)} is required.`
        : issueMessage(issue, valueAt(root, at), [within, pattern(at)].filter(Boolean).join('.'), name(at)),
    });
  }
  return problems;
}

export function templateField(source: string, at: Path, locator: Locator, problems: ExperimentProblem[]): TemplateField {
  const template = parseTemplate(source);
  for (const bad of template.malformed) {
    // The locator finds the text in the YAML source, so it needs to know which occurrence of it this is.
    const text = source.slice(bad.start, bad.end);
    let before = 0;
    for (let p = source.indexOf(text); p >= 0 && p < bad.start; p = source.indexOf(text, p + 1)) before++;
    problems.push({
      file: locator.file,
      range: locator.inside(at, text, before),
      severity: 'error',
      code: ExperimentCodes.templateSyntax,
      message: bad.message,
    });
  }
  return { template, locator, path: at };
}

/** One assertion object (already shape-checked by `assertionSchema`). */
export function parseAssertion(
  raw: z.infer<typeof assertionSchema>,
  at: Path,
  locator: Locator,
  origin: string,
  problems: ExperimentProblem[],
): AssertionSpec | undefined {
  const kind = splitAssertionName(raw.type);
  if (!kind) {
    const hint = closestName(raw.type, ALL_ASSERTION_NAMES);
    problems.push({
      file: locator.file,
      range: locator.value([...at, 'type']),
      severity: 'error',
      code: ExperimentCodes.assertionType,
      message: `Unknown assertion type \`${raw.type}\`${hint ? `. Did you mean \`${hint}\`?` : ` (types: ${ALL_ASSERTION_NAMES.filter((n) => !n.startsWith('not-')).join(', ')}, each also as not-…).`}`,
    });
    return undefined;
  }
  const value = raw.value;
  const base = { ...kind, origin, ...(raw.provider !== undefined && { provider: raw.provider }) };
  if (kind.type === 'is-json' || kind.type === 'contains-json') {
    if (value === undefined || value === null) return base;
    const problem = schemaProblem(value);
    if (problem) {
      problems.push({
        file: locator.file,
        range: locator.value([...at, 'value']),
        severity: 'error',
        code: ExperimentCodes.invalidSchema,
        message: `${raw.type}: the value is a JSON schema; ${problem}`,
      });
      return undefined;
    }
    return { ...base, schema: value as Record<string, unknown> };
  }
  if (NEEDS_TEXT.has(kind.type) && (value === undefined || value === null || typeof value === 'object')) {
    problems.push({
      file: locator.file,
      range: value === undefined ? locator.key(at.length ? [...at, 'type'] : at) : locator.value([...at, 'value']),
      severity: 'error',
      code: ExperimentCodes.invalidValue,
      message: `${raw.type} needs a text \`value\`${kind.type === 'llm-rubric' ? ' (the rubric)' : ''}.`,
    });
    return undefined;
  }
  const text = templateField(String(value), [...at, 'value'], locator, problems);
  if (kind.type === 'regex' && text.template.variables.length === 0) {
    const problem = regexProblem(text.template.source);
    if (problem) {
      problems.push({
        file: locator.file,
        range: locator.value([...at, 'value']),
        severity: 'error',
        code: ExperimentCodes.invalidRegex,
        message: problem,
      });
      return undefined;
    }
  }
  return { ...base, text };
}

export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return `Invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

export function parseTestCase(
  raw: z.infer<typeof testSchema>,
  row: number,
  at: Path,
  locator: Locator,
  origin: string,
  problems: ExperimentProblem[],
): TestCase {
  const assert: AssertionSpec[] = [];
  (raw.assert ?? []).forEach((a, i) => {
    if (!a) return;
    const spec = parseAssertion(a, [...at, 'assert', i], locator, `${origin} assert[${i}]`, problems);
    if (spec) assert.push(spec);
  });
  return { row, vars: raw.vars ?? {}, assert, ...(raw.description !== undefined && { description: raw.description }) };
}

export interface ParseOptions {
  /** Model ids the catalog knows; other ids get a warning. */
  readonly knownModels: ReadonlySet<string>;
}

export interface ParsedExperiment {
  /** Undefined when the file is too broken to use. */
  readonly experiment?: Experiment;
  readonly problems: ExperimentProblem[];
  readonly locator: YamlLocator;
}

export function parseExperiment(text: string, file: string, options: ParseOptions): ParsedExperiment {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new YamlLocator(file, text, doc, lines);
  const problems: ExperimentProblem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    problems.push({
      file,
      range: locator.rangeOf(error.pos[0], error.pos[1]),
      severity: doc.errors.includes(error) ? 'error' : 'warning',
      code: ExperimentCodes.yamlSyntax,
      // The parser recurses per level: a stack overflow means nesting no experiment has.
      message: /Maximum call stack/.test(error.message) ? TOO_DEEP : error.message.split('\n')[0]!,
    });
  }
  if (doc.errors.length) return { problems, locator };
  if (doc.contents === null) {
    problems.push({
      file,
      range: START,
      severity: 'error',
      code: ExperimentCodes.invalidValue,
      message: 'The experiment file is empty: it needs `prompts`, `providers` and `tests` (see the example in the README).',
    });
    return { problems, locator };
  }
  const value = toJS(doc, locator, problems);
  if (value === undefined) return { problems, locator };
  const parsed = experimentSchema.safeParse(value);
  if (!parsed.success) problems.push(...issueProblems(parsed.error.issues, value, locator));
  // Later rounds' issues are about what salvage removed, so only the first round's are reported.
  const raw = parsed.success ? parsed.data : salvage(value, flatten(parsed.error.issues));
  if (!raw) return { problems, locator };

  const prompts: ExperimentPrompt[] = raw.prompts.flatMap((p, i) => {
    const at: Path = ['prompts', i];
    if (p === undefined) return [];
    if (typeof p === 'string')
      return [{ label: `prompt-${i + 1}`, messages: [{ role: 'user' as const, content: templateField(p, at, locator, problems) }] }];
    return [
      {
        label: p.label ?? `prompt-${i + 1}`,
        messages: p.messages.flatMap((m, j) =>
          m ? [{ role: m.role, content: templateField(m.content, [...at, 'messages', j, 'content'], locator, problems) }] : [],
        ),
      },
    ];
  });
  duplicateLabels(
    prompts.map((p) => p.label),
    (i) => locator.value(['prompts', i]),
    'prompt',
    file,
    problems,
  );

  const providers: ExperimentProvider[] = raw.providers.flatMap((p, i) => {
    const at: Path = ['providers', i];
    if (p === undefined) return [];
    const object = typeof p === 'string' ? { id: p } : p;
    const idPath = typeof p === 'string' ? at : [...at, 'id'];
    problems.push(...checkProviderConfig(object.id, object.config ?? {}, at, idPath, locator, options.knownModels));
    return [{ id: object.id, label: object.label ?? object.id, config: object.config ?? {}, range: locator.value(at) }];
  });
  duplicateLabels(
    providers.map((p) => p.label),
    (i) => locator.value(['providers', i]),
    'provider',
    file,
    problems,
  );

  let tests: TestsSource;
  if (typeof raw.tests === 'string') {
    const relative = raw.tests.slice('file://'.length);
    const format = relative.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
    tests = { kind: 'file', path: path.resolve(path.dirname(file), relative), format, locator, at: ['tests'] };
  } else {
    const inline = raw.tests.flatMap((t, i) => (t ? [parseTestCase(t, i + 1, ['tests', i], locator, `tests[${i}]`, problems)] : []));
    tests = { kind: 'inline', tests: inline };
  }

  const defaultAssert: AssertionSpec[] = [];
  (raw.defaultTest?.assert ?? []).forEach((a, i) => {
    if (!a) return;
    const spec = parseAssertion(a, ['defaultTest', 'assert', i], locator, `defaultTest.assert[${i}]`, problems);
    if (spec) defaultAssert.push(spec);
  });

  const judgeModel = raw.kluster?.judge?.model;
  if (judgeModel !== undefined && !options.knownModels.has(judgeModel)) {
    problems.push({
      file,
      range: locator.value(['kluster', 'judge', 'model']),
      severity: 'warning',
      code: ExperimentCodes.unknownModel,
      message: `Model ${JSON.stringify(judgeModel)} is not in the kluster.ai model list.`,
    });
  }
  if (judgeModel === undefined) {
    const rubrics = [...defaultAssert, ...(tests.kind === 'inline' ? tests.tests.flatMap((t) => t.assert) : [])];
    for (const spec of rubrics) {
      if (spec.type !== 'llm-rubric' || spec.provider !== undefined || !spec.text) continue;
      problems.push({
        file,
        range: spec.text.locator.value(spec.text.path),
        severity: 'error',
        code: ExperimentCodes.noJudgeModel,
        message: 'llm-rubric needs a judge model: set `kluster.judge.model`, or `provider` on this assertion.',
      });
    }
  }
  const experiment: Experiment = {
    file,
    dir: path.dirname(file),
    prompts,
    providers,
    tests,
    defaultAssert,
    ...(raw.description !== undefined && { description: raw.description }),
    ...(raw.kluster?.completion_window !== undefined && { completionWindow: raw.kluster.completion_window }),
    ...(judgeModel !== undefined && { judgeModel }),
  };
  return { experiment, problems, locator };
}

const TOO_DEEP = 'The YAML is nested too deeply to read; an experiment needs only a few levels.';

/** The document's value; undefined (with a problem) when aliases would expand it without bound ("billion laughs"). */
function toJS(doc: Document, locator: YamlLocator, problems: ExperimentProblem[]): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // At the first alias: the expansion starts there.
    let range = START;
    visit(doc, {
      Alias(_, node) {
        if (isAlias(node) && node.range) range = locator.rangeOf(node.range[0], node.range[1]);
        return visit.BREAK;
      },
    });
    problems.push({
      file: locator.file,
      range,
      severity: 'error',
      code: ExperimentCodes.yamlSyntax,
      message:
        error instanceof RangeError
          ? TOO_DEEP
          : `The YAML cannot be read: ${(error as Error).message} (its aliases, *name, expand too far).`,
    });
    return undefined;
  }
}

function duplicateLabels(
  labels: readonly string[],
  rangeOf: (i: number) => ExperimentProblem['range'],
  what: string,
  file: string,
  problems: ExperimentProblem[],
): void {
  const seen = new Map<string, number>();
  labels.forEach((label, i) => {
    const first = seen.get(label);
    if (first === undefined) seen.set(label, i);
    else
      problems.push({
        file,
        range: rangeOf(i),
        severity: 'error',
        code: ExperimentCodes.invalidValue,
        message: `Two ${what}s are labelled ${JSON.stringify(label)} (also ${what}s[${first}]); give each a distinct label so its column can be told apart.`,
      });
  });
}
