// `submit FILE [--window 24h] [--wait] [--out RESULTS.jsonl] [--force]`: upload, create the batch,
// optionally wait for it, and write results joined with the input, in input order.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TERMINAL_BATCH_STATUSES, isCompletionWindow, KlusterError, type Batch, type KlusterClient } from '../core/api';
import { sleep } from '../core/api/transfer';
import { PollBackoff } from '../core/batches/backoff';
import { unmatchedText } from '../core/batches/format';
import { writeJoinedResults, type JoinSummary } from '../core/results/join';
import { checkFolder, FileExistsError, fileExists } from '../core/util/atomicFile';
import { apiCommand, describeCounts } from './apiCommands';
import { UsageError } from './args';
import { ExitCode, type CliContext } from './command';
import { clientFor, printJson, progressPrinter } from './output';
import { formatDiagnostic, plural, streamFile } from './validate';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { blocksSubmission, type JsonlDiagnostic } from '../core/jsonl';

/** The CLI is watched by a person: first poll after half a second, then 1.5× slower each time, up to 15 s. */
const POLL_SCHEDULE = { minMs: 500, maxMs: 15_000, factor: 1.5 };
/** Polling survives this many transient failures in a row (network, 5xx, 429) before giving up. */
const MAX_POLL_FAILURES = 5;

/** Polls until the batch ends, backing off, reporting changes on stderr. */
export async function waitForBatch(ctx: CliContext, client: KlusterClient, id: string): Promise<Batch> {
  const backoff = new PollBackoff(POLL_SCHEDULE);
  let last = '';
  let failures = 0;
  for (;;) {
    let batch: Batch | undefined;
    try {
      batch = await client.getBatch(id, { signal: ctx.signal });
      failures = 0;
    } catch (error) {
      if (!(error instanceof KlusterError) || !error.transient || ++failures > MAX_POLL_FAILURES) throw error;
      if (!ctx.json) ctx.io.err(`still waiting (${error.message})`);
    }
    if (batch) {
      const line = `${batch.status} ${describeCounts(batch)}${batch.request_counts?.failed ? ` (${batch.request_counts.failed} failed)` : ''}`;
      if (line !== last && !ctx.json) ctx.io.err(`batch ${id}: ${line}`);
      last = line;
      if (TERMINAL_BATCH_STATUSES.has(batch.status)) return batch;
    }
    await sleep(backoff.next(), ctx.signal).catch((reason: unknown) => {
      throw new KlusterError('aborted', `Stopped waiting. Batch ${id} keeps running on kluster.ai; 'kluster batches cancel ${id}' stops it.`, { cause: reason });
    });
  }
}

const MISSING_REASONS: Record<string, string> = {
  cancelled: 'The batch was cancelled before this request ran.',
  expired: 'The batch expired before this request ran.',
  failed: 'The batch failed validation, so no request ran.',
};

