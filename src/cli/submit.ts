// `submit FILE [--window 24h] [--wait] [--out RESULTS.jsonl] [--force]`: upload, create the batch,
// optionally wait for it, and write results joined with the input, in input order.
import { TERMINAL_BATCH_STATUSES, isCompletionWindow, KlusterError, mayHaveBeenCreated, type Batch, type KlusterClient } from '../core/api';
import { sleep } from '../core/api/transfer';
import { PollBackoff, type BackoffOptions } from '../core/batches/backoff';
import { formatCount } from '../core/batches/displayText';
import { checkResultsDestination, type JoinSummary } from '../core/results/join';
import { cliInputMetadata } from '../core/batches/inputPath';
import { apiCommand, describeCounts } from './apiCommands';
import { UsageError } from './args';
import { ExitCode, type CliContext } from './command';
import { clientFor, printJson, progressPrinter, report } from './output';
import { exitCodeOf, reportResults, resultsCommandFor, writeResults } from './results';
import { formatDiagnostic, plural, streamFile } from './validate';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { blocksSubmission, type JsonlDiagnostic } from '../core/jsonl';

/** The CLI is watched by a person: first poll after half a second, then 1.5× slower each time, up to 15 s. */
const POLL_SCHEDULE: BackoffOptions = { minMs: 500, maxMs: 15_000, factor: 1.5 };
/** While the service cannot be reached: 2 s, doubling up to a minute, for as long as the batch can still run. */
const OUTAGE_SCHEDULE: BackoffOptions = { minMs: 2000, maxMs: 60_000, factor: 2 };
/** The service marks a batch expired some time after its window closes; polling waits this long for that. */
const EXPIRY_GRACE_MS = 30 * 60_000;

const WINDOW_HOURS: Record<string, number> = { '1h': 1, '3h': 3, '6h': 6, '12h': 12, '24h': 24 };

/** When waiting for `batch` stops making sense: its window has closed (plus grace) and still no answer. */
export function giveUpAt(batch: Pick<Batch, 'expires_at' | 'created_at' | 'completion_window'>): number | undefined {
  const hours = WINDOW_HOURS[batch.completion_window ?? ''];
  const expires = batch.expires_at ?? (batch.created_at != null && hours ? batch.created_at + hours * 3600 : undefined);
  return expires == null ? undefined : expires * 1000 + EXPIRY_GRACE_MS;
}

export interface WaitOptions {
  /** The batch as created, so an outage from the first poll on still knows its window. */
  readonly created?: Batch;
  readonly poll?: BackoffOptions;
  readonly outage?: BackoffOptions;
  readonly now?: () => number;
}

/**
 * Polls until the batch ends, backing off, reporting changes on stderr. An outage (network, 5xx, 429) is ridden
 * out, with a line on stderr per retry, until the batch's completion window has passed; only Ctrl-C or a definite
 * answer (a refusal, or the batch's end) stops it sooner.
 */
