// How fine-tuning jobs read in the Fine-tuning view, its tooltips and notifications. Pure, so it is unit-tested.
import { fineTuningHyperparameters, TERMINAL_FINE_TUNING_STATUSES, type FineTuningJob } from '../api/schemas';
import { escapeMarkdown, formatAge, formatCount, formatDateTime, statusText, type StatusIcon } from '../batches/displayText';

export function isTerminalJob(status: string): boolean {
  return TERMINAL_FINE_TUNING_STATUSES.has(status);
}

/** `epochs 3, batch 4, lr× 1` (`-` where the service set none). */
export function hyperparametersText(job: FineTuningJob): string {
  const h = fineTuningHyperparameters(job);
  return `epochs ${h.n_epochs ?? '-'}, batch ${h.batch_size ?? '-'}, lr× ${h.learning_rate_multiplier ?? '-'}`;
}

/** The reason a job failed, `The training file has 3 examples… (invalid_file)`; undefined without one (`error: {}` too). */
export function jobErrorText(job: FineTuningJob): string | undefined {
  const message = job.error?.message?.trim();
  const code = job.error?.code?.trim();
  if (!message && !code) return undefined;
  return message ? `${message}${code ? ` (${code})` : ''}` : code;
}

const TERMINAL_ICONS: Record<string, StatusIcon> = {
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
};

const RUNNING_ICONS: Record<string, string> = {
  pending: 'clock',
  validating_files: 'loading',
  queued: 'clock',
  running: 'sync',
  cancelling: 'circle-slash',
};

/** The status codicon; every status that is not terminal spins (`~spin`). */
export function jobIcon(job: FineTuningJob): StatusIcon {
  if (isTerminalJob(job.status)) return TERMINAL_ICONS[job.status] ?? { id: 'question' };
  return { id: `${RUNNING_ICONS[job.status] ?? 'sync'}~spin` };
}

/** A model id without its owner: `klusterai/Meta-Llama-3.1-8B-Instruct-Turbo` → `Meta-Llama-3.1-8B-Instruct-Turbo`. */
export function shortModel(model: string | null | undefined): string {
  return model ? (model.split('/').pop() ?? model) : 'unknown model';
}

/** The tree label: the base model, short. */
export function jobLabel(job: FineTuningJob): string {
  return shortModel(job.model);
}

/** `running · 5m ago`, `succeeded · 2h ago`. */
export function jobDescription(job: FineTuningJob, nowMs = Date.now()): string {
  return `${statusText(job.status)} · ${formatAge(job.created_at, nowMs)}`;
}

/** File names by id, as far as known; the id stands in for an unknown one. */
export type FileNames = (fileId: string) => string | undefined;

/** `train.jsonl (file-abc)`, or the id alone. */
export function fileText(fileId: string, names: FileNames): string {
  const name = names(fileId);
  return name ? `${name} (${fileId})` : fileId;
}

/** `file-1, file-2` (an entry that is not an id as its JSON); empty for none. */
export function resultFilesText(job: FineTuningJob): string {
  return (job.result_files ?? []).map((f) => (typeof f === 'string' ? f : JSON.stringify(f))).join(', ');
}

const TIME_FIELDS = ['created_at', 'finished_at', 'estimated_finish'] as const;

/** A markdown tooltip with every field of the job (raw HTML off: the service's words are escaped). */
export function jobTooltip(job: FineTuningJob, names: FileNames): string {
  const h = fineTuningHyperparameters(job);
  const rows: [string, string][] = [
    ['id', job.id],
    ['status', job.status],
    ['base model', job.model ?? ''],
    ['fine-tuned model', job.fine_tuned_model ?? ''],
    ['training file', job.training_file ? fileText(job.training_file, names) : ''],
    ['validation file', job.validation_file ? fileText(job.validation_file, names) : ''],
    ['n_epochs', h.n_epochs != null ? String(h.n_epochs) : ''],
    ['batch_size', h.batch_size != null ? String(h.batch_size) : ''],
    ['learning_rate_multiplier', h.learning_rate_multiplier != null ? String(h.learning_rate_multiplier) : ''],
    ['method', job.method?.type ?? ''],
  ];
  for (const field of TIME_FIELDS) {
    const value = job[field];
    if (value != null) rows.push([field.replace(/_/g, ' '), formatDateTime(value)]);
  }
  rows.push(
    ['trained tokens', job.trained_tokens != null ? formatCount(job.trained_tokens) : ''],
    ['result files', resultFilesText(job)],
    ['seed', job.seed != null ? String(job.seed) : ''],
    ['organization', job.organization_id ?? ''],
    ['error', jobErrorText(job) ?? ''],
  );
  for (const [key, value] of Object.entries(job.metrics ?? {})) rows.push([`metrics.${key}`, JSON.stringify(value)]);
  const table = rows
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `| ${escapeMarkdown(key)} | ${escapeMarkdown(value)} |`)
    .join('\n');
  return `**Fine-tuning job ${escapeMarkdown(job.id)}**\n\n| field | value |\n| --- | --- |\n${table}`;
}

/** One line for a job that ended: `Fine-tuning job ft-1 (Meta-Llama-3.1-8B-Instruct-Turbo) succeeded: ft:….` */
export function jobEndedMessage(job: FineTuningJob): string {
  const what = `Fine-tuning job ${job.id} (${jobLabel(job)}) ${statusText(job.status)}`;
  if (job.status === 'succeeded') return `${what}${job.fine_tuned_model ? `: ${job.fine_tuned_model}` : ''}.`;
  const error = jobErrorText(job);
  return `${what}${error ? `: ${error}` : ''}.`;
}
