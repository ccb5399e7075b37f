// `fine-tuning list|get|cancel|create`: the fine-tuning jobs API, with the tutorial's loop in one command
// (check the dataset, upload it with purpose=fine-tune, create the job, poll until it ends).
import { KlusterError, mayHaveBeenCreated, TERMINAL_FINE_TUNING_STATUSES, type FineTuningJob, type KlusterClient } from '../core/api';
import { sleep } from '../core/api/transfer';
import { PollBackoff } from '../core/batches/backoff';
import { blocksSubmission } from '../core/jsonl';
import { baseModelChoices, REFERENCE_EXAMPLE_BASE_MODELS } from '../core/fineTuning/create';
import { hyperparametersText, resultFilesText } from '../core/fineTuning/jobText';
import { closestName } from '../core/jsonl/suggest';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { fileExists } from '../core/util/atomicFile';
import { FileReadError } from '../core/util/fileReadError';
import { escapeControls } from '../core/util/printable';
import { apiCommand } from './apiCommands';
import { UsageError } from './args';
import { ExitCode, type CliContext } from './command';
import { clientFor, printJson, progressPrinter, table, time } from './output';
import { formatDiagnostic, plural, validateFile } from './validate';

/** A job takes minutes to hours: first poll after 2 s, then 1.5× slower each time, up to 30 s. */
const POLL_SCHEDULE = { minMs: 2000, maxMs: 30_000, factor: 1.5 };
const MAX_POLL_FAILURES = 5;
const SHOWN_ERRORS = 20;

function oneId(ctx: CliContext): string {
  const [value, ...extra] = ctx.args.positional;
  if (!value) throw new UsageError('missing job ID');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  return value;
}

export function describeJob(job: FineTuningJob): string {
  const lines = [
    `id:               ${job.id}`,
    `status:           ${job.status}`,
    `base model:       ${job.model ?? '-'}`,
    `fine-tuned model: ${job.fine_tuned_model ?? '-'}`,
    `training file:    ${job.training_file ?? '-'}`,
    `validation file:  ${job.validation_file ?? '-'}`,
    `hyperparameters:  ${hyperparametersText(job)}`,
    `created:          ${time(job.created_at)}`,
    `finished:         ${time(job.finished_at)}`,
    `trained tokens:   ${job.trained_tokens ?? '-'}`,
  ];
  // Shown only when the service set them: the docs' examples have none (`result_files: []`, `metrics: {}`).
  if (job.estimated_finish != null) lines.splice(lines.length - 1, 0, `estimated finish: ${time(job.estimated_finish)}`);
  if (job.result_files?.length) lines.push(`result files:     ${resultFilesText(job)}`);
  const metrics = Object.entries(job.metrics ?? {});
  if (metrics.length) lines.push(`metrics:          ${metrics.map(([key, value]) => `${key} ${JSON.stringify(value)}`).join(', ')}`);
  // The service's words on one line: a line break in them must not start a line of ours.
  if (job.error?.message || job.error?.code) lines.push(`error:            ${escapeControls(job.error.message ?? job.error.code ?? '')}`);
  return lines.join('\n');
}

export const fineTuningListCommand = apiCommand(
  {
    name: 'fine-tuning list',
    usage: 'fine-tuning list [--limit N] [--after ID]',
    summary: 'List fine-tuning jobs, newest first',
    valueOptions: ['limit', 'after'],
  },
  async (ctx) => {
    if (ctx.args.positional.length) throw new UsageError(`unexpected argument '${ctx.args.positional[0]}'`);
    const list = await clientFor(ctx).listFineTuningJobs({
      signal: ctx.signal,
      limit: intOption(ctx, 'limit', 100),
      after: ctx.args.options.get('after'),
    });
    if (ctx.json) {
      printJson(ctx, list);
      return ExitCode.ok;
    }
    const rows = list.data.map((j) => [j.id, j.status, j.model ?? '-', j.fine_tuned_model ?? '-', time(j.created_at)]);
    ctx.io.out(table(['ID', 'STATUS', 'BASE MODEL', 'FINE-TUNED MODEL', 'CREATED'], rows));
    if (list.has_more && list.last_id) ctx.io.err(`more: kluster fine-tuning list --after ${list.last_id}`);
    return ExitCode.ok;
  },
);

export const fineTuningGetCommand = apiCommand(
  { name: 'fine-tuning get', usage: 'fine-tuning get ID', summary: "Show a fine-tuning job's status, model and hyperparameters" },
  async (ctx) => {
    const job = await clientFor(ctx).getFineTuningJob(oneId(ctx), { signal: ctx.signal });
    if (ctx.json) printJson(ctx, job);
    else ctx.io.out(describeJob(job));
    return ExitCode.ok;
  },
);

