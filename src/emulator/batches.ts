// Batch lifecycle: validating → in_progress → finalizing → completed (or failed, cancelling →
// cancelled, expired), with request_counts moving while in progress and results written to
// output/error files in an order unlike the input's, as a real service may.
import { createReadStream } from 'fs';
import * as readline from 'readline';
import { checkChatBody, completionFor, errorBody, FAIL_ONCE_TRIGGER, hashOf, mentionsFailTrigger } from './chat';
import { nowSeconds, type StoredFile, type Store } from './state';

export const SUPPORTED_ENDPOINT = '/v1/chat/completions';
export const WINDOWS = ['1h', '3h', '6h', '12h', '24h'];

interface LineError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

interface Outcome {
  readonly customId: string;
  readonly ok: boolean;
  readonly record: Record<string, unknown>;
}

export interface StoredBatch {
  readonly id: string;
  readonly inputFileId: string;
  readonly endpoint: string;
  readonly completionWindow: string;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: number;
  readonly expiresAt: number;
  status: string;
  stamps: Partial<
    Record<'in_progress_at' | 'finalizing_at' | 'completed_at' | 'failed_at' | 'expired_at' | 'cancelling_at' | 'cancelled_at', number>
  >;
  errors: LineError[] | null;
  outcomes: Outcome[];
  /** When in_progress began (ms), to move request_counts. */
  progressStartMs?: number;
  /** Requests processed, once frozen by cancel, expiry or completion. */
  frozen?: number;
  outputFileId: string | null;
  errorFileId: string | null;
  timer?: NodeJS.Timeout;
}

const MAX_REPORTED_ERRORS = 100;

export class Batches {
  private readonly all = new Map<string, StoredBatch>();
  /** Requests ([[fail-once]]) that already failed once, by custom_id and body: the next run of each succeeds. */
  private readonly failedOnce = new Set<string>();

  constructor(private readonly store: Store) {}

  get(id: string): StoredBatch | undefined {
    return this.all.get(id);
  }

  /** Newest first. */
  list(): StoredBatch[] {
    return [...this.all.values()].reverse();
  }

  create(input: StoredFile, completionWindow: string, metadata: Record<string, unknown>, endpoint = SUPPORTED_ENDPOINT): StoredBatch {
    const createdAt = nowSeconds();
    const hours = Number.parseInt(completionWindow, 10);
    const batch: StoredBatch = {
      id: this.store.newId(),
      inputFileId: input.id,
      endpoint,
      completionWindow,
      metadata,
      createdAt,
      expiresAt: createdAt + hours * 3600,
      status: 'validating',
      stamps: {},
      errors: null,
      outcomes: [],
      outputFileId: null,
      errorFileId: null,
    };
    this.all.set(batch.id, batch);
    batch.timer = this.store.later(this.store.timing.validatingMs, () => this.validate(batch, input));
    return batch;
  }

  /** Requests done so far: they climb linearly across in_progress. */
  processed(batch: StoredBatch, nowMs = Date.now()): number {
    if (batch.frozen !== undefined) return batch.frozen;
    if (batch.status === 'in_progress' && batch.progressStartMs !== undefined) {
      const share = (nowMs - batch.progressStartMs) / Math.max(1, this.store.timing.inProgressMs);
      return Math.min(batch.outcomes.length, Math.floor(batch.outcomes.length * Math.max(0, share)));
    }
    return batch.status === 'finalizing' ? batch.outcomes.length : 0;
  }

  /** Cancels a running batch; false when it already ended. */
  cancel(batch: StoredBatch): boolean {
    if (!['validating', 'in_progress', 'finalizing'].includes(batch.status)) return false;
    this.store.cancelTimer(batch.timer);
    batch.frozen = this.processed(batch);
    batch.status = 'cancelling';
    batch.stamps.cancelling_at = nowSeconds();
    batch.timer = this.store.later(this.store.timing.cancellingMs, async () => {
      await this.writeResults(batch);
      batch.status = 'cancelled';
      batch.stamps.cancelled_at = nowSeconds();
    });
    return true;
  }

