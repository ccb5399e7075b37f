// Fills an experiment's templates for each row, and checks up front that every `{{variable}}` has a value.
import { closestName } from '../jsonl/suggest';
import type { ResolvedAssertion } from './assertions';
import type { Dataset } from './dataset';
import { ExperimentCodes, type ExperimentProblem } from './problems';
import type { AssertionSpec, Experiment, TemplateField, TestCase } from './spec';
import { lookup, render } from './template';

function fields(experiment: Experiment): TemplateField[] {
  const out: TemplateField[] = [];
  for (const prompt of experiment.prompts) for (const message of prompt.messages) out.push(message.content);
  for (const assertion of experiment.defaultAssert) if (assertion.text) out.push(assertion.text);
  return out;
}

function occurrence(field: TemplateField, index: number): number {
  const { variables, source } = field.template;
  const text = source.slice(variables[index]!.start, variables[index]!.end);
  return variables.slice(0, index).filter((v) => source.slice(v.start, v.end) === text).length;
}

function rowList(rows: readonly number[]): string {
  const shown = rows.slice(0, 5).join(', ');
  return rows.length > 5 ? `${shown} and ${rows.length - 5} more` : shown;
}

/** A problem at each `{{…}}` some row has no value for (whole-experiment templates and each row's own assertions). */
export function checkVariables(experiment: Experiment, dataset: Dataset): ExperimentProblem[] {
  const problems: ExperimentProblem[] = [];
  const report = (field: TemplateField, index: number, lacking: readonly number[], total: number) => {
    const variable = field.template.variables[index]!;
    const range = field.locator.inside(field.path, field.template.source.slice(variable.start, variable.end), occurrence(field, index));
    const hint = closestName(variable.path, dataset.columns);
    const message =
      lacking.length === total
        ? `No test row defines \`${variable.path}\`${hint ? `. Did you mean \`${hint}\`?` : dataset.columns.length ? ` (variables: ${dataset.columns.slice(0, 10).join(', ')}).` : '.'}`
        : `${lacking.length} of ${total} rows have no value for \`${variable.path}\` (row ${rowList(lacking)}).`;
    problems.push({ file: field.locator.file, range, severity: 'error', code: ExperimentCodes.unknownVariable, message });
  };
  if (dataset.tests.length === 0) return problems;
  for (const field of fields(experiment)) {
    field.template.variables.forEach((variable, index) => {
      const lacking = dataset.tests.filter((t) => lookup(t.vars, variable.segments) === undefined).map((t) => t.row);
      if (lacking.length) report(field, index, lacking, dataset.tests.length);
    });
  }
  for (const test of dataset.tests) {
    for (const assertion of test.assert) {
      if (!assertion.text) continue;
      assertion.text.template.variables.forEach((variable, index) => {
        if (lookup(test.vars, variable.segments) === undefined) report(assertion.text!, index, [test.row], 1);
      });
    }
  }
  return problems;
}

/**
 * The dataset's own llm-rubric assertions with no judge model (inline tests are checked at parse): one error at
 * the first, counting the rest, so that a rubric column of 10,000 rows is one problem.
 */
export function checkDatasetJudges(experiment: Experiment, dataset: Dataset): ExperimentProblem[] {
  if (experiment.judgeModel !== undefined || experiment.tests.kind === 'inline') return [];
  let first: AssertionSpec | undefined;
  let rows = 0;
  for (const test of dataset.tests) {
    const unjudged = test.assert.find((a) => a.type === 'llm-rubric' && a.provider === undefined && a.text);
    if (!unjudged) continue;
    first ??= unjudged;
    rows++;
  }
  if (!first) return [];
  const field = first.text!;
  return [
    {
      file: field.locator.file,
      range: field.locator.value(field.path),
      severity: 'error',
      code: ExperimentCodes.noJudgeModel,
      message: `llm-rubric needs a judge model: set \`kluster.judge.model\` in the experiment, or \`provider\` on the assertion (${rows} ${rows === 1 ? 'row' : 'rows'} of the dataset ${rows === 1 ? 'has' : 'have'} one).`,
    },
  ];
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** The messages of prompt `promptIndex` (0-based) for one row. Variables must have been checked. */
export function renderPrompt(experiment: Experiment, promptIndex: number, test: TestCase): ChatMessage[] {
  return experiment.prompts[promptIndex]!.messages.map((m) => ({ role: m.role, content: render(m.content.template, test.vars) }));
}

export interface RowAssertion extends ResolvedAssertion {
  readonly origin: string;
  readonly provider?: string;
}

function resolveOne(spec: AssertionSpec, test: TestCase): RowAssertion {
  return {
    type: spec.type,
    negate: spec.negate,
    origin: spec.origin,
    ...(spec.text && { text: render(spec.text.template, test.vars) }),
    ...(spec.schema && { schema: spec.schema }),
    ...(spec.trim && { trim: true }),
    ...(spec.provider !== undefined && { provider: spec.provider }),
  };
}

/** A row's assertions with their values filled in: defaultTest's first, then the row's own. */
export function rowAssertions(experiment: Experiment, test: TestCase): RowAssertion[] {
  return [...experiment.defaultAssert, ...test.assert].map((spec) => resolveOne(spec, test));
}
