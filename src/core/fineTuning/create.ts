// What "Create Fine-tuning Job" asks and says: the base models, the hyperparameters with the API reference's words,
// the summary before the upload, and whether a file's first lines make it a dataset. Pure, so it is unit-tested.
import type { FineTuningJob } from '../api/schemas';
import { formatCount, plural } from '../batches/displayText';
import { decideKind, KIND_WINDOW } from '../jsonl/fileRules';
import { voteLine, type FileKind } from '../jsonl';
import { DOCUMENTED_MODELS } from '../models';

export type HyperparameterKey = 'n_epochs' | 'batch_size' | 'learning_rate_multiplier';
export type Hyperparameters = Partial<Record<HyperparameterKey, number>>;

export interface HyperparameterSpec {
  readonly key: HyperparameterKey;
  readonly title: string;
  /** The API reference's own explanation. */
  readonly meaning: string;
  readonly integer: boolean;
}

export const HYPERPARAMETERS: readonly HyperparameterSpec[] = [
  {
    key: 'n_epochs',
    title: 'Epochs',
    meaning:
      'The number of times the entire training dataset is passed through the model. More epochs can improve learning but risk overfitting if the model memorizes training data.',
    integer: true,
  },
  {
    key: 'batch_size',
    title: 'Batch size',
    meaning:
      'The number of training examples processed in one forward/backward pass. Larger batch sizes reduce the frequency of weight updates per epoch, leading to more stable gradients but slower updates.',
    integer: true,
  },
  {
    key: 'learning_rate_multiplier',
    title: 'Learning rate multiplier',
    meaning:
      'A multiplier for the base step size used in model weight updates. Lower values slow training but improve precision; higher values speed up convergence but risk instability.',
    integer: false,
  },
];

/**
 * A typed hyperparameter: empty is the service's default (undefined); otherwise the number, or why it is not one
 * (whole numbers of at least 1 for epochs and batch size, above 0 for the multiplier, as the CLI takes them).
 */
export function parseHyperparameter(spec: HyperparameterSpec, text: string): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const value = Number(trimmed);
  if (spec.integer) {
    if (!/^\d+$/.test(trimmed) || value < 1) return { error: `${spec.title} must be a whole number from 1 up.` };
  } else if (!Number.isFinite(value) || value <= 0) return { error: `${spec.title} must be a number above 0.` };
  return { value };
}

/** `epochs 3, batch size default, learning rate multiplier 0.5`. */
export function hyperparametersSummary(values: Hyperparameters): string {
  return HYPERPARAMETERS.map((spec) => `${spec.title.toLowerCase()} ${values[spec.key] ?? 'default'}`).join(', ');
}

export interface BaseModelChoice {
  readonly id: string;
  /** `documented`: the docs list it as fine-tunable; `reported`: the service used it as a job's base model. */
  readonly source: 'documented' | 'reported';
}

/**
 * The spellings the API reference's create request gives as fine-tunable ("for example
 * `meta-llama/Meta-Llama-3.1-8B-Instruct` or `meta-llama/Meta-Llama-3.3-70B-Instruct-Turbo`"); accepted when
 * typed, not offered in the picker, which lists the supported models by their catalog ids.
 */
export const REFERENCE_EXAMPLE_BASE_MODELS: readonly string[] = [
  'meta-llama/Meta-Llama-3.1-8B-Instruct',
  'meta-llama/Meta-Llama-3.3-70B-Instruct-Turbo',
];

/** The docs' fine-tunable models, then every other base model the service's jobs report, each once. */
export function baseModelChoices(jobs: readonly Pick<FineTuningJob, 'model'>[]): BaseModelChoice[] {
  const choices: BaseModelChoice[] = DOCUMENTED_MODELS.filter((m) => m.fineTuning).map((m) => ({ id: m.id, source: 'documented' }));
  const seen = new Set(choices.map((c) => c.id));
  for (const job of jobs) {
    if (!job.model || seen.has(job.model)) continue;
    seen.add(job.model);
    choices.push({ id: job.model, source: 'reported' });
  }
  return choices;
}

/** What a file is, from its first bytes (`head`, possibly cut mid-line: the cut line is left out when more follow). */
export function kindOfHead(head: string, complete: boolean): FileKind {
  const lines = head.split(/\r\n|\r|\n/);
  if (!complete && lines.length > 1) lines.pop();
  const votes = lines
    .filter((l) => l.trim() !== '')
    .slice(0, KIND_WINDOW)
    .map(voteLine);
  return decideKind(votes);
}

export interface CreateSummary {
  readonly trainingName: string;
  readonly examples: number;
  readonly estimatedTokens: number;
  readonly model: string;
  /** A local file's name or an uploaded file's name / id; undefined for none. */
  readonly validation?: string;
  readonly hyperparameters: Hyperparameters;
}

/** `train.jsonl: 12 examples · ~1,234 tokens (estimated) · Meta-Llama-3.1-8B-Instruct-Turbo`, and the details. */
export function createSummaryText(s: CreateSummary): { headline: string; detail: string } {
  const headline = `${s.trainingName}: ${plural(s.examples, 'example')} · ~${formatCount(s.estimatedTokens)} tokens (estimated)`;
  const detail = [
    `Base model: ${s.model}`,
    `Validation file: ${s.validation ?? 'none'}`,
    `Hyperparameters: ${hyperparametersSummary(s.hyperparameters)}`,
    `${s.trainingName} is uploaded with purpose "fine-tune", then the job is created.`,
  ].join('\n');
  return { headline, detail };
}
