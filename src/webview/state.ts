// Saving the panel's state: webview setState (restored by VS Code after hiding and by the panel serializer
// after a reload), and a copy to the extension for commands such as Save as Batch Request.
import { emptyState, isChatState, type ChatState } from '../chat/protocol';
import type { VsCodeApi } from './vscodeApi';

/** The state saved before hiding or a reload, or a new one. */
export function restoredState(api: VsCodeApi): ChatState {
  const saved = api.getState();
  return isChatState(saved) ? saved : emptyState();
}

export class StateSaver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hostTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether every change since the last message to the extension was to the draft only. */
  private hostDraftOnly = false;

  constructor(
    private readonly api: VsCodeApi,
    /** Builds the state to save; may join a streaming reply's text, so it is not called per chunk. */
    private readonly snapshot: () => ChatState,
  ) {}

  /** Saves within `delayMs`; calls in between are merged. */
  saveSoon(delayMs: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.saveNow(), delayMs);
  }

  saveNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.api.setState(this.stamped());
  }

  private stamped(): ChatState {
    const state = this.snapshot();
    state.savedAt = Date.now();
    return state;
  }

  /**
   * Saves, and tells the extension the new state shortly (typing is merged into one message). `draftOnly`:
   * only the draft changed; a message that also carries another change is not marked so.
   */
  changed(hostDelayMs = 200, draftOnly = false): void {
    this.saveNow();
    this.hostDraftOnly = (this.hostTimer === undefined || this.hostDraftOnly) && draftOnly;
    clearTimeout(this.hostTimer);
    this.hostTimer = setTimeout(() => {
      this.hostTimer = undefined;
      this.api.postMessage({ type: 'state', state: this.stamped(), draftOnly: this.hostDraftOnly });
    }, hostDelayMs);
  }
}
