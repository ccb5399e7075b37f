// `results BATCH_ID --input FILE --out RESULTS.jsonl [--force]`: the join `submit --out` does, for any batch that
// has ended, so results are never lost to a failure at the last step. Also the pieces submit shares.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TERMINAL_BATCH_STATUSES, type Batch, type KlusterClient } from '../core/api';
import { formatCount, unmatchedText } from '../core/batches/displayText';
import { checkResultsDestination, writeJoinedResults, type JoinSummary } from '../core/results/join';
import { apiCommand } from './apiCommands';
import { UsageError } from './args';
import { ExitCode, type CliContext } from './command';
import { clientFor, printJson, progressPrinter } from './output';

export const MISSING_REASONS: Record<string, string> = {
  cancelled: 'The batch was cancelled before this request ran.',
  expired: 'The batch expired before this request ran.',
  failed: 'The batch failed validation, so no request ran.',
};

/** Downloads the output and error files next to each other in a temp dir and joins them with the input. */
export async function writeResults(
  ctx: CliContext,
  client: KlusterClient,
  batch: Batch,
  input: string,
  out: string,
  force: boolean,
): Promise<JoinSummary> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-results-'));
  try {
    const fetch = async (id: string | null | undefined, name: string) => {
      if (!id) return null;
      const file = path.join(dir, name);
      await client.downloadFileContent(id, file, { signal: ctx.signal, onProgress: progressPrinter(ctx, `downloading ${name}`) });
      return file;
    };
    const outputPath = await fetch(batch.output_file_id, 'output.jsonl');
    const errorPath = await fetch(batch.error_file_id, 'errors.jsonl');
    const missingReason = MISSING_REASONS[batch.status] ?? `No result for this request (batch status: ${batch.status}).`;
    return await writeJoinedResults({ inputPath: input, outputPath, errorPath, missingReason, signal: ctx.signal }, out, {
      overwrite: force,
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The results line on stderr and the --json report: shared by `submit --out` and `results`. */
export function reportResults(ctx: CliContext, out: string, summary: JoinSummary): void {
  if (!ctx.json) {
    const tokens = `${formatCount(summary.promptTokens)} prompt + ${formatCount(summary.completionTokens)} completion tokens`;
    ctx.io.err(
      `wrote ${formatCount(summary.total + summary.unmatched)} results to ${out}: ${formatCount(summary.succeeded)} succeeded, ${formatCount(summary.failed)} failed, ${formatCount(summary.missing)} missing${unmatchedText(summary.unmatched)}; ${tokens}`,
    );
  }
}

/** Exit 0 only for a completed batch whose every request succeeded (and, with results, nothing missing or unmatched). */
export function exitCodeOf(batch: Batch, summary?: JoinSummary): ExitCode {
  const clean =
    batch.status === 'completed' &&
    !batch.request_counts?.failed &&
    (!summary || (summary.failed === 0 && summary.missing === 0 && summary.unmatched === 0));
  return clean ? ExitCode.ok : ExitCode.findings;
}

/** A word as the shell reads it: quoted when it holds anything but plain path characters. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that joins a batch's results again, with the options that were given (never the key). */
export function resultsCommandFor(ctx: CliContext, batchId: string, input: string, out: string, force: boolean): string {
  const baseUrl = ctx.args.options.get('base-url');
  const words = [
    'kluster',
    ...(baseUrl ? ['--base-url', baseUrl] : []),
    'results',
    batchId,
    '--input',
    input,
    '--out',
    out,
    ...(force ? ['--force'] : []),
  ];
  return words.map(shellWord).join(' ');
}

export const resultsCommand = apiCommand(
  {
    name: 'results',
    usage: 'results BATCH_ID --input FILE --out RESULTS.jsonl [--force]',
    summary: 'Join the results of a batch that has ended with its input FILE, in input order (what submit --out writes)',
    valueOptions: ['input', 'out'],
    switches: ['force'],
  },
  async (ctx) => {
    const [batchId, ...extra] = ctx.args.positional;
    if (!batchId) throw new UsageError('missing BATCH_ID');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const input = ctx.args.options.get('input');
    if (!input) throw new UsageError('missing --input FILE: the file the batch was created from');
    const out = ctx.args.options.get('out');
    if (!out) throw new UsageError('missing --out RESULTS.jsonl');
    const force = ctx.args.switches.has('force');
    await fs.access(input);
    await checkResultsDestination(input, out, { overwrite: force });
    const client = clientFor(ctx);
    const batch = await client.getBatch(batchId, { signal: ctx.signal });
    if (!TERMINAL_BATCH_STATUSES.has(batch.status)) {
      const message = `Batch ${batch.id} is ${batch.status}; its results can be joined once it has ended ('kluster batches get ${batch.id}' shows where it is).`;
      ctx.io.err(ctx.json ? JSON.stringify({ error: { kind: 'not_ended', message, batch_id: batch.id } }) : `kluster: ${message}`);
      return ExitCode.findings;
    }
    const summary = await writeResults(ctx, client, batch, input, out, force);
    reportResults(ctx, out, summary);
    if (ctx.json) printJson(ctx, { batch, results: { file: out, ...summary } });
    return exitCodeOf(batch, summary);
  },
);
