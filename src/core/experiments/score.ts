// Scores a results file per prompt × provider. A row passes in a column when its request succeeded and all
// its assertions pass; a failed or missing request, or an assertion that cannot be decided (no judge verdict,
// a malformed one), counts as an error, never as passed or failed.
import { readLines } from '../results/join';
import { evaluate, passes, type Verdict } from './assertions';
import { judgeId, parseRequestId } from './customId';
import type { JudgeVerdict } from './judge';
import { readReply } from './reply';
import { rowAssertions, type RowAssertion } from './resolve';
import type { Experiment, TestCase } from './spec';

export interface ColumnScore {
  readonly prompt: string;
  readonly provider: string;
  passed: number;
  failed: number;
  errors: number;
  total: number;
  /** passed / total (errors count against it); 0 for an empty column. */
  passRate: number;
  /** Mean judge score over judged llm-rubric assertions, or null when none was judged. */
  judgeScore: number | null;
  judged: number;
  promptTokens: number;
  completionTokens: number;
}

export type CellOutcome = 'pass' | 'fail' | 'error';

export interface AssertionVerdict {
  readonly origin: string;
  readonly type: string;
  readonly outcome: CellOutcome;
  readonly reason: string;
  readonly score?: number;
}

export interface ScoredCell {
  readonly row: number;
  /** 1-based, as in the custom_id. */
  readonly prompt: number;
  readonly provider: number;
  readonly outcome: CellOutcome;
  readonly reply?: string;
  readonly reason?: string;
  readonly assertions: readonly AssertionVerdict[];
}

export interface ScoreReport {
  readonly columns: ColumnScore[];
  /** Result lines whose custom_id is not one of this experiment's requests (another experiment's file?). */
  readonly unmatched: number;
}

export interface ScoreOptions {
  readonly judge?: ReadonlyMap<string, JudgeVerdict>;
  readonly signal?: AbortSignal;
  /** Each scored cell, for views that show them; missing requests come last. */
  readonly onCell?: (cell: ScoredCell) => void;
}

function judged(verdict: JudgeVerdict | undefined, assertion: RowAssertion): AssertionVerdict {
  const base = { origin: assertion.origin, type: `${assertion.negate ? 'not-' : ''}llm-rubric` };
  if (!verdict) return { ...base, outcome: 'error', reason: 'Not judged yet: run `experiment judge` and pass its results with --judge.' };
  if (!verdict.ok) return { ...base, outcome: 'error', reason: verdict.reason };
  const pass = assertion.negate ? !verdict.pass : verdict.pass;
  return { ...base, outcome: pass ? 'pass' : 'fail', reason: verdict.reason, score: verdict.score };
}

function checked(verdict: Verdict, assertion: RowAssertion): AssertionVerdict {
  return {
    origin: assertion.origin,
    type: `${assertion.negate ? 'not-' : ''}${assertion.type}`,
    outcome: verdict.pass ? 'pass' : 'fail',
    reason: verdict.reason,
  };
}

export function emptyColumns(experiment: Experiment): ColumnScore[] {
  const columns: ColumnScore[] = [];
  for (const prompt of experiment.prompts) {
    for (const provider of experiment.providers) {
      columns.push({
        prompt: prompt.label,
        provider: provider.label,
        passed: 0,
        failed: 0,
        errors: 0,
        total: 0,
        passRate: 0,
        judgeScore: null,
        judged: 0,
        promptTokens: 0,
        completionTokens: 0,
      });
    }
  }
  return columns;
}

