// In-memory state of the emulator: files (content on disk), batches, fine-tuning jobs, a request log.
import { promises as fs } from 'fs';
import * as path from 'path';
import { DOCUMENTED_MODELS, FREE_TIER_MAX_BATCH_LINES, MAX_BATCH_FILE_BYTES } from '../core/models';
import { REFERENCE_EXAMPLE_BASE_MODELS } from '../core/fineTuning/create';

export interface EmulatorTiming {
  /** How long a batch stays `validating`. */
  readonly validatingMs: number;
  /** How long a batch stays `in_progress`; request_counts climb across it. */
  readonly inProgressMs: number;
  readonly finalizingMs: number;
  /** `cancelling` to `cancelled`. */
  readonly cancellingMs: number;
  /** Each fine-tuning phase: queued, running. */
  readonly fineTuningPhaseMs: number;
}

/** Slow enough to watch a batch move in the editor. */
export const HUMAN_TIMING: EmulatorTiming = {
  validatingMs: 2000,
  inProgressMs: 6000,
  finalizingMs: 1500,
  cancellingMs: 2000,
  fineTuningPhaseMs: 4000,
};
/** For tests: a batch completes in well under a second. */
export const FAST_TIMING: EmulatorTiming = {
  validatingMs: 100,
  inProgressMs: 250,
  finalizingMs: 100,
  cancellingMs: 100,
  fineTuningPhaseMs: 100,
};

export interface EmulatorLimits {
  /** Upload size limit (413 above it). */
  readonly maxFileBytes: number;
  /** Free tier: a batch file must have fewer lines than this. */
  readonly freeTierMaxLines: number;
}

export const DOCUMENTED_LIMITS: EmulatorLimits = { maxFileBytes: MAX_BATCH_FILE_BYTES, freeTierMaxLines: FREE_TIER_MAX_BATCH_LINES };

export interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly purpose: string;
  readonly bytes: number;
  readonly createdAt: number;
  readonly path: string;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  /** ms since the epoch. */
  readonly at: number;
  status?: number;
  fault?: string;
  /** The parsed JSON body of a chat completion request, so tests can check what was sent. */
  body?: unknown;
}

export interface FineTuningJob {
  readonly id: string;
  readonly model: string;
  readonly createdAt: number;
  readonly trainingFile: string;
  readonly validationFile: string | null;
  readonly hyperparameters: Record<string, unknown>;
  readonly trainedTokens: number;
  status: string;
  finishedAt: number | null;
  fineTunedModel: string | null;
  /** Why the job failed (set when it does). */
  error: { code: string; message: string; param: string | null } | null;
  timer?: NodeJS.Timeout;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Base models the docs accept for fine-tuning, under both spellings the docs use. */
export const FINE_TUNABLE_MODELS: ReadonlySet<string> = new Set([
  ...DOCUMENTED_MODELS.filter((m) => m.fineTuning).map((m) => m.id),
  ...REFERENCE_EXAMPLE_BASE_MODELS,
  // The base model the reference's job responses report.
  'meta-llama/Llama-3.1-8B-Instruct',
]);

export class Store {
  readonly files = new Map<string, StoredFile>();
  readonly fineTuningJobs = new Map<string, FineTuningJob>();
  readonly requests: RequestLogEntry[] = [];
  /** Models served beyond the documented ones (EmulatorOptions.extraModels); tests may change it while running. */
  readonly extraModels: string[] = [];
  private counter = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly dir: string,
    readonly timing: EmulatorTiming,
    readonly limits: EmulatorLimits,
    readonly tier: 'free' | 'standard',
  ) {}

  /** 24 hex digits, like the service's ids; later ids sort after earlier ones. */
  newId(): string {
    return nowSeconds().toString(16).padStart(8, '0') + (++this.counter).toString(16).padStart(16, '0');
  }

  newFilePath(): string {
    return path.join(this.dir, `f${++this.counter}`);
  }

