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

export function summarize(rows: Iterable<ResultRow>): ResultsSummary {
  const byStatus = Object.fromEntries(ROW_STATUSES.map((s) => [s, 0])) as Record<RowStatus, number>;
  const models = new Map<string, ModelSummary>();
  const reasons = new Map<string, number>();
  let total = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  for (const row of rows) {
    total++;
    byStatus[row.status]++;
    const name = row.model ?? UNKNOWN_MODEL;
    let model = models.get(name);
    if (!model) models.set(name, (model = { model: name, rows: 0, succeeded: 0, failed: 0, promptTokens: 0, completionTokens: 0 }));
    model.rows++;
    if (row.status === 'succeeded') model.succeeded++;
    if (row.status === 'failed') model.failed++;
    model.promptTokens += row.promptTokens ?? 0;
    model.completionTokens += row.completionTokens ?? 0;
    promptTokens += row.promptTokens ?? 0;
    completionTokens += row.completionTokens ?? 0;
    if (row.status === 'succeeded') {
      const reason = row.finishReason ?? NO_FINISH_REASON;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  return {
    total,
    byStatus,
    byModel: [...models.values()].sort(
      byCountThenName(
        (m) => m.rows,
        (m) => m.model,
      ),
    ),
    finishReasons: [...reasons]
      .map(([reason, n]) => ({ reason, rows: n }))
      .sort(
        byCountThenName(
          (r) => r.rows,
          (r) => r.reason,
        ),
      ),
    promptTokens,
    completionTokens,
  };
}