export async function scoreResults(
  experiment: Experiment,
  tests: readonly TestCase[],
  resultsPath: string,
  options: ScoreOptions = {},
): Promise<ScoreReport> {
  const columns = emptyColumns(experiment);
  const P = experiment.prompts.length;
  const M = experiment.providers.length;
  const rowIndex = new Map(tests.map((t, i) => [t.row, i]));
  const seen = new Uint8Array(tests.length * P * M);
  const judgeSums = new Float64Array(columns.length);
  let unmatched = 0;
  // Results come in input order, so a row's assertions are filled in once for all its columns.
  let cachedRow = -1;
  let cachedAssertions: RowAssertion[] = [];

  const count = (outcome: CellOutcome, column: ColumnScore) => {
    column.total++;
    if (outcome === 'pass') column.passed++;
    else if (outcome === 'fail') column.failed++;
    else column.errors++;
  };
  const record = (cell: ScoredCell, column: ColumnScore) => {
    count(cell.outcome, column);
    options.onCell?.(cell);
  };

  for await (const line of readLines(resultsPath, options.signal)) {
    const reply = readReply(line.text);
    if (!reply) continue;
    const key = reply.customId ? parseRequestId(reply.customId) : undefined;
    const index = key ? rowIndex.get(key.row) : undefined;
    if (!key || index === undefined || key.prompt < 1 || key.prompt > P || key.provider < 1 || key.provider > M) {
      unmatched++;
      continue;
    }
    const slot = (index * P + key.prompt - 1) * M + key.provider - 1;
    if (seen[slot]) {
      unmatched++;
      continue;
    }
    seen[slot] = 1;
    const c = (key.prompt - 1) * M + key.provider - 1;
    const column = columns[c]!;
    if (!reply.ok) {
      record({ ...key, outcome: 'error', reason: reply.reason, assertions: [] }, column);
      continue;
    }
    column.promptTokens += reply.promptTokens;
    column.completionTokens += reply.completionTokens;
    if (index !== cachedRow) {
      cachedRow = index;
      cachedAssertions = rowAssertions(experiment, tests[index]!);
    }
    if (!options.onCell) {
      // Counting only: the same verdicts as below, without their reasons.
      let failedOne = false;
      let undecided = false;
      for (let a = 0; a < cachedAssertions.length; a++) {
        const assertion = cachedAssertions[a]!;
        if (assertion.type !== 'llm-rubric') {
          if (!passes(assertion, reply.text)) failedOne = true;
          continue;
        }
        const verdict = judged(options.judge?.get(judgeId({ ...key, assertion: a + 1 })), assertion);
        if (verdict.score !== undefined) {
          judgeSums[c] += verdict.score;
          column.judged++;
        }
        if (verdict.outcome === 'fail') failedOne = true;
        else if (verdict.outcome === 'error') undecided = true;
      }
      // Counting only: no cell object per line.
      count(failedOne ? 'fail' : undecided ? 'error' : 'pass', column);
      continue;
    }
    const verdicts = cachedAssertions.map((assertion, a) => {
      if (assertion.type !== 'llm-rubric') return checked(evaluate(assertion, reply.text), assertion);
      const verdict = judged(options.judge?.get(judgeId({ ...key, assertion: a + 1 })), assertion);
      if (verdict.score !== undefined) {
        judgeSums[c] += verdict.score;
        column.judged++;
      }
      return verdict;
    });
    const outcome: CellOutcome = verdicts.some((v) => v.outcome === 'fail')
      ? 'fail'
      : verdicts.some((v) => v.outcome === 'error')
        ? 'error'
        : 'pass';
    record({ ...key, outcome, reply: reply.text, assertions: verdicts }, column);
  }

  for (let i = 0; i < tests.length; i++) {
    for (let p = 0; p < P; p++) {
      for (let m = 0; m < M; m++) {
        if (seen[(i * P + p) * M + m]) continue;
        record(
          { row: tests[i]!.row, prompt: p + 1, provider: m + 1, outcome: 'error', reason: 'No result for this request.', assertions: [] },
          columns[p * M + m]!,
        );
      }
    }
  }
  columns.forEach((column, c) => {
    column.passRate = column.total ? column.passed / column.total : 0;
    column.judgeScore = column.judged ? judgeSums[c]! / column.judged : null;
  });
  return { columns, unmatched };
}
