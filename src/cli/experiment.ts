// `experiment build | score | judge`: an experiment file as one batch, scored by its assertions (same core as
// the editor). Problems print as `file:line:col: severity code: message`, like `validate`.
import {
  buildBatch,
  buildJudgeBatch,
  experimentOutputPath,
  formatProblem,
  loadExperiment,
  readJudgeVerdicts,
  scoreResults,
  type LoadedExperiment,
  type ScoreReport,
} from '../core/experiments';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { UsageError } from './args';
import { ExitCode, type CliCommand, type CliContext } from './command';
import { printJson, report, table } from './output';
import { formatDiagnostic, plural } from './validate';

export const OPTIONS = { knownModels: DOCUMENTED_MODEL_IDS };

/** `reviews.experiment.yaml` → `reviews.batch.jsonl` beside it. */
export function defaultBatchPath(experimentFile: string, suffix = 'batch'): string {
  return experimentOutputPath(experimentFile, suffix);
}

/** Loads the experiment and prints its problems; undefined (with the exit code) when it cannot be used. */
export async function loadOrReport(ctx: CliContext, file: string): Promise<LoadedExperiment | ExitCode> {
  let loaded: LoadedExperiment;
  try {
    loaded = await loadExperiment(file, OPTIONS);
  } catch (error) {
    return report(ctx, error);
  }
  for (const problem of loaded.problems) ctx.io.err(formatProblem(problem));
  if (!loaded.ok || !loaded.experiment) {
    const errors = loaded.problems.filter((p) => p.severity === 'error').length;
    ctx.io.err(`${file}: ${plural(errors, 'error')}; nothing was written.`);
    return ExitCode.findings;
  }
  return loaded;
}

export function positional(ctx: CliContext, count: number, usage: string): string[] {
  const args = ctx.args.positional;
  if (args.length !== count) throw new UsageError(`expected ${usage}`);
  return args;
}

export function tierOf(ctx: CliContext): 'free' | 'standard' {
  const tier = ctx.args.options.get('tier') ?? 'standard';
  if (tier !== 'free' && tier !== 'standard') throw new UsageError(`--tier must be free or standard, not '${tier}'`);
  return tier;
}

/** `--fail-under RATE`, checked. */
export function failUnderOf(ctx: CliContext): number | undefined {
  const text = ctx.args.options.get('fail-under');
  const rate = text === undefined ? undefined : Number(text);
  if (rate !== undefined && !(text!.trim() !== '' && rate >= 0 && rate <= 1))
    throw new UsageError(`--fail-under must be a pass rate from 0 to 1 (0.8 for 80%), not '${text}'`);
  return rate;
}

/** The pass-rate table (or JSON) of `experiment score` and `experiment run`; exit 1 when a column is under `failUnder`. */
export function printScores(
  ctx: CliContext,
  scored: ScoreReport,
  failUnder: number | undefined,
  extra: Record<string, unknown> = {},
): ExitCode {
  const under = failUnder === undefined ? [] : scored.columns.filter((c) => c.passRate < failUnder);
  if (ctx.json) {
    printJson(ctx, {
      columns: scored.columns,
      unmatched: scored.unmatched,
      ...extra,
      ...(failUnder !== undefined && { failUnder, passed: under.length === 0 }),
    });
  } else {
    const percent = (n: number) => `${(n * 100).toFixed(1)}%`;
    const rows = scored.columns.map((c) => [
      c.prompt,
      c.provider,
      String(c.passed),
      String(c.failed),
      String(c.errors),
      String(c.total),
      percent(c.passRate),
      c.judgeScore === null ? '-' : c.judgeScore.toFixed(2),
    ]);
    ctx.io.out(table(['PROMPT', 'PROVIDER', 'PASSED', 'FAILED', 'ERRORS', 'TOTAL', 'PASS RATE', 'JUDGE'], rows));
    if (scored.unmatched)
      ctx.io.err(`${plural(scored.unmatched, 'result line')} matched no request of this experiment (another experiment's results?).`);
    for (const c of under) ctx.io.err(`${c.prompt} × ${c.provider}: pass rate ${percent(c.passRate)} is under ${percent(failUnder!)}`);
  }
  return under.length ? ExitCode.findings : ExitCode.ok;
}

