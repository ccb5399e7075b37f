// zod schemas for what the kluster.ai API really returns. They are loose on purpose:
// - timestamps arrive as integers or numeric strings ("1733832777"), normalised to numbers;
// - objects keep fields we do not know (`count`, `page`, `items_per_page` beyond 2^53, ...);
// - statuses are plain strings, so a status the docs do not list passes through.
import { z } from 'zod';

/** A number the service may send as a numeric string ("1733832777"), normalised to a number. */
const numeric = z.preprocess((value) => {
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return value;
}, z.number());

/** Unix seconds, sent by the service either as an integer or as a numeric string. */
export const timestamp = numeric;

const optionalTimestamp = timestamp.nullish();
/** A count or size (bytes, line, request counts): a number or a numeric string. */
const optionalCount = numeric.nullish();

export const ModelSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  created: optionalTimestamp,
  owned_by: z.string().nullish(),
});
export type Model = z.infer<typeof ModelSchema>;

/** `{object: "list", data: [...]}` with whatever pagination fields the endpoint adds. */
function listOf<T extends z.ZodType>(item: T) {
  return z.looseObject({
    object: z.string().optional(),
    data: z.array(item),
    first_id: z.string().nullish(),
    last_id: z.string().nullish(),
    has_more: z.boolean().nullish(),
  });
}

export const ModelListSchema = listOf(ModelSchema);

export const FILE_PURPOSES = ['batch', 'fine-tune'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const FileObjectSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  bytes: optionalCount,
  created_at: optionalTimestamp,
  filename: z.string().nullish(),
  purpose: z.string().nullish(),
});
export type FileObject = z.infer<typeof FileObjectSchema>;

export const FileListSchema = listOf(FileObjectSchema);
export type FileList = z.infer<typeof FileListSchema>;

export const FileDeletedSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  deleted: z.boolean(),
});
export type FileDeleted = z.infer<typeof FileDeletedSchema>;

export { COMPLETION_WINDOWS, isCompletionWindow, type CompletionWindow } from './windows';

/** Statuses the docs list. The schema accepts any string; this is for UI decisions. */
export const KNOWN_BATCH_STATUSES = [
  'validating',
  'failed',
  'in_progress',
  'finalizing',
  'completed',
  'expired',
  'cancelling',
  'cancelled',
] as const;
export type KnownBatchStatus = (typeof KNOWN_BATCH_STATUSES)[number];
/** A status from the service: one of the known ones, or a new one passed through. */
export type BatchStatus = KnownBatchStatus | (string & {});

/** Statuses after which a batch never changes again. */
export const TERMINAL_BATCH_STATUSES: ReadonlySet<string> = new Set(['failed', 'completed', 'expired', 'cancelled']);
/** Ended statuses with an output file worth joining (a cancelled or expired batch keeps what ran); package.json menus match them too. */
export const BATCH_STATUSES_WITH_RESULTS: ReadonlySet<string> = new Set(['completed', 'expired', 'cancelled']);

export const BatchErrorSchema = z.looseObject({
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
  line: optionalCount,
});
export type BatchError = z.infer<typeof BatchErrorSchema>;

/** `errors` arrives as null, a bare list, or `{object: "list", data: [...]}`; a bare list becomes the last. */
const BatchErrorsSchema = z.preprocess(
  (value) => (Array.isArray(value) ? { object: 'list', data: value } : value),
  z.looseObject({ object: z.string().optional(), data: z.array(BatchErrorSchema).nullish() }).nullish(),
);

export const BatchSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  endpoint: z.string().nullish(),
  errors: BatchErrorsSchema,
  input_file_id: z.string().nullish(),
  completion_window: z.string().nullish(),
  status: z.string() as z.ZodType<BatchStatus>,
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  created_at: optionalTimestamp,
  in_progress_at: optionalTimestamp,
  expires_at: optionalTimestamp,
  finalizing_at: optionalTimestamp,
  completed_at: optionalTimestamp,
  failed_at: optionalTimestamp,
  expired_at: optionalTimestamp,
  cancelling_at: optionalTimestamp,
  cancelled_at: optionalTimestamp,
  request_counts: z.looseObject({ total: optionalCount, completed: optionalCount, failed: optionalCount }).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type Batch = z.infer<typeof BatchSchema>;

/** kluster's batch list: the OpenAI cursor fields plus `count`, `page`, `page_count`, `items_per_page`. */
export const BatchListSchema = listOf(BatchSchema);
export type BatchList = z.infer<typeof BatchListSchema>;

const UsageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ChatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  created: optionalTimestamp,
  model: z.string().nullish(),
  choices: z.array(
    z.looseObject({
      index: z.number().nullish(),
      message: z.looseObject({ role: z.string().nullish(), content: z.unknown() }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: UsageSchema.nullish(),
});
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

export const ChatCompletionChunkSchema = z.looseObject({
  id: z.string().nullish(),
  object: z.string().optional(),
  created: optionalTimestamp,
  model: z.string().nullish(),
  choices: z.array(
    z.looseObject({
      index: z.number().nullish(),
      delta: z.looseObject({ role: z.string().nullish(), content: z.string().nullish() }).nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: UsageSchema.nullish(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;

/** Statuses the docs and the tutorial show (`validating_files` appears in the tutorial's polling output). */
export const KNOWN_FINE_TUNING_STATUSES = [
  'pending',
  'validating_files',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelling',
  'cancelled',
] as const;

/** Statuses after which a fine-tuning job never changes again (the tutorial's polling loop stops on these). */
export const TERMINAL_FINE_TUNING_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/** `batch_size`, `learning_rate_multiplier`, `n_epochs`; numbers, or "auto"-style strings passed through. */
const HyperparametersSchema = z.looseObject({
  batch_size: z.union([numeric, z.string()]).nullish(),
  learning_rate_multiplier: z.union([numeric, z.string()]).nullish(),
  n_epochs: z.union([numeric, z.string()]).nullish(),
});
export type FineTuningHyperparameters = z.infer<typeof HyperparametersSchema>;

/**
 * `method.supervised` holds the hyperparameters directly (API reference) and, in the tutorial's output, also a
 * `hyperparameters: null` field; `method.dpo` is null there.
 */
const FineTuningMethodSchema = z.looseObject({
  type: z.string().nullish(),
  supervised: HyperparametersSchema.extend({ hyperparameters: HyperparametersSchema.nullish() }).nullish(),
  dpo: z.unknown().optional(),
});

/** A code the service may send as a number (`500`), kept as text. */
const codeText = z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string().nullish());

/**
 * `{code, message, param}` or null in the docs; a bare string becomes the message and a list its first entry, so
 * one job with an odd error does not make the whole job list unreadable.
 */
function errorObjectOf(value: unknown): unknown {
  if (typeof value === 'string') return { message: value };
  return Array.isArray(value) ? errorObjectOf(value[0] ?? null) : value;
}
const FineTuningErrorSchema = z.preprocess(
  errorObjectOf,
  z.looseObject({ code: codeText, message: z.string().nullish(), param: z.string().nullish() }).nullish(),
);

export const FineTuningJobSchema = z.looseObject({
  id: z.string(),
  object: z.string().optional(),
  model: z.string().nullish(),
  created_at: optionalTimestamp,
  finished_at: optionalTimestamp,
  estimated_finish: optionalTimestamp,
  fine_tuned_model: z.string().nullish(),
  /** File ids; kept loose because the docs only ever show an empty list. */
  result_files: z.array(z.unknown()).nullish(),
  status: z.string(),
  training_file: z.string().nullish(),
  validation_file: z.string().nullish(),
  hyperparameters: HyperparametersSchema.nullish(),
  method: FineTuningMethodSchema.nullish(),
  trained_tokens: optionalCount,
  integrations: z.array(z.unknown()).nullish(),
  /** `{}` in the docs' cancel response. */
  metrics: z.record(z.string(), z.unknown()).nullish(),
  /** null, or the reason a job failed (`{}` is treated as no error by the UI). */
  error: FineTuningErrorSchema,
  seed: numeric.nullish(),
  organization_id: z.string().nullish(),
});
export type FineTuningJob = z.infer<typeof FineTuningJobSchema>;

/** The job's hyperparameters: the top-level object, else `method.supervised` (or its nested `hyperparameters`). */
export function fineTuningHyperparameters(job: FineTuningJob): FineTuningHyperparameters {
  const supervised = job.method?.supervised;
  const pick = (key: 'batch_size' | 'learning_rate_multiplier' | 'n_epochs') =>
    job.hyperparameters?.[key] ?? supervised?.[key] ?? supervised?.hyperparameters?.[key] ?? undefined;
  return { batch_size: pick('batch_size'), learning_rate_multiplier: pick('learning_rate_multiplier'), n_epochs: pick('n_epochs') };
}

export const FineTuningJobListSchema = listOf(FineTuningJobSchema);
export type FineTuningJobList = z.infer<typeof FineTuningJobListSchema>;

/** `messages[]` entry of a chat request. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | (string & {});
  content: string | unknown[];
}

/**
 * A chat completion request body: `model`, `messages` and the documented options. No index
 * signature, so any interface with these fields is accepted as is.
 */
export interface ChatRequest {
  model: string;
  messages: readonly ChatMessage[];
  temperature?: number | null;
  top_p?: number | null;
  max_completion_tokens?: number | null;
  max_tokens?: number | null;
  stop?: string | readonly string[] | null;
  seed?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  logit_bias?: Record<string, number> | null;
  store?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  metadata?: Record<string, unknown>;
}

/** One-line description of a zod failure naming the field, e.g. `data[2].status: expected string`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected shape';
  const path = issue.path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path || '(root)'}: ${issue.message}${more}`;
}
