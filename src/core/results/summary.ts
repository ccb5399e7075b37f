// What a results file amounts to: counts by status and by model, tokens by model, finish reasons. The grid's
// header draws it as bars; `kluster results summary` prints it.
import { ROW_STATUSES, type ResultRow, type RowStatus } from './rows';

/** The model name rows without one are counted under. */
export const UNKNOWN_MODEL = '(unknown)';
/** The finish reason of rows that have none (failed, missing). */
export const NO_FINISH_REASON = '(none)';

export interface ModelSummary {
  readonly model: string;
  rows: number;
  succeeded: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
}

export interface ResultsSummary {
  total: number;
  byStatus: Record<RowStatus, number>;
  /** Most rows first, then by name. */
  byModel: ModelSummary[];
  /** Reason → rows, most first; succeeded rows only (a failed request has no finish reason). */
  finishReasons: { reason: string; rows: number }[];
  promptTokens: number;
  completionTokens: number;
}

const byCountThenName =
  <T>(count: (t: T) => number, name: (t: T) => string) =>
  (a: T, b: T) =>
    count(b) - count(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);

/** A summary kept up to date row by row (the grid's header while a file is indexed), read at any time. */
export class SummaryTally {
  private readonly byStatus = Object.fromEntries(ROW_STATUSES.map((s) => [s, 0])) as Record<RowStatus, number>;
  private readonly models = new Map<string, ModelSummary>();
  private readonly reasons = new Map<string, number>();
  private total = 0;
  private promptTokens = 0;
  private completionTokens = 0;

  add(rows: Iterable<ResultRow>): void {
    for (const row of rows) {
      this.total++;
      this.byStatus[row.status]++;
      const name = row.model ?? UNKNOWN_MODEL;
      let model = this.models.get(name);
      if (!model) this.models.set(name, (model = { model: name, rows: 0, succeeded: 0, failed: 0, promptTokens: 0, completionTokens: 0 }));
      model.rows++;
      if (row.status === 'succeeded') model.succeeded++;
      if (row.status === 'failed') model.failed++;
      model.promptTokens += row.promptTokens ?? 0;
      model.completionTokens += row.completionTokens ?? 0;
      this.promptTokens += row.promptTokens ?? 0;
      this.completionTokens += row.completionTokens ?? 0;
      if (row.status === 'succeeded') {
        const reason = row.finishReason ?? NO_FINISH_REASON;
        this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
      }
    }
  }

  /** A copy of the counts so far: later rows do not change it. */
  summary(): ResultsSummary {
    return {
      total: this.total,
      byStatus: { ...this.byStatus },
      byModel: [...this.models.values()]
        .map((m) => ({ ...m }))
        .sort(
          byCountThenName(
            (m) => m.rows,
            (m) => m.model,
          ),
        ),
      finishReasons: [...this.reasons]
        .map(([reason, n]) => ({ reason, rows: n }))
        .sort(
          byCountThenName(
            (r) => r.rows,
            (r) => r.reason,
          ),
        ),
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
    };
  }
}

export function summarize(rows: Iterable<ResultRow>): ResultsSummary {
  const tally = new SummaryTally();
  tally.add(rows);
  return tally.summary();
}
