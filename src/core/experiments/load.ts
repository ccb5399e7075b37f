// Reads an experiment file and its dataset, with every problem found on the way.
import { promises as fs } from 'fs';
import { loadDataset } from './dataset';
import { parseExperiment, type ParseOptions } from './parse';
import { compareProblems, hasErrors, type ExperimentProblem } from './problems';
import { checkDatasetJudges, checkVariables } from './resolve';
import type { Experiment, TestCase } from './spec';

export interface LoadedExperiment {
  /** Undefined when the file has errors that stop its use. */
  readonly experiment?: Experiment;
  readonly tests: readonly TestCase[];
  readonly columns: readonly string[];
  readonly problems: readonly ExperimentProblem[];
  /** No error among the problems: the experiment can be built and scored. */
  readonly ok: boolean;
}

/** Parses `text` as the experiment at `file` (the editor passes its unsaved text) and loads its dataset. */
export async function loadExperiment(file: string, options: ParseOptions, text?: string): Promise<LoadedExperiment> {
  const source = text ?? (await fs.readFile(file, 'utf8'));
  const parsed = parseExperiment(source, file, options);
  const problems = [...parsed.problems];
  if (!parsed.experiment) return { tests: [], columns: [], problems: problems.sort(compareProblems), ok: false };
  const dataset = await loadDataset(parsed.experiment);
  problems.push(...dataset.problems, ...checkVariables(parsed.experiment, dataset), ...checkDatasetJudges(parsed.experiment, dataset));
  problems.sort(compareProblems);
  return { experiment: parsed.experiment, tests: dataset.tests, columns: dataset.columns, problems, ok: !hasErrors(problems) };
}
