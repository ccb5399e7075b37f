// The one message protocol of the results grid, imported by the extension host and by the grid's webview
// bundle (src/resultsView/). No `vscode` import. The webview posts `ready`; the host answers `init`, then
// rows go over in pages the webview asks for.
import { COLUMNS, type ColumnId, type RowQuery } from '../core/results/query';
import { ROW_STATUSES, type ResultRow } from '../core/results/rows';
import type { ResultsSummary } from '../core/results/summary';

export const RESULTS_VIEW_TYPE = 'kluster.results';
/** The same grid offered on Reopen With… for any JSONL (the service's raw output and error files). */
export const RAW_RESULTS_VIEW_TYPE = 'kluster.resultsRaw';

/** Rows per page the webview asks for. */
export const PAGE_ROWS = 200;

/** Everything the grid restores after hiding or a reload. */
export interface GridState {
  readonly version: 1;
  query: RowQuery;
  /** Column widths in CSS pixels, as the user dragged them. */
  widths: Partial<Record<ColumnId, number>>;
  /** Position of the focused row in the current view. */
  focused: number;
  /** ResultRow.index of the row whose details are open, if any. */
  detail: number | null;
  scrollTop: number;
}

export interface RequestDetail {
  readonly messages: readonly { readonly role: string; readonly text: string }[];
  /** The body's other fields (temperature, max_completion_tokens…), as JSON text. */
  readonly params: string;
}

/** A row read whole from disk for the details pane. */
export interface RowDetail {
  readonly index: number;
  readonly request: RequestDetail | null;
  /** Why the request is not shown (input unknown or edited since). */
  readonly requestNote?: string;
  readonly reply: string | null;
  /** The service's error (or the failed response's body), pretty-printed JSON. */
  readonly errorBody: string | null;
}

export type RowAction = 'openInput' | 'openInChat' | 'copyReply';

// ---- host -> webview

export type HostMessage =
  | {
      readonly type: 'init';
      readonly file: string;
      readonly state: GridState | null;
      /** Whether rows carry their request (the input file was found). */
      readonly inputKnown: boolean;
      readonly notice?: string;
    }
  /** Indexing moved on (or finished): how many rows so far, and their summary. */
  | {
      readonly type: 'progress';
      readonly indexed: number;
      readonly complete: boolean;
      readonly summary: ResultsSummary;
      readonly columns: readonly ColumnId[];
      readonly notice?: string;
    }
  /** The rows a query shows: `viewId` names it in later page requests. */
  | {
      readonly type: 'view';
      readonly viewId: number;
      readonly count: number;
      /** The `seq` of the query it answers. */ readonly seq?: number;
    }
  | { readonly type: 'rows'; readonly viewId: number; readonly start: number; readonly rows: readonly ResultRow[] }
  | { readonly type: 'detail'; readonly row: ResultRow; readonly detail: RowDetail }
  /** The file changed on disk and is read again: pages cached so far are stale. */
  | { readonly type: 'reset'; readonly notice?: string }
  /** Automation and tests: apply this query as if typed. */
  | {
      readonly type: 'setQuery';
      readonly query: RowQuery;
      /** Then focus (and expand) this row of the new view. */ readonly focus?: { readonly position: number; readonly expand: boolean };
    };

// ---- webview -> host

/** What the grid shows now, reported after each render (for tests and automation). */
export interface RenderReport {
  readonly viewId: number;
  readonly count: number;
  /** Position in the view of the first row in the DOM. */
  readonly first: number;
  readonly rowsInDom: number;
  /** custom_ids of the rows in the DOM, in order (null for a row without one, or a page not arrived yet). */
  readonly customIds: readonly (string | null)[];
  readonly detail: number | null;
}

export type WebviewMessage =
  | { readonly type: 'ready'; readonly state: GridState | null }
  /** The host answers with a `view` of its own numbering. */
  | { readonly type: 'query'; readonly query: RowQuery; readonly seq: number }
  | { readonly type: 'page'; readonly viewId: number; readonly start: number }
  | { readonly type: 'expand'; readonly index: number }
  | { readonly type: 'action'; readonly action: RowAction; readonly index: number }
  | { readonly type: 'exportCsv'; readonly columns: readonly ColumnId[] }
  | { readonly type: 'refresh' }
  /** Retry Failed Requests of this file (the host asks before it writes or submits anything). */
  | { readonly type: 'retryFailed' }
  | { readonly type: 'state'; readonly state: GridState }
  | { readonly type: 'rendered'; readonly report: RenderReport }
  | { readonly type: 'openLink'; readonly href: string };

