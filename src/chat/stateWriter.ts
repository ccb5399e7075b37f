// When the chat panel's state is written to workspace storage. Every write serializes the whole transcript,
// so a change to the conversation or settings is written at once, but a draft being typed is written at
// most once per interval: the first pause at once (a reload soon after still finds it), later ones merged
// into one write at the end of the interval. No `vscode` import: unit-tested in node.
import type { ChatState } from './protocol';

/** At most one draft-only write per this many ms. */
export const DRAFT_WRITE_INTERVAL_MS = 5000;

export class StateWriter {
  private pending: ChatState | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastDraftWrite = -Infinity;

  constructor(
    private readonly write: (state: ChatState) => PromiseLike<void>,
    private readonly draftIntervalMs = DRAFT_WRITE_INTERVAL_MS,
  ) {}

  /** A new state from the webview; `draftOnly` when only the draft (text or image URL) changed. */
  async update(state: ChatState, draftOnly: boolean): Promise<void> {
    this.pending = state;
    if (!draftOnly) return this.flush();
    if (this.timer !== undefined) return; // a write at the end of the interval will take this one
    const wait = this.lastDraftWrite + this.draftIntervalMs - Date.now();
    if (wait <= 0) {
      this.lastDraftWrite = Date.now();
      return this.flush();
    }
    this.timer = setTimeout(() => {
      this.lastDraftWrite = Date.now();
      void this.flush();
    }, wait);
  }

  /** Writes a state still waiting, if any (the panel is hidden or closed). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const state = this.pending;
    this.pending = undefined;
    if (state) await this.write(state);
  }
}