export const experimentBuildCommand: CliCommand = {
  name: 'experiment build',
  usage: 'experiment build EXP.yaml [--out BATCH.jsonl] [--force] [--tier free|standard]',
  summary: 'Write the batch of an experiment: one line per row x prompt x provider',
  valueOptions: ['out', 'tier'],
  switches: ['force'],
  async run(ctx) {
    const [file] = positional(ctx, 1, 'one EXP.yaml');
    const tier = tierOf(ctx);
    const loaded = await loadOrReport(ctx, file!);
    if (typeof loaded === 'number') return loaded;
    const out = ctx.args.options.get('out') ?? defaultBatchPath(file!);
    let built;
    try {
      built = await buildBatch(loaded.experiment!, loaded.tests, out, { ...OPTIONS, tier, overwrite: ctx.args.switches.has('force') });
    } catch (error) {
      return report(ctx, error);
    }
    for (const { file: part, diagnostic } of built.diagnostics) ctx.io.err(formatDiagnostic(part, diagnostic));
    if (built.parts.length === 0 && built.lines > 0) return ExitCode.findings;
    if (ctx.json) {
      printJson(ctx, { lines: built.lines, parts: built.parts });
    } else if (built.parts.length === 0) {
      ctx.io.out(`${file}: the dataset has no rows; nothing was written.`);
    } else if (built.parts.length === 1) {
      ctx.io.out(`Wrote ${plural(built.lines, 'request')} to ${built.parts[0]!.path}`);
    } else {
      ctx.io.out(
        `Wrote ${plural(built.lines, 'request')} in ${built.parts.length} parts (over ${tier === 'free' ? "the free tier's 999 requests" : '100 MB'} per file):`,
      );
      for (const part of built.parts) ctx.io.out(`  ${part.path}  ${plural(part.lines, 'request')}`);
    }
    return ExitCode.ok;
  },
};

export const experimentScoreCommand: CliCommand = {
  name: 'experiment score',
  usage: 'experiment score EXP.yaml RESULTS.jsonl [--judge JUDGE_RESULTS.jsonl] [--fail-under RATE]',
  summary: 'Pass rates per prompt x provider; exit 1 when one is under RATE',
  valueOptions: ['judge', 'fail-under'],
  async run(ctx) {
    const [file, results] = positional(ctx, 2, 'EXP.yaml and RESULTS.jsonl');
    const failUnder = failUnderOf(ctx);
    const loaded = await loadOrReport(ctx, file!);
    if (typeof loaded === 'number') return loaded;
    let scored;
    try {
      const judgePath = ctx.args.options.get('judge');
      const judge = judgePath ? await readJudgeVerdicts(judgePath, ctx.signal) : undefined;
      scored = await scoreResults(loaded.experiment!, loaded.tests, results!, { judge, signal: ctx.signal });
    } catch (error) {
      return report(ctx, error);
    }
    return printScores(ctx, scored, failUnder);
  },
};

export const experimentJudgeCommand: CliCommand = {
  name: 'experiment judge',
  usage: 'experiment judge EXP.yaml RESULTS.jsonl --out JUDGE.jsonl [--force]',
  summary: 'Write the judge batch that grades llm-rubric assertions',
  valueOptions: ['out'],
  switches: ['force'],
  async run(ctx) {
    const [file, results] = positional(ctx, 2, 'EXP.yaml and RESULTS.jsonl');
    const out = ctx.args.options.get('out');
    if (!out) throw new UsageError('experiment judge needs --out JUDGE.jsonl');
    const loaded = await loadOrReport(ctx, file!);
    if (typeof loaded === 'number') return loaded;
    let built;
    try {
      built = await buildJudgeBatch(loaded.experiment!, loaded.tests, results!, out, {
        overwrite: ctx.args.switches.has('force'),
        signal: ctx.signal,
      });
    } catch (error) {
      return report(ctx, error);
    }
    if (ctx.json) printJson(ctx, { out, ...built });
    else {
      ctx.io.out(`Wrote ${plural(built.lines, 'judge request')} to ${out}`);
      if (built.skipped) ctx.io.err(`${plural(built.skipped, 'reply')} not judged: the request failed (they score as errors).`);
      if (built.noJudgeModel)
        ctx.io.err(`${plural(built.noJudgeModel, 'llm-rubric assertion')} not judged: no judge model (set kluster.judge.model).`);
    }
    return ExitCode.ok;
  },
};
