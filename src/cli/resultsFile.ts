// `retry`, `results merge` and `results summary`: the results file's commands, offline (`results BATCH_ID`,
// which joins a batch again, is in results.ts), on the same core as
// the results grid (src/core/results/).
import * as path from 'path';
import { formatCount } from '../core/batches/displayText';
import { assertRequestFile, assertResultsFile } from '../core/results/fileKind';
import { mergeResults } from '../core/results/merge';
import { indexResults } from '../core/results/resultsIndex';
import { inputFilesNamedIn, selectRetry } from '../core/results/retry';
import { summarize, type ResultsSummary } from '../core/results/summary';
import { apiCommand } from './apiCommands';
import { UsageError } from './args';
import { ExitCode, type CliContext } from './command';
import { printJson, table } from './output';
import { plural } from './validate';

function required(ctx: CliContext, option: string): string {
  const value = ctx.args.options.get(option);
  if (!value) throw new UsageError(`missing --${option}`);
  return value;
}

function statusCounts(byStatus: ResultsSummary['byStatus']): string {
  return `${formatCount(byStatus.succeeded)} succeeded, ${formatCount(byStatus.failed)} failed, ${formatCount(byStatus.missing)} missing, ${formatCount(byStatus.unmatched)} unmatched`;
}

const clean = (byStatus: ResultsSummary['byStatus']) => byStatus.failed + byStatus.missing + byStatus.unmatched === 0;

export const retryCommand = apiCommand(
  {
    name: 'retry',
    usage: 'retry RESULTS.jsonl [--input FILE] --out RETRY.jsonl [--only failed|missing] [--force]',
    summary: 'Write a batch file with the failed and missing requests of RESULTS, copied from the input',
    valueOptions: ['input', 'out', 'only'],
    switches: ['force'],
  },
  async (ctx) => {
    const [results, ...extra] = ctx.args.positional;
    if (!results) throw new UsageError('missing RESULTS.jsonl');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const out = required(ctx, 'out');
    await assertResultsFile(results, ctx.signal);
    const given = ctx.args.options.get('input');
    // Without --input: the files the rows name (an experiment's batch, or the parts it was split into).
    const inputs = given ? [given] : await inputFilesNamedIn(results, ctx.signal);
    if (!inputs.length) throw new UsageError(`missing --input (the rows of ${results} name no input_file)`);
    const input = inputs.join(', ');
    const only = ctx.args.options.get('only');
    if (only !== undefined && only !== 'failed' && only !== 'missing')
      throw new UsageError(`--only must be failed or missing, not '${only}'`);
    for (const file of inputs) await assertRequestFile(file, ctx.signal);
    const s = await selectRetry({
      resultsPath: results,
      inputPath: inputs,
      outPath: out,
      only,
      overwrite: ctx.args.switches.has('force'),
      signal: ctx.signal,
    });
    const attention = s.skipped.length + s.notInInput.length;
    if (ctx.json) {
      printJson(ctx, {
        file: s.fileWritten ? out : null,
        written: s.written,
        failed: s.failed,
        missing: s.missing,
        lines: s.lines,
        files: s.files,
        skipped: s.skipped,
        notInInput: s.notInInput,
      });
    } else {
      for (const skip of s.skipped) ctx.io.err(`${skip.file}:${skip.line}: not retried: ${skip.reason}`);
      if (s.notInInput.length)
        ctx.io.err(
          `kluster: ${plural(s.notInInput.length, 'request')} of ${results} not found in ${input} (edited since?): ${s.notInInput.slice(0, 10).join(', ')}${s.notInInput.length > 10 ? ', …' : ''}`,
        );
      ctx.io.out(
        s.fileWritten
          ? `wrote ${plural(s.written, 'request')} to ${out} (${formatCount(s.failed)} failed, ${formatCount(s.missing)} missing)`
          : `nothing to retry; ${out} not written`,
      );
    }
    return attention ? ExitCode.findings : ExitCode.ok;
  },
);

export const resultsMergeCommand = apiCommand(
  {
    name: 'results merge',
    usage: 'results merge BASE.jsonl NEWER.jsonl... --out MERGED.jsonl [--force]',
    summary: 'Merge the results of retry batches into BASE by custom_id: successes replace, failures count attempts',
    valueOptions: ['out'],
    switches: ['force'],
  },
  async (ctx) => {
    const [base, ...newer] = ctx.args.positional;
    if (!base || newer.length === 0) throw new UsageError('results merge needs BASE.jsonl and at least one NEWER.jsonl');
    const out = required(ctx, 'out');
    for (const file of [base, ...newer]) await assertResultsFile(file, ctx.signal);
    const s = await mergeResults({
      basePath: base,
      newer: newer.map((p) => ({ path: p, origin: path.basename(p) })),
      outPath: out,
      overwrite: ctx.args.switches.has('force'),
      signal: ctx.signal,
    });
    if (ctx.json) printJson(ctx, { file: out, ...s });
    else
      ctx.io.out(
        `merged ${plural(newer.length, 'file')} into ${out}: ${formatCount(s.recovered)} recovered, ${formatCount(s.failedAgain)} failed again, ${formatCount(s.unmatched)} unmatched added; ${plural(s.total, 'row')}: ${statusCounts(s.byStatus)}`,
      );
    return clean(s.byStatus) ? ExitCode.ok : ExitCode.findings;
  },
);

export const resultsSummaryCommand = apiCommand(
  {
    name: 'results summary',
    usage: 'results summary RESULTS.jsonl',
    summary: 'Counts by status and by model, tokens by model, finish reasons; exit 1 unless every request succeeded',
  },
  async (ctx) => {
    const [file, ...extra] = ctx.args.positional;
    if (!file) throw new UsageError('missing RESULTS.jsonl');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    await assertResultsFile(file, ctx.signal);
    const s = summarize((await indexResults({ resultsPath: file, signal: ctx.signal })).rows);
    if (ctx.json) {
      printJson(ctx, { file, ...s });
    } else {
      ctx.io.out(
        `${file}: ${plural(s.total, 'row')}: ${statusCounts(s.byStatus)}; ${formatCount(s.promptTokens)} prompt + ${formatCount(s.completionTokens)} completion tokens`,
      );
      ctx.io.out('');
      ctx.io.out(
        table(
          ['MODEL', 'ROWS', 'SUCCEEDED', 'FAILED', 'PROMPT', 'COMPLETION'],
          s.byModel.map((m) => [m.model, m.rows, m.succeeded, m.failed, m.promptTokens, m.completionTokens].map(String)),
        ),
      );
      if (s.finishReasons.length) {
        ctx.io.out('');
        ctx.io.out(
          table(
            ['FINISH REASON', 'ROWS'],
            s.finishReasons.map((r) => [r.reason, String(r.rows)]),
          ),
        );
      }
    }
    return s.total > 0 && clean(s.byStatus) ? ExitCode.ok : ExitCode.findings;
  },
);
