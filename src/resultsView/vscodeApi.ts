// The grid webview's side of VS Code's messaging; the only way out of the webview.
import type { GridState, WebviewMessage } from '../results/protocol';

export interface GridApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: GridState): void;
}

declare function acquireVsCodeApi(): GridApi;

/** May be called once per page, so it is called here only. */
export function gridApi(): GridApi {
  return acquireVsCodeApi();
}