/** Downloads the output and error files next to each other in a temp dir and joins them with the input. */
export async function writeResults(ctx: CliContext, client: KlusterClient, batch: Batch, input: string, out: string, force: boolean): Promise<JoinSummary> {
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
    return await writeJoinedResults({ inputPath: input, outputPath, errorPath, missingReason, signal: ctx.signal }, out, { overwrite: force });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const SHOWN_ERRORS = 20;

/** Checks the file offline first: a batch the service would fail costs an upload and a wait. */
async function passesValidation(ctx: CliContext, input: string, tier: 'free' | 'standard'): Promise<boolean> {
  // Only the first few blocking problems are kept, so a file with millions of them costs no more memory.
  let blocking = 0;
  let allErrors = true;
  const onDiagnostic = (d: JsonlDiagnostic) => {
    if (!blocksSubmission(d)) return;
    if (++blocking <= SHOWN_ERRORS) ctx.io.err(formatDiagnostic(input, d));
    if (d.severity !== 'error') allErrors = false;
  };
  const kind = await streamFile(input, { knownModels: DOCUMENTED_MODEL_IDS, tier }, onDiagnostic, ctx.signal);
  const notBatch = kind !== 'batch';
  if (blocking === 0 && !notBatch) return true;
  if (blocking > SHOWN_ERRORS) ctx.io.err(`... and ${blocking - SHOWN_ERRORS} more; 'kluster validate ${input}' lists them all`);
  const why = notBatch ? `it holds ${kind === 'empty' ? 'no requests' : `no batch requests (it looks like ${kind})`}` : `it has ${allErrors ? plural(blocking, 'error') : `${plural(blocking, 'problem')} kluster.ai would refuse`}`;
  ctx.io.err(`kluster: ${input} was not submitted: ${why}. Fix it, or pass --no-validate to submit anyway.`);
  return false;
}

export const submitCommand = apiCommand(
  {
    name: 'submit',
    usage: 'submit FILE [--window 24h] [--wait] [--out RESULTS.jsonl] [--force] [--tier free|standard] [--no-validate]',
    summary: 'Validate and upload FILE and start a batch; --wait polls until it ends; --out writes results in input order',
    valueOptions: ['window', 'out', 'tier'],
    switches: ['wait', 'force', 'no-validate'],
  },
  async (ctx) => {
    const [input, ...extra] = ctx.args.positional;
    if (!input) throw new UsageError('missing FILE');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const window = ctx.args.options.get('window') ?? '24h';
    if (!isCompletionWindow(window)) throw new UsageError(`--window must be one of 1h, 3h, 6h, 12h, 24h, not '${window}'`);
    const out = ctx.args.options.get('out');
    const force = ctx.args.switches.has('force');
    // Refuse before spending anything: the results file would not be written at the end.
    if (out && !force && (await fileExists(out))) throw new FileExistsError(out);
    if (out) await checkFolder(out);
    const tier = ctx.args.options.get('tier') ?? 'standard';
    if (tier !== 'free' && tier !== 'standard') throw new UsageError(`--tier must be free or standard, not '${tier}'`);
    if (!ctx.args.switches.has('no-validate') && !(await passesValidation(ctx, input, tier))) return ExitCode.findings;
    const client = clientFor(ctx);

    const file = await client.uploadFile(input, { signal: ctx.signal, onProgress: progressPrinter(ctx, `uploading ${input}`) });
    if (!ctx.json) ctx.io.err(`uploaded ${input} as file ${file.id}`);
    const created = await client.createBatch({ inputFileId: file.id, completionWindow: window }, { signal: ctx.signal });
    if (!ctx.json) {
      ctx.io.err(`batch ${created.id} created (${created.status})`);
      ctx.io.out(created.id);
    }
    if (!ctx.args.switches.has('wait') && !out) {
      if (ctx.json) printJson(ctx, { batch: created });
      return ExitCode.ok;
    }

    const batch = await waitForBatch(ctx, client, created.id);
    if (!ctx.json) {
      for (const error of batch.errors?.data ?? []) ctx.io.err(`${input}:${error.line ?? '?'}: ${error.message ?? error.code}`);
    }
    let summary: JoinSummary | undefined;
    if (out) {
      summary = await writeResults(ctx, client, batch, input, out, force);
      if (!ctx.json) {
        const tokens = `${summary.promptTokens} prompt + ${summary.completionTokens} completion tokens`;
        ctx.io.err(`wrote ${summary.total + summary.unmatched} results to ${out}: ${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.missing} missing${unmatchedText(summary.unmatched)}; ${tokens}`);
      }
    }
    if (ctx.json) printJson(ctx, { batch, ...(summary ? { results: { file: out, ...summary } } : {}) });
    const clean = batch.status === 'completed' && !batch.request_counts?.failed && (!summary || (summary.failed === 0 && summary.missing === 0 && summary.unmatched === 0));
    return clean ? ExitCode.ok : ExitCode.findings;
  },
);
