// The comparison webview's side of VS Code's messaging; the only way out of the webview.
import type { ComparisonState, WebviewMessage } from '../comparison/protocol';

export interface ComparisonApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: ComparisonState): void;
}

declare function acquireVsCodeApi(): ComparisonApi;

/** May be called once per page, so it is called here only. */
export function comparisonApi(): ComparisonApi {
  return acquireVsCodeApi();
}
