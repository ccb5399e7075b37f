// The one message protocol of the experiment comparison, imported by the extension host and by the webview
// bundle (src/comparisonView/). No `vscode` import. The webview posts `ready`; the host answers `init` and a
// `summary` after every scoring, then rows go over in pages the webview asks for.
import type { CellOutcome } from '../core/experiments/score';
import type { ComparisonColumn, ComparisonFilter } from '../core/experiments/compare';

export const COMPARISON_VIEW_TYPE = 'kluster.comparison';

/** One cell as the grid draws it. */
export interface CellView {
  readonly outcome: CellOutcome;
  readonly excerpt: string;
  /** The judge's mean score of the cell's llm-rubric assertions, if judged. */
  readonly score: number | null;
}

/** One test row with the cells of the columns the view shows, in the view's column order. */
export interface RowView {
  /** Position among all rows of the comparison (what `expand` names). */
  readonly index: number;
  /** The test's row in the dataset (1-based). */
  readonly row: number;
  readonly label: string;
  readonly cells: readonly CellView[];
}

export interface AssertionView {
  readonly origin: string;
  readonly type: string;
  readonly outcome: CellOutcome;
  readonly reason: string;
  readonly score?: number;
}

/** A cell read whole for the details pane. */
export interface CellDetail {
  readonly index: number;
  readonly column: number;
  readonly row: number;
  readonly title: string;
  readonly model: string;
  readonly outcome: CellOutcome;
  readonly messages: readonly { readonly role: string; readonly text: string }[];
  /** The provider's config (the request body's other parameters), as JSON text. */
  readonly params: string;
  readonly reply: string | null;
  /** Why there is no reply (a failed or missing request). */
  readonly reason: string | null;
  readonly assertions: readonly AssertionView[];
}

/** Everything the view restores after hiding or a reload. */
export interface ComparisonState {
  readonly version: 1;
  filter: ComparisonFilter;
  /** Position of the focused row in the current view, and the focused column among those shown. */
  focused: number;
  column: number;
  scrollTop: number;
}

export interface ComparisonSummary {
  readonly columns: readonly ComparisonColumn[];
  readonly rows: number;
  readonly unmatched: number;
  /** Some column has a price (kluster.pricing). */
  readonly priced: boolean;
  /** The experiment has llm-rubric assertions, so Judge Replies has something to do. */
  readonly judgeable: boolean;
}

// ---- host -> webview

export type HostMessage =
  | { readonly type: 'init'; readonly title: string; readonly state: ComparisonState | null }
  | { readonly type: 'summary'; readonly summary: ComparisonSummary; readonly notice?: string }
  | { readonly type: 'view'; readonly viewId: number; readonly count: number; readonly columns: readonly number[]; readonly seq?: number }
  | { readonly type: 'rows'; readonly viewId: number; readonly start: number; readonly rows: readonly RowView[] }
  | { readonly type: 'detail'; readonly detail: CellDetail }
  /** What the host is doing now (scoring, judging), or nothing. */
  | { readonly type: 'busy'; readonly text: string | null }
  /** Automation and tests: apply this filter as if chosen. */
  | { readonly type: 'setFilter'; readonly filter: ComparisonFilter };

// ---- webview -> host

/** What the view shows now, reported after each render (for tests and automation). */
export interface ComparisonReport {
  readonly viewId: number;
  readonly count: number;
  readonly first: number;
  readonly rowsInDom: number;
  /** Dataset rows of the rows in the DOM, in order (null: page not arrived yet). */
  readonly rows: readonly (number | null)[];
  /** Columns shown, by index. */
  readonly columns: readonly number[];
  /** The pass rates as the header's bars show them, in percent, per column shown. */
  readonly passRates: readonly string[];
  readonly judgeScores: readonly string[];
  /** Per row in the DOM (in `rows` order), the outcome mark of each of its cells as rendered. */
  readonly outcomes: readonly (readonly string[])[];
  readonly detail: { readonly index: number; readonly column: number } | null;
}

export type WebviewMessage =
  | { readonly type: 'ready'; readonly state: ComparisonState | null }
  | { readonly type: 'query'; readonly filter: ComparisonFilter; readonly seq: number }
  | { readonly type: 'page'; readonly viewId: number; readonly start: number }
  | { readonly type: 'expand'; readonly index: number; readonly column: number }
  | { readonly type: 'exportCsv' }
  | { readonly type: 'judge' }
  | { readonly type: 'retry' }
  | { readonly type: 'rescore' }
  | { readonly type: 'state'; readonly state: ComparisonState }
  | { readonly type: 'rendered'; readonly report: ComparisonReport }
  | { readonly type: 'openLink'; readonly href: string };

type Of<U, T> = Extract<U, { type: T }>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isIndex = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isOptional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);
const isIndexList = (value: unknown) => Array.isArray(value) && value.every(isIndex);
const isOutcome = (value: unknown): value is CellOutcome => value === 'pass' || value === 'fail' || value === 'error';
const isRate = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1;

export function isFilter(value: unknown): value is ComparisonFilter {
  if (!isObject(value)) return false;
  switch (value.kind) {
    case 'all':
    case 'failures':
    case 'disagreements':
      return true;
    case 'versus':
      return isIndex(value.a) && isIndex(value.b) && value.a !== value.b;
    default:
      return false;
  }
}

