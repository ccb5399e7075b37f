// Where an experiment's files live beside it: its results, and its judge batch and results.
import { resultsPathFor } from '../core/batches/displayText';
import { experimentOutputPath } from '../core/experiments';

/**
 * Results files an experiment may have beside it, most likely first: `NAME.results.jsonl` (Submit / Fetch Results
 * of the experiment), `NAME.batch.results.jsonl` (Open Results Beside of its batch file), `NAME.preview.results.jsonl`.
 */
export function resultsBeside(experimentFile: string): string[] {
  return [
    experimentOutputPath(experimentFile, 'results'),
    resultsPathFor(experimentOutputPath(experimentFile, 'batch')),
    experimentOutputPath(experimentFile, 'preview.results'),
  ];
}

/** `NAME.experiment.yaml` → `NAME.judge.jsonl`, the judge batch "Judge Replies" writes. */
export function judgeBatchBeside(experimentFile: string): string {
  return experimentOutputPath(experimentFile, 'judge');
}

/** `NAME.judge.results.jsonl`: the judge batch's results, read into the comparison when present. */
export function judgeResultsBeside(experimentFile: string): string {
  return resultsPathFor(judgeBatchBeside(experimentFile));
}