  /** A timer that close() cancels. */
  later(ms: number, run: () => void | Promise<void>): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void Promise.resolve()
        .then(run)
        .catch((error: unknown) => console.error('[emulator]', error));
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancelTimer(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const job of this.fineTuningJobs.values()) job.timer = undefined;
  }

  addFile(filename: string, purpose: string, bytes: number, filePath: string): StoredFile {
    const file: StoredFile = { id: this.newId(), filename, purpose, bytes, createdAt: nowSeconds(), path: filePath };
    this.files.set(file.id, file);
    return file;
  }

  async writeFile(filename: string, purpose: string, content: string): Promise<StoredFile> {
    const filePath = this.newFilePath();
    await fs.writeFile(filePath, content);
    return this.addFile(filename, purpose, Buffer.byteLength(content), filePath);
  }

  async deleteFile(id: string): Promise<boolean> {
    const file = this.files.get(id);
    if (!file) return false;
    this.files.delete(id);
    await fs.rm(file.path, { force: true });
    return true;
  }

  // ---- fine-tuning

  /** queued → running → succeeded, or failed after running when `failure` says why (e.g. too few examples). */
  createFineTuningJob(
    model: string,
    training: StoredFile,
    validationFile: string | null,
    hyperparameters: Record<string, unknown>,
    failure?: string,
  ): FineTuningJob {
    const job: FineTuningJob = {
      id: this.newId(),
      model,
      createdAt: nowSeconds(),
      trainingFile: training.id,
      validationFile,
      hyperparameters: { batch_size: 4, learning_rate_multiplier: 1, n_epochs: 3, ...hyperparameters },
      trainedTokens: Math.ceil(training.bytes / 4),
      status: 'queued',
      finishedAt: null,
      fineTunedModel: null,
      error: null,
    };
    this.fineTuningJobs.set(job.id, job);
    job.timer = this.later(this.timing.fineTuningPhaseMs, () => {
      job.status = 'running';
      job.timer = this.later(this.timing.fineTuningPhaseMs, () => {
        job.finishedAt = nowSeconds();
        job.timer = undefined;
        if (failure !== undefined) {
          job.status = 'failed';
          job.error = { code: 'invalid_training_file', message: failure, param: 'training_file' };
          return;
        }
        job.status = 'succeeded';
        job.fineTunedModel = `ft:${model.split('/').pop()}:personal:${job.id.slice(-8)}`;
        job.timer = undefined;
      });
    });
    return job;
  }

  cancelFineTuningJob(job: FineTuningJob): boolean {
    if (job.status !== 'queued' && job.status !== 'running') return false;
    this.cancelTimer(job.timer);
    job.status = 'cancelling';
    job.timer = this.later(this.timing.fineTuningPhaseMs, () => {
      job.status = 'cancelled';
      job.finishedAt = nowSeconds();
      job.timer = undefined;
    });
    return true;
  }

  /** Models accepted beyond the documented ones: the extra models and the fine-tuned ones. */
  undocumentedModelIds(): Set<string> {
    return new Set([...this.extraModels, ...this.fineTunedModelIds()]);
  }

  /** Fine-tuned models appear in the models list once their job succeeded (as the docs say). */
  fineTunedModelIds(): Set<string> {
    return new Set([...this.fineTuningJobs.values()].flatMap((j) => (j.fineTunedModel ? [j.fineTunedModel] : [])));
  }
}

export function fineTuningJobJson(job: FineTuningJob): Record<string, unknown> {
  const settings = { ...job.hyperparameters };
  return {
    object: 'fine_tuning.job',
    id: job.id,
    model: job.model,
    created_at: job.createdAt,
    finished_at: job.finishedAt,
    fine_tuned_model: job.fineTunedModel,
    result_files: [],
    status: job.status,
    training_file: job.trainingFile,
    validation_file: job.validationFile,
    hyperparameters: settings,
    method: { type: 'supervised', supervised: settings },
    trained_tokens: job.status === 'succeeded' ? job.trainedTokens : null,
    integrations: [],
    metrics: {},
    error: job.error,
  };
}

export function fileJson(file: StoredFile): Record<string, unknown> {
  // The docs show the file's created_at as a numeric string.
  return {
    id: file.id,
    bytes: file.bytes,
    created_at: String(file.createdAt),
    filename: file.filename,
    object: 'file',
    purpose: file.purpose,
  };
}
