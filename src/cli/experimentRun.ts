// `experiment run EXP.yaml [--preview N | --wait]`: the whole loop in one command. Build the batch, submit every
// part, and with --wait poll, join the results in input order and score them; or --preview N: the first N rows
// now, through real-time chat completions, scored the same way.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isCompletionWindow, type Batch, type ChatRequest, type KlusterClient } from '../core/api';
import { cliInputMetadata } from '../core/batches/inputPath';
import {
  buildBatch,
  previewExperiment,
  REALTIME_LIMITS,
  scoreResults,
  writePartsResults,
  type LoadedExperiment,
} from '../core/experiments';
import type { JoinSummary } from '../core/results/join';
import { checkDestination } from '../core/util/atomicFile';
import { UsageError } from './args';
import { ExitCode, type CliCommand, type CliContext } from './command';
import { defaultBatchPath, failUnderOf, loadOrReport, OPTIONS, positional, printScores, tierOf } from './experiment';
import { clientFor, progressPrinter, report } from './output';
import { MISSING_REASONS, reportResults, resultsCommandFor } from './results';
import { waitForBatch } from './submit';
import { formatDiagnostic, plural } from './validate';

function previewRowsOf(ctx: CliContext): number | undefined {
  const text = ctx.args.options.get('preview');
  if (text === undefined) return undefined;
  const rows = Number(text);
  if (!/^\d+$/.test(text.trim()) || rows < 1) throw new UsageError(`--preview must be a number of rows (1 or more), not '${text}'`);
  return rows;
}

/** Scores `tests` (a preview's rows, or all): rows that were not run do not count as missing. */
async function scoreAndPrint(
  ctx: CliContext,
  loaded: LoadedExperiment,
  tests: LoadedExperiment['tests'],
  results: string,
  extra: Record<string, unknown>,
): Promise<ExitCode> {
  const failUnder = failUnderOf(ctx);
  const scored = await scoreResults(loaded.experiment!, tests, results, { signal: ctx.signal });
  return printScores(ctx, scored, failUnder, extra);
}

async function runPreview(ctx: CliContext, file: string, loaded: LoadedExperiment, rows: number): Promise<ExitCode> {
  const out = ctx.args.options.get('out') ?? defaultBatchPath(file, 'preview.results');
  const force = ctx.args.switches.has('force');
  const client = clientFor(ctx);
  try {
    await checkDestination(out, { overwrite: force }); // before spending any request
    const limits = REALTIME_LIMITS[tierOf(ctx)];
    let last = -1;
    const preview = await previewExperiment(loaded.experiment!, loaded.tests, out, {
      rows,
      limits,
      overwrite: force,
      signal: ctx.signal,
      send: (body, signal) => client.chat(body as unknown as ChatRequest, { signal }),
      onProgress: (done, total) => {
        const tenth = Math.floor((done / total) * 10);
        if (ctx.json || tenth === last) return;
        last = tenth;
        ctx.io.err(`preview: ${done} of ${plural(total, 'request')} done`);
      },
    });
    reportResults(ctx, out, preview.summary);
    return await scoreAndPrint(ctx, loaded, loaded.tests.slice(0, preview.rows), out, {
      preview: { rows: preview.rows, requests: preview.requests, results: out },
    });
  } catch (error) {
    return report(ctx, error);
  }
}