export const fineTuningCancelCommand = apiCommand(
  { name: 'fine-tuning cancel', usage: 'fine-tuning cancel ID', summary: 'Cancel a queued or running fine-tuning job' },
  async (ctx) => {
    const job = await clientFor(ctx).cancelFineTuningJob(oneId(ctx), { signal: ctx.signal });
    if (ctx.json) printJson(ctx, job);
    else ctx.io.out(`${job.id}: ${job.status}`);
    return ExitCode.ok;
  },
);

/** A whole number from 1 to `max`, or undefined when the option is absent. */
function intOption(ctx: CliContext, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = ctx.args.options.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`--${name} must be a whole number from 1${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, not '${text}'`);
  return value;
}

function positiveOption(ctx: CliContext, name: string): number | undefined {
  const text = ctx.args.options.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a number above 0, not '${text}'`);
  return value;
}

/**
 * A path (it has a folder or an extension) names a local dataset, which must exist; anything else is taken as the
 * id of an uploaded file (kluster's ids are bare hex, OpenAI's `file-…`).
 */
async function localDataset(fileOrId: string): Promise<string | undefined> {
  if (await fileExists(fileOrId)) return fileOrId;
  if (/[/\\]|\.\w+$/.test(fileOrId)) throw new FileReadError(fileOrId, 'ENOENT');
  return undefined;
}

/** A local dataset is checked offline: errors and the 10-example minimum block it (printed here); true when it passes. */
async function passesCheck(ctx: CliContext, file: string): Promise<boolean> {
  const result = await validateFile(file, { knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard' }, ctx.signal);
  const blocking = result.diagnostics.filter(blocksSubmission);
  if (result.kind === 'finetune' && blocking.length === 0) return true;
  for (const d of blocking.slice(0, SHOWN_ERRORS)) ctx.io.err(formatDiagnostic(file, d));
  if (blocking.length > SHOWN_ERRORS)
    ctx.io.err(`... and ${blocking.length - SHOWN_ERRORS} more; 'kluster validate ${file}' lists them all`);
  const why =
    result.kind !== 'finetune'
      ? `it is not a fine-tuning dataset (lines of {"messages": [...]}; it looks like ${result.kind})`
      : `it has ${plural(blocking.length, 'problem')}`;
  ctx.io.err(`kluster: ${file} was not uploaded: ${why}.`);
  return false;
}

async function upload(ctx: CliContext, client: KlusterClient, file: string): Promise<string> {
  const uploaded = await client.uploadFile(file, {
    signal: ctx.signal,
    purpose: 'fine-tune',
    onProgress: progressPrinter(ctx, `uploading ${file}`),
  });
  if (!ctx.json) ctx.io.err(`uploaded ${file} as file ${uploaded.id}`);
  return uploaded.id;
}

/**
 * After an upload the file stays on kluster.ai: a failure from then on names it. Interrupted or cut off while the
 * job was being created, the job may exist all the same.
 */
interface Upload {
  readonly option: 'training-file' | 'validation-file';
  readonly file: string;
  readonly id: string;
}

function withUploads(error: unknown, uploads: readonly Upload[]): unknown {
  if (!(error instanceof KlusterError) || uploads.length === 0) return error;
  const uploaded = uploads.map((u) => `${u.file} was uploaded as file ${u.id}`).join(' and ');
  const mayExist = mayHaveBeenCreated(error);
  const next = mayExist
    ? "the job may have been created anyway: 'kluster fine-tuning list' shows it."
    : `${uploads.map((u) => `--${u.option} ${u.id}`).join(' ')} uses ${uploads.length > 1 ? 'them' : 'it'} again without another upload.`;
  return error.withSentence(`${uploaded}; ${next}`);
}

/**
 * The docs say a job on any other base model fails, so an unknown one stops before the upload. Known: the
 * documented fine-tunable models and any base model of the account's recent jobs (the editor's picker).
 */
async function checkBaseModel(ctx: CliContext, client: KlusterClient, model: string): Promise<void> {
  const recent = await client.listFineTuningJobs({ limit: 100, signal: ctx.signal });
  const known = baseModelChoices(recent.data).map((c) => c.id);
  if (known.includes(model) || REFERENCE_EXAMPLE_BASE_MODELS.includes(model)) return;
  const hint = closestName(model, known);
  throw new UsageError(
    `'${model}' is not a model kluster.ai fine-tunes${hint ? `; did you mean ${hint}?` : ''} (fine-tunable: ${known.join(', ')})`,
  );
}

/** Polls until the job ends, backing off, reporting status changes on stderr. */
export async function waitForJob(ctx: CliContext, client: KlusterClient, id: string): Promise<FineTuningJob> {
  const backoff = new PollBackoff(POLL_SCHEDULE);
  let last = '';
  let failures = 0;
  for (;;) {
    let job: FineTuningJob | undefined;
    try {
      job = await client.getFineTuningJob(id, { signal: ctx.signal });
      failures = 0;
    } catch (error) {
      if (!(error instanceof KlusterError) || !error.transient || ++failures > MAX_POLL_FAILURES) throw error;
      if (!ctx.json) ctx.io.err(`still waiting (${error.message})`);
    }
    if (job) {
      if (job.status !== last && !ctx.json) ctx.io.err(`fine-tuning job ${id}: ${job.status}`);
      last = job.status;
      if (TERMINAL_FINE_TUNING_STATUSES.has(job.status)) return job;
    }
    await sleep(backoff.next(), ctx.signal).catch((reason: unknown) => {
      throw new KlusterError(
        'aborted',
        `Stopped waiting. Job ${id} keeps running on kluster.ai; 'kluster fine-tuning cancel ${id}' stops it.`,
        { cause: reason },
      );
    });
  }
}

export const fineTuningCreateCommand = apiCommand(
  {
    name: 'fine-tuning create',
    usage:
      'fine-tuning create --training-file FILE_OR_ID --model M [--validation-file FILE_OR_ID] [--n-epochs N] [--batch-size N] [--learning-rate-multiplier X] [--wait]',
    summary: 'Check and upload a dataset (or take an uploaded file id) and start a fine-tuning job; --wait polls until it ends',
    valueOptions: ['training-file', 'model', 'validation-file', 'n-epochs', 'batch-size', 'learning-rate-multiplier'],
    switches: ['wait'],
  },
  async (ctx) => {
    if (ctx.args.positional.length) throw new UsageError(`unexpected argument '${ctx.args.positional[0]}'`);
    const training = ctx.args.options.get('training-file');
    if (!training) throw new UsageError('missing --training-file FILE_OR_ID');
    const model = ctx.args.options.get('model');
    if (!model)
      throw new UsageError('missing --model M (klusterai/Meta-Llama-3.1-8B-Instruct-Turbo or klusterai/Meta-Llama-3.3-70B-Instruct-Turbo)');
    const hyper = {
      n_epochs: intOption(ctx, 'n-epochs'),
      batch_size: intOption(ctx, 'batch-size'),
      learning_rate_multiplier: positiveOption(ctx, 'learning-rate-multiplier'),
    };
    const hyperparameters = Object.fromEntries(Object.entries(hyper).filter(([, v]) => v !== undefined));
    const client = clientFor(ctx);
    await checkBaseModel(ctx, client, model);
    // Both datasets are checked before either is uploaded: a bad validation file leaves nothing behind.
    const validation = ctx.args.options.get('validation-file');
    const localTraining = await localDataset(training);
    const localValidation = validation === undefined ? undefined : await localDataset(validation);
    for (const file of [localTraining, localValidation]) if (file && !(await passesCheck(ctx, file))) return ExitCode.findings;
    const uploads: Upload[] = [];
    let created: FineTuningJob;
    try {
      const trainingFile = localTraining ? await upload(ctx, client, localTraining) : training;
      if (localTraining) uploads.push({ option: 'training-file', file: localTraining, id: trainingFile });
      const validationFile = localValidation ? await upload(ctx, client, localValidation) : validation;
      if (localValidation && validationFile) uploads.push({ option: 'validation-file', file: localValidation, id: validationFile });
      created = await client.createFineTuningJob(
        { trainingFile, model, validationFile, hyperparameters: Object.keys(hyperparameters).length ? hyperparameters : undefined },
        { signal: ctx.signal },
      );
    } catch (error) {
      throw withUploads(error, uploads);
    }
    if (!ctx.args.switches.has('wait')) {
      if (ctx.json) printJson(ctx, created);
      else {
        ctx.io.err(`fine-tuning job ${created.id} created (${created.status})`);
        ctx.io.out(created.id);
      }
      return ExitCode.ok;
    }
    if (!ctx.json) ctx.io.err(`fine-tuning job ${created.id} created (${created.status})`);
    const job = await waitForJob(ctx, client, created.id);
    if (ctx.json) printJson(ctx, job);
    else if (job.status === 'succeeded') ctx.io.out(job.fine_tuned_model ?? job.id);
    else ctx.io.err(`fine-tuning job ${job.id} ${job.status}${job.error?.message ? `: ${escapeControls(job.error.message)}` : ''}`);
    return job.status === 'succeeded' ? ExitCode.ok : ExitCode.findings;
  },
);