export async function waitForBatch(ctx: CliContext, client: KlusterClient, id: string, options: WaitOptions = {}): Promise<Batch> {
  const backoff = new PollBackoff(options.poll ?? POLL_SCHEDULE);
  const outage = new PollBackoff(options.outage ?? OUTAGE_SCHEDULE);
  const now = options.now ?? Date.now;
  let deadline = options.created ? giveUpAt(options.created) : undefined;
  let last = '';
  for (;;) {
    let delay: number;
    try {
      const batch = await client.getBatch(id, { signal: ctx.signal });
      outage.reset();
      deadline = giveUpAt(batch) ?? deadline;
      const line = `${batch.status} ${describeCounts(batch)}${batch.request_counts?.failed ? ` (${formatCount(batch.request_counts.failed)} failed)` : ''}`;
      if (line !== last && !ctx.json) ctx.io.err(`batch ${id}: ${line}`);
      last = line;
      if (TERMINAL_BATCH_STATUSES.has(batch.status)) return batch;
      delay = backoff.next();
    } catch (error) {
      if (!(error instanceof KlusterError) || !error.transient) throw error;
      if (deadline !== undefined && now() > deadline) {
        throw error.withSentence(
          `Stopped waiting for batch ${id}: its completion window closed at ${new Date(deadline - EXPIRY_GRACE_MS).toISOString()}.`,
        );
      }
      // A Retry-After is honoured up to the outage schedule's ceiling: never more than a minute between polls.
      const asked = error.retryAfterSeconds === undefined ? undefined : Math.min(error.retryAfterSeconds * 1000, outage.maxMs);
      delay = outage.nextAfterFailure(asked);
      const message = `${error.kind === 'rate_limited' ? 'rate limited' : 'service unreachable'}, retrying in ${Math.ceil(delay / 1000)} s (${error.message})`;
      // The shape of the transport's retry notices, with no last retry: polling goes on until the window closes.
      if (ctx.json)
        ctx.io.err(
          JSON.stringify({
            retry: { kind: error.kind, status: error.status ?? null, seconds: delay / 1000, retry: null, of: null, message, batch_id: id },
          }),
        );
      else ctx.io.err(`batch ${id}: ${message}`);
    }
    await sleep(delay, ctx.signal).catch((reason: unknown) => {
      throw new KlusterError(
        'aborted',
        `Stopped waiting. Batch ${id} keeps running on kluster.ai; 'kluster batches cancel ${id}' stops it.`,
        { cause: reason },
      );
    });
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
  const why = notBatch
    ? `it holds ${kind === 'empty' ? 'no requests' : `no batch requests (it looks like ${kind})`}`
    : `it has ${allErrors ? plural(blocking, 'error') : `${plural(blocking, 'problem')} kluster.ai would refuse`}`;
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
    if (out) await checkResultsDestination(input, out, { overwrite: force });
    const tier = ctx.args.options.get('tier') ?? 'standard';
    if (tier !== 'free' && tier !== 'standard') throw new UsageError(`--tier must be free or standard, not '${tier}'`);
    if (!ctx.args.switches.has('no-validate') && !(await passesValidation(ctx, input, tier))) return ExitCode.findings;
    const client = clientFor(ctx);

    const file = await client.uploadFile(input, { signal: ctx.signal, onProgress: progressPrinter(ctx, `uploading ${input}`) });
    if (!ctx.json) ctx.io.err(`uploaded ${input} as file ${file.id}`);
    const metadata = { ...cliInputMetadata(input, process.cwd()), source: 'cli' };
    let created;
    try {
      created = await client.createBatch({ inputFileId: file.id, completionWindow: window, metadata }, { signal: ctx.signal });
    } catch (error) {
      if (!mayHaveBeenCreated(error)) throw error;
      const hint = `A batch of file ${file.id} may have been created all the same: 'kluster batches list' shows it.`;
      return report(ctx, error, { hint });
    }
    if (!ctx.json) {
      ctx.io.err(`batch ${created.id} created (${created.status})`);
      ctx.io.out(created.id);
    }
    if (!ctx.args.switches.has('wait') && !out) {
      if (ctx.json) printJson(ctx, { batch: created });
      return ExitCode.ok;
    }

    // From here on the batch exists: whatever fails, say which batch it was and how to get its results.
    const hint = out
      ? `Batch ${created.id} was created; '${resultsCommandFor(ctx, created.id, input, out, force)}' writes its results once it has ended.`
      : `Batch ${created.id} was created; 'kluster batches get ${created.id}' shows it.`;
    try {
      const batch = await waitForBatch(ctx, client, created.id, { created });
      if (!ctx.json) {
        for (const error of batch.errors?.data ?? []) ctx.io.err(`${input}:${error.line ?? '?'}: ${error.message ?? error.code}`);
      }
      let summary: JoinSummary | undefined;
      if (out) {
        summary = await writeResults(ctx, client, batch, input, out, force);
        reportResults(ctx, out, summary);
      }
      if (ctx.json) printJson(ctx, { batch, ...(summary ? { results: { file: out, ...summary } } : {}) });
      return exitCodeOf(batch, summary);
    } catch (error) {
      return report(ctx, error, { batchId: created.id, hint });
    }
  },
);