type Of<U, T> = Extract<U, { type: T }>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isIndex = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isOptional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);
const isStringList = (value: unknown) => Array.isArray(value) && value.every(isString);
const isColumn = (value: unknown): value is ColumnId => (COLUMNS as readonly unknown[]).includes(value);

export function isRowQuery(value: unknown): value is RowQuery {
  if (!isObject(value)) return false;
  const sort = value.sort;
  return (
    isOptional(value.statuses, (s) => Array.isArray(s) && s.every((x) => (ROW_STATUSES as readonly unknown[]).includes(x))) &&
    isOptional(value.models, isStringList) &&
    isOptional(value.finishReasons, isStringList) &&
    isOptional(value.text, isString) &&
    isOptional(sort, (s) => isObject(s) && isColumn(s.column) && typeof s.descending === 'boolean')
  );
}

export function isGridState(value: unknown): value is GridState {
  if (!isObject(value) || value.version !== 1) return false;
  const widths = value.widths;
  return (
    isRowQuery(value.query) &&
    isObject(widths) &&
    Object.entries(widths).every(([k, w]) => isColumn(k) && typeof w === 'number' && Number.isFinite(w) && w > 0) &&
    isIndex(value.focused) &&
    (value.detail === null || isIndex(value.detail)) &&
    typeof value.scrollTop === 'number' &&
    Number.isFinite(value.scrollTop)
  );
}

function isRenderReport(value: unknown): value is RenderReport {
  return (
    isObject(value) &&
    isIndex(value.viewId) &&
    isIndex(value.count) &&
    isIndex(value.first) &&
    isIndex(value.rowsInDom) &&
    Array.isArray(value.customIds) &&
    value.customIds.every((id) => id === null || isString(id)) &&
    (value.detail === null || isIndex(value.detail))
  );
}

/**
 * Checks what the webview posted before the host acts on it: the webview renders untrusted model output, so
 * its messages are input like any other.
 */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isObject(value) || !isString(value.type)) return false;
  switch (value.type) {
    case 'ready':
      return value.state === null || isGridState(value.state);
    case 'query':
      return isRowQuery(value.query) && isIndex(value.seq);
    case 'page':
      return isIndex(value.viewId) && isIndex(value.start);
    case 'expand':
      return isIndex(value.index);
    case 'action':
      return (value.action === 'openInput' || value.action === 'openInChat' || value.action === 'copyReply') && isIndex(value.index);
    case 'exportCsv':
      return Array.isArray(value.columns) && value.columns.length > 0 && value.columns.every(isColumn);
    case 'refresh':
    case 'retryFailed':
      return true;
    case 'state':
      return isGridState(value.state);
    case 'rendered':
      return isRenderReport(value.report);
    case 'openLink':
      return isString(value.href);
    default:
      return false;
  }
}

/** Checks what the webview receives; a malformed message is ignored rather than half-applied. */
export function isHostMessage<T extends HostMessage['type'] = HostMessage['type']>(value: unknown, type?: T): value is Of<HostMessage, T> {
  if (!isObject(value) || !isString(value.type) || (type !== undefined && value.type !== type)) return false;
  switch (value.type) {
    case 'init':
      return (
        isString(value.file) &&
        (value.state === null || isGridState(value.state)) &&
        typeof value.inputKnown === 'boolean' &&
        isOptional(value.notice, isString)
      );
    case 'progress':
      return (
        isIndex(value.indexed) &&
        typeof value.complete === 'boolean' &&
        isObject(value.summary) &&
        Array.isArray(value.columns) &&
        value.columns.every(isColumn) &&
        isOptional(value.notice, isString)
      );
    case 'view':
      return isIndex(value.viewId) && isIndex(value.count) && isOptional(value.seq, isIndex);
    case 'rows':
      return (
        isIndex(value.viewId) &&
        isIndex(value.start) &&
        Array.isArray(value.rows) &&
        value.rows.every((r) => isObject(r) && isIndex(r.index))
      );
    case 'detail':
      return isObject(value.row) && isIndex(value.row.index) && isObject(value.detail) && value.detail.index === value.row.index;
    case 'reset':
      return isOptional(value.notice, isString);
    case 'setQuery':
      return isRowQuery(value.query) && isOptional(value.focus, (f) => isObject(f) && isIndex(f.position) && typeof f.expand === 'boolean');
    default:
      return false;
  }
}

export function emptyGridState(): GridState {
  return { version: 1, query: {}, widths: {}, focused: 0, detail: null, scrollTop: 0 };
}