export function isComparisonState(value: unknown): value is ComparisonState {
  return (
    isObject(value) &&
    value.version === 1 &&
    isFilter(value.filter) &&
    isIndex(value.focused) &&
    isIndex(value.column) &&
    typeof value.scrollTop === 'number' &&
    Number.isFinite(value.scrollTop)
  );
}

function isReport(value: unknown): value is ComparisonReport {
  return (
    isObject(value) &&
    isIndex(value.viewId) &&
    isIndex(value.count) &&
    isIndex(value.first) &&
    isIndex(value.rowsInDom) &&
    Array.isArray(value.rows) &&
    value.rows.every((r) => r === null || isIndex(r)) &&
    isIndexList(value.columns) &&
    Array.isArray(value.passRates) &&
    value.passRates.every(isString) &&
    Array.isArray(value.judgeScores) &&
    value.judgeScores.every(isString) &&
    Array.isArray(value.outcomes) &&
    value.outcomes.every((o) => Array.isArray(o) && o.every(isString)) &&
    (value.detail === null || (isObject(value.detail) && isIndex(value.detail.index) && isIndex(value.detail.column)))
  );
}

/** Checks what the webview posted before the host acts on it: it renders untrusted model output. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isObject(value) || !isString(value.type)) return false;
  switch (value.type) {
    case 'ready':
      return value.state === null || isComparisonState(value.state);
    case 'query':
      return isFilter(value.filter) && isIndex(value.seq);
    case 'page':
      return isIndex(value.viewId) && isIndex(value.start);
    case 'expand':
      return isIndex(value.index) && isIndex(value.column);
    case 'exportCsv':
    case 'judge':
    case 'retry':
    case 'rescore':
      return true;
    case 'state':
      return isComparisonState(value.state);
    case 'rendered':
      return isReport(value.report);
    case 'openLink':
      return isString(value.href);
    default:
      return false;
  }
}

function isColumn(value: unknown): boolean {
  return (
    isObject(value) &&
    isIndex(value.index) &&
    isString(value.prompt) &&
    isString(value.provider) &&
    isString(value.model) &&
    isIndex(value.passed) &&
    isIndex(value.failed) &&
    isIndex(value.errors) &&
    isIndex(value.total) &&
    isRate(value.passRate) &&
    (value.judgeScore === null || isRate(value.judgeScore)) &&
    isIndex(value.promptTokens) &&
    isIndex(value.completionTokens) &&
    (value.cost === null || (typeof value.cost === 'number' && value.cost >= 0))
  );
}

function isRowView(value: unknown): value is RowView {
  return (
    isObject(value) &&
    isIndex(value.index) &&
    isIndex(value.row) &&
    isString(value.label) &&
    Array.isArray(value.cells) &&
    value.cells.every((c) => isObject(c) && isOutcome(c.outcome) && isString(c.excerpt) && (c.score === null || isRate(c.score)))
  );
}

function isDetail(value: unknown): value is CellDetail {
  return (
    isObject(value) &&
    isIndex(value.index) &&
    isIndex(value.column) &&
    isIndex(value.row) &&
    isString(value.title) &&
    isString(value.model) &&
    isOutcome(value.outcome) &&
    Array.isArray(value.messages) &&
    value.messages.every((m) => isObject(m) && isString(m.role) && isString(m.text)) &&
    isString(value.params) &&
    (value.reply === null || isString(value.reply)) &&
    (value.reason === null || isString(value.reason)) &&
    Array.isArray(value.assertions) &&
    value.assertions.every(
      (a) =>
        isObject(a) && isString(a.origin) && isString(a.type) && isOutcome(a.outcome) && isString(a.reason) && isOptional(a.score, isRate),
    )
  );
}

/** Checks what the webview receives; a malformed message is ignored rather than half-applied. */
export function isHostMessage<T extends HostMessage['type'] = HostMessage['type']>(value: unknown, type?: T): value is Of<HostMessage, T> {
  if (!isObject(value) || !isString(value.type) || (type !== undefined && value.type !== type)) return false;
  switch (value.type) {
    case 'init':
      return isString(value.title) && (value.state === null || isComparisonState(value.state));
    case 'summary': {
      const s = value.summary;
      return (
        isObject(s) &&
        Array.isArray(s.columns) &&
        s.columns.every(isColumn) &&
        isIndex(s.rows) &&
        isIndex(s.unmatched) &&
        typeof s.priced === 'boolean' &&
        typeof s.judgeable === 'boolean' &&
        isOptional(value.notice, isString)
      );
    }
    case 'view':
      return isIndex(value.viewId) && isIndex(value.count) && isIndexList(value.columns) && isOptional(value.seq, isIndex);
    case 'rows':
      return isIndex(value.viewId) && isIndex(value.start) && Array.isArray(value.rows) && value.rows.every(isRowView);
    case 'detail':
      return isDetail(value.detail);
    case 'busy':
      return value.text === null || isString(value.text);
    case 'setFilter':
      return isFilter(value.filter);
    default:
      return false;
  }
}

export function emptyComparisonState(): ComparisonState {
  return { version: 1, filter: { kind: 'all' }, focused: 0, column: 0, scrollTop: 0 };
}
