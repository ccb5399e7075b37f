// What is wrong with an experiment, and exactly where: a range in the experiment file or in its dataset file.
// Lines and columns are 0-based UTF-16, as in VS Code and the JSONL validator; the CLI adds 1 when printing.
import type { Severity } from '../jsonl/diagnostics';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** Stable codes of experiment problems. Never rename one. */
export const ExperimentCodes = {
  yamlSyntax: 'experiment.yamlSyntax',
  unknownKey: 'experiment.unknownKey',
  invalidValue: 'experiment.invalidValue',
  missingKey: 'experiment.missingKey',
  datasetNotFound: 'experiment.datasetNotFound',
  datasetSyntax: 'experiment.datasetSyntax',
  emptyDataset: 'experiment.emptyDataset',
  unknownVariable: 'experiment.unknownVariable',
  templateSyntax: 'experiment.templateSyntax',
  unknownModel: 'experiment.unknownModel',
  assertionType: 'experiment.assertionType',
  invalidRegex: 'experiment.invalidRegex',
  invalidSchema: 'experiment.invalidSchema',
  parameter: 'experiment.parameter',
  noJudgeModel: 'experiment.noJudgeModel',
} as const;
export type ExperimentCode = (typeof ExperimentCodes)[keyof typeof ExperimentCodes];

export interface ExperimentProblem {
  /** The file the range is in: the experiment file or a dataset it names. */
  readonly file: string;
  readonly range: Range;
  readonly severity: Severity;
  readonly code: ExperimentCode | string;
  readonly message: string;
}

export const START: Range = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

export function hasErrors(problems: readonly ExperimentProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function compareProblems(a: ExperimentProblem, b: ExperimentProblem): number {
  return a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

/** `file:line:col: severity code: message`, 1-based, like `kluster validate`. */
export function formatProblem(problem: ExperimentProblem): string {
  const { line, column } = problem.range.start;
  return `${problem.file}:${line + 1}:${column + 1}: ${problem.severity} ${problem.code}: ${problem.message}`;
}
