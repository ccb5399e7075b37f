// Preview: the first rows of an experiment now, through real-time chat completions, within the tier's limits, with
// results written in exactly the batch results format (the service's output and error lines, joined with the
// requests by results/join.ts), so scoring and the comparison read a preview as they read a batch.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KlusterError } from '../api/errors';
import { sleep } from '../api/transfer';
import { writeJoinedResults, type JoinSummary } from '../results/join';
import { requestLines } from './build';
import type { Experiment, TestCase } from './spec';

export const DEFAULT_PREVIEW_ROWS = 5;

export interface RealtimeLimits {
  /** Requests to one model in flight at once. */
  readonly concurrency: number;
  /** Requests to one model started in any 60 s. */
  readonly requestsPerMinute: number;
}

/** Per model, as documented ("API request limits": concurrent requests 2 | 10, requests per minute 1 | 60). */
export const REALTIME_LIMITS: Readonly<Record<'free' | 'standard', RealtimeLimits>> = {
  free: { concurrency: 2, requestsPerMinute: 1 },
  standard: { concurrency: 10, requestsPerMinute: 60 },
};

/** One request line's body as sent; resolves to the completion or rejects with the API's error. */
export type SendChat = (body: Record<string, unknown>, signal: AbortSignal | undefined) => Promise<unknown>;

export interface PreviewOptions {
  readonly send: SendChat;
  readonly limits: RealtimeLimits;
  /** How many rows, from the first; default 5. */
  readonly rows?: number;
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
  /** After each request, with how many of `total` are done. */
  readonly onProgress?: (done: number, total: number) => void;
  /** For tests: the clock and the wait the rate limit uses. */
  readonly now?: () => number;
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface PreviewResult {
  readonly rows: number;
  readonly requests: number;
  readonly summary: JoinSummary;
}

/** At most `concurrency` in flight and `requestsPerMinute` started in any 60 s window, per model. */
export class ModelLimiter {
  private running = 0;
  private readonly started: number[] = [];
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly limits: RealtimeLimits,
    private readonly now: () => number,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>,
  ) {}

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    // A finished task hands its slot straight to the next in the queue, so no newcomer slips in between.
    if (this.running >= this.limits.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      for (;;) {
        while (this.started.length && this.now() - this.started[0]! >= 60_000) this.started.shift();
        if (this.started.length < this.limits.requestsPerMinute) break;
        await this.wait(this.started[0]! + 60_000 - this.now(), signal);
      }
      this.started.push(this.now());
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}

interface Request {
  readonly customId: string;
  readonly body: Record<string, unknown>;
}

/** The service's result line for a request that failed: its HTTP answer when there was one, else an error object. */
function failureRecord(id: string, customId: string, error: unknown): Record<string, unknown> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof KlusterError && error.status !== undefined) {
    return {
      id,
      custom_id: customId,
      response: { status_code: error.status, request_id: error.requestId ?? null, body: { error: { message, code: error.kind } } },
      error: null,
    };
  }
  const code = error instanceof KlusterError ? error.kind : 'error';
  return { id, custom_id: customId, response: null, error: { code, message } };
}

/**
 * Runs the first `rows` test rows (every prompt × provider) and writes their results to `dest`. A request that fails
 * is a failed result, as in a batch; only an abort (or a file that cannot be written) rejects.
 */
export async function previewExperiment(
  experiment: Experiment,
  tests: readonly TestCase[],
  dest: string,
  options: PreviewOptions,
): Promise<PreviewResult> {
  const rows = Math.max(0, Math.min(tests.length, options.rows ?? DEFAULT_PREVIEW_ROWS));
  const lines = [...requestLines(experiment, tests.slice(0, rows))];
  const requests: Request[] = lines.map((line) => {
    const parsed = JSON.parse(line) as { custom_id: string; body: Record<string, unknown> };
    return { customId: parsed.custom_id, body: parsed.body };
  });
  const now = options.now ?? Date.now;
  const wait = options.wait ?? sleep;
  const limiters = new Map<string, ModelLimiter>();
  const limiterOf = (model: string) => {
    let limiter = limiters.get(model);
    if (!limiter) limiters.set(model, (limiter = new ModelLimiter(options.limits, now, wait)));
    return limiter;
  };
  const output: string[] = [];
  const errors: string[] = [];
  let done = 0;
  await Promise.all(
    requests.map((request, i) =>
      limiterOf(String(request.body.model)).run(async () => {
        const id = `preview-req-${i + 1}`;
        try {
          const completion = await options.send(request.body, options.signal);
          const requestId = (completion as { id?: unknown }).id;
          output.push(
            JSON.stringify({
              id,
              custom_id: request.customId,
              response: { status_code: 200, request_id: typeof requestId === 'string' ? requestId : null, body: completion },
              error: null,
            }),
          );
        } catch (error) {
          if (options.signal?.aborted) throw error;
          errors.push(JSON.stringify(failureRecord(id, request.customId, error)));
        }
        options.onProgress?.(++done, requests.length);
      }, options.signal),
    ),
  );
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-preview-'));
  try {
    const file = (name: string, content: string[]) => fs.writeFile(path.join(dir, name), content.map((l) => l + '\n').join(''));
    await Promise.all([file('input.jsonl', lines), file('output.jsonl', output), file('errors.jsonl', errors)]);
    const summary = await writeJoinedResults(
      {
        inputPath: path.join(dir, 'input.jsonl'),
        outputPath: path.join(dir, 'output.jsonl'),
        errorPath: path.join(dir, 'errors.jsonl'),
        signal: options.signal,
      },
      dest,
      { overwrite: options.overwrite },
    );
    return { rows, requests: requests.length, summary };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