/** Downloads every part's output and error files and joins them into `out`, part 1 first. */
async function joinParts(
  ctx: CliContext,
  client: KlusterClient,
  parts: readonly { path: string; batch: Batch }[],
  out: string,
  force: boolean,
): Promise<JoinSummary> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-experiment-'));
  try {
    const inputs = [];
    for (const [i, { path: input, batch }] of parts.entries()) {
      const fetch = async (id: string | null | undefined, name: string) => {
        if (!id) return null;
        const file = path.join(dir, `${i + 1}.${name}`);
        await client.downloadFileContent(id, file, { signal: ctx.signal, onProgress: progressPrinter(ctx, `downloading ${name}`) });
        return file;
      };
      const missingReason = MISSING_REASONS[batch.status] ?? `No result for this request (batch status: ${batch.status}).`;
      inputs.push({
        inputPath: input,
        outputPath: await fetch(batch.output_file_id, 'output.jsonl'),
        errorPath: await fetch(batch.error_file_id, 'errors.jsonl'),
        missingReason,
      });
    }
    return await writePartsResults(inputs, out, { overwrite: force, signal: ctx.signal });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function runBatch(ctx: CliContext, file: string, loaded: LoadedExperiment): Promise<ExitCode> {
  const tier = tierOf(ctx);
  const force = ctx.args.switches.has('force');
  const wait = ctx.args.switches.has('wait');
  const window = ctx.args.options.get('window') ?? loaded.experiment!.completionWindow ?? '24h';
  if (!isCompletionWindow(window)) throw new UsageError(`--window must be one of 1h, 3h, 6h, 12h, 24h, not '${window}'`);
  const batchPath = ctx.args.options.get('batch') ?? defaultBatchPath(file);
  const out = ctx.args.options.get('out') ?? defaultBatchPath(file, 'results');
  const client = clientFor(ctx);
  const created: { path: string; batch: Batch }[] = [];
  try {
    if (wait) await checkDestination(out, { overwrite: force }); // refuse before spending anything
    const built = await buildBatch(loaded.experiment!, loaded.tests, batchPath, { ...OPTIONS, tier, overwrite: force });
    for (const { file: part, diagnostic } of built.diagnostics) ctx.io.err(formatDiagnostic(part, diagnostic));
    if (built.parts.length === 0) {
      ctx.io.err(
        built.lines ? `${file}: the batch has errors; nothing was submitted.` : `${file}: the dataset has no rows; nothing was submitted.`,
      );
      return ExitCode.findings;
    }
    if (!ctx.json) ctx.io.err(`wrote ${plural(built.lines, 'request')} to ${built.parts.map((p) => p.path).join(', ')}`);
    for (const part of built.parts) {
      const uploaded = await client.uploadFile(part.path, {
        signal: ctx.signal,
        onProgress: progressPrinter(ctx, `uploading ${part.path}`),
      });
      const metadata = { ...cliInputMetadata(part.path, process.cwd()), source: 'cli', experiment: path.basename(file) };
      const batch = await client.createBatch({ inputFileId: uploaded.id, completionWindow: window, metadata }, { signal: ctx.signal });
      created.push({ path: part.path, batch });
      if (!ctx.json) ctx.io.err(`batch ${batch.id} created for ${part.path} (${plural(part.lines, 'request')})`);
      ctx.io.out(batch.id);
    }
    if (!wait) {
      if (!ctx.json) {
        for (const { path: part, batch } of created)
          ctx.io.err(`when it has ended: kluster results ${batch.id} --input ${part} --out RESULTS.jsonl, then kluster experiment score`);
      }
      return ExitCode.ok;
    }
    const ended: { path: string; batch: Batch }[] = [];
    for (const part of created)
      ended.push({ path: part.path, batch: await waitForBatch(ctx, client, part.batch.id, { created: part.batch }) });
    const summary = await joinParts(ctx, client, ended, out, force);
    reportResults(ctx, out, summary);
    const code = await scoreAndPrint(ctx, loaded, loaded.tests, out, {
      batches: ended.map((p) => ({ id: p.batch.id, status: p.batch.status, input: p.path })),
      results: out,
    });
    const clean = ended.every((p) => p.batch.status === 'completed');
    return clean ? code : ExitCode.findings;
  } catch (error) {
    const ids = created.map((c) => c.batch.id);
    const last = ids.at(-1);
    // One part writes the experiment's results file; several get one file each, which is what `results` joins.
    const commands = created.map(
      (c) => `'${resultsCommandFor(ctx, c.batch.id, c.path, created.length > 1 ? 'RESULTS.jsonl' : out, force)}'`,
    );
    const hint =
      ids.length > 1
        ? `Batches ${ids.join(', ')} were created; ${commands.join(', ')} write their results once they have ended.`
        : `Batch ${last} was created; ${commands[0]} writes its results once it has ended.`;
    return report(ctx, error, last ? { batchId: last, hint } : undefined);
  }
}

export const experimentRunCommand: CliCommand = {
  name: 'experiment run',
  usage:
    'experiment run EXP.yaml [--preview N | --wait] [--out RESULTS.jsonl] [--batch BATCH.jsonl] [--window 24h] [--tier free|standard] [--fail-under RATE] [--force]',
  summary: 'Build, submit (or --preview N rows in real time), wait, join and score an experiment',
  valueOptions: ['preview', 'out', 'batch', 'window', 'tier', 'fail-under'],
  switches: ['wait', 'force'],
  async run(ctx) {
    const [file] = positional(ctx, 1, 'one EXP.yaml');
    const rows = previewRowsOf(ctx);
    if (rows !== undefined && ctx.args.switches.has('wait'))
      throw new UsageError('--preview and --wait do not go together: a preview needs no wait');
    if (rows !== undefined && ctx.args.options.has('batch'))
      throw new UsageError('--batch names the batch file, which a preview does not write');
    tierOf(ctx);
    failUnderOf(ctx);
    const loaded = await loadOrReport(ctx, file!);
    if (typeof loaded === 'number') return loaded;
    return rows !== undefined ? runPreview(ctx, file!, loaded, rows) : runBatch(ctx, file!, loaded);
  },
};
