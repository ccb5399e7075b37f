// The webview side of VS Code's messaging; the only way out of the webview.
import type { ChatState, WebviewMessage } from '../chat/protocol';

export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: ChatState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** May be called once per page, so it is called here only. */
export function vscodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}