  /** Ends a running batch as `expired`, keeping results of requests already done. */
  async expire(batch: StoredBatch): Promise<boolean> {
    if (!['validating', 'in_progress', 'finalizing'].includes(batch.status)) return false;
    this.store.cancelTimer(batch.timer);
    batch.frozen = this.processed(batch);
    await this.writeResults(batch);
    batch.status = 'expired';
    batch.stamps.expired_at = nowSeconds();
    return true;
  }

  private async validate(batch: StoredBatch, input: StoredFile): Promise<void> {
    const errors: LineError[] = [];
    const outcomes: Outcome[] = [];
    const seen = new Set<string>();
    const lines = readline.createInterface({ input: createReadStream(input.path), crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const text of lines) {
      lineNumber++;
      if (!text.trim()) continue;
      const problem = (code: string, message: string, param: string | null = null) => {
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ code, message: `Line ${lineNumber}: ${message}`, param, line: lineNumber });
      };
      let request: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(text);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          problem('invalid_request', 'each line must be a JSON object.');
          continue;
        }
        request = parsed as Record<string, unknown>;
      } catch (error) {
        problem('invalid_json_line', `not valid JSON (${(error as Error).message}).`);
        continue;
      }
      const customId = request.custom_id;
      const body = request.body as Record<string, unknown> | undefined;
      if (typeof customId !== 'string' || !customId)
        problem('missing_required_parameter', '`custom_id` must be a non-empty string.', 'custom_id');
      else if (seen.has(customId)) problem('duplicate_custom_id', `the custom_id \`${customId}\` is used more than once.`, 'custom_id');
      if (request.method !== 'POST') problem('invalid_value', '`method` must be "POST".', 'method');
      if (request.url !== batch.endpoint) problem('invalid_value', `\`url\` must be "${batch.endpoint}", the batch's endpoint.`, 'url');
      if (!body || typeof body !== 'object' || Array.isArray(body))
        problem('missing_required_parameter', '`body` must be an object.', 'body');
      else if (typeof body.model !== 'string' || !body.model)
        problem('missing_required_parameter', '`body.model` is required.', 'body.model');
      else if (!Array.isArray(body.messages) || body.messages.length === 0)
        problem('missing_required_parameter', '`body.messages` must be a non-empty array.', 'body.messages');
      if (typeof customId === 'string') seen.add(customId);
      if (errors.length === 0) outcomes.push(this.run(String(customId), body!));
    }
    if (lineNumber === 0 || (errors.length === 0 && outcomes.length === 0))
      errors.push({ code: 'empty_file', message: 'The input file has no requests.', param: null, line: null });
    if (batch.status !== 'validating') return; // cancelled meanwhile
    if (errors.length) {
      batch.errors = errors;
      batch.status = 'failed';
      batch.stamps.failed_at = nowSeconds();
      return;
    }
    batch.outcomes = outcomes;
    batch.status = 'in_progress';
    batch.stamps.in_progress_at = nowSeconds();
    batch.progressStartMs = Date.now();
    batch.timer = this.store.later(this.store.timing.inProgressMs, () => this.finalize(batch));
  }

  /** Ends a batch's in_progress phase now (tests that hold a batch running, then let it go); false otherwise. */
  finishNow(batch: StoredBatch): boolean {
    if (batch.status !== 'in_progress') return false;
    this.store.cancelTimer(batch.timer);
    this.finalize(batch);
    return true;
  }

  private finalize(batch: StoredBatch): void {
    batch.status = 'finalizing';
    batch.stamps.finalizing_at = nowSeconds();
    batch.timer = this.store.later(this.store.timing.finalizingMs, async () => {
      batch.frozen = batch.outcomes.length;
      await this.writeResults(batch);
      batch.status = 'completed';
      batch.stamps.completed_at = nowSeconds();
    });
  }

  /** One request's result line, in the documented output-object shape. */
  private run(customId: string, body: Record<string, unknown>): Outcome {
    const id = `batch-req-${hashOf([customId, body], 24)}`;
    const requestId = `req-${hashOf([body, customId], 16)}`;
    const refused = checkChatBody(body, this.store.undocumentedModelIds());
    if (refused) {
      return {
        customId,
        ok: false,
        record: {
          id,
          custom_id: customId,
          response: { status_code: refused.status, request_id: requestId, body: refused.body },
          error: null,
        },
      };
    }
    if (mentionsFailTrigger(body)) {
      const error = { code: 'server_error', message: 'The model failed while processing this request (emulated by [[fail]]).' };
      return { customId, ok: false, record: { id, custom_id: customId, response: null, error } };
    }
    const onceKey = hashOf([customId, body]);
    if (mentionsFailTrigger(body, FAIL_ONCE_TRIGGER) && !this.failedOnce.has(onceKey)) {
      this.failedOnce.add(onceKey);
      const error = { code: 'server_error', message: 'The model failed on the first attempt (emulated by [[fail-once]]).' };
      return { customId, ok: false, record: { id, custom_id: customId, response: null, error } };
    }
    return {
      customId,
      ok: true,
      record: {
        id,
        custom_id: customId,
        response: { status_code: 200, request_id: requestId, body: completionFor(body, nowSeconds()) },
        error: null,
      },
    };
  }

  /** Writes results of the processed requests, shuffled deterministically (not in input order). */
  private async writeResults(batch: StoredBatch): Promise<void> {
    const done = batch.outcomes.slice(0, batch.frozen ?? 0).sort((a, b) => (hashOf(a.customId, 8) < hashOf(b.customId, 8) ? -1 : 1));
    const write = async (outcomes: Outcome[], kind: 'output' | 'error') => {
      if (outcomes.length === 0) return null;
      const content = outcomes.map((o) => JSON.stringify(o.record) + '\n').join('');
      const file = await this.store.writeFile(`batch_${batch.id}_${kind}.jsonl`, 'batch_output', content);
      return file.id;
    };
    batch.outputFileId = await write(
      done.filter((o) => o.ok),
      'output',
    );
    batch.errorFileId = await write(
      done.filter((o) => !o.ok),
      'error',
    );
  }

  /** The batch object. `stringTimes` renders timestamps as numeric strings, as the docs show for retrieve and list. */
  json(batch: StoredBatch, stringTimes: boolean): Record<string, unknown> {
    const time = (value: number | undefined | null) => (value == null ? null : stringTimes ? String(value) : value);
    const processed = this.processed(batch);
    const failed = batch.outcomes.slice(0, processed).filter((o) => !o.ok).length;
    const started = batch.status !== 'validating' && batch.status !== 'failed';
    return {
      id: batch.id,
      object: 'batch',
      endpoint: batch.endpoint,
      errors: batch.errors ? { object: 'list', data: batch.errors } : null,
      input_file_id: batch.inputFileId,
      completion_window: batch.completionWindow,
      status: batch.status,
      output_file_id: batch.outputFileId,
      error_file_id: batch.errorFileId,
      created_at: time(batch.createdAt),
      in_progress_at: time(batch.stamps.in_progress_at),
      expires_at: time(batch.expiresAt),
      finalizing_at: time(batch.stamps.finalizing_at),
      completed_at: time(batch.stamps.completed_at),
      failed_at: time(batch.stamps.failed_at),
      expired_at: time(batch.stamps.expired_at),
      cancelling_at: time(batch.stamps.cancelling_at),
      cancelled_at: time(batch.stamps.cancelled_at),
      request_counts: { total: started ? batch.outcomes.length : 0, completed: processed - failed, failed },
      metadata: batch.metadata,
    };
  }
}

export function batchCreateError(message: string, param: string) {
  return errorBody(message, 'invalid_request_error', 'invalid_value', param);
}
