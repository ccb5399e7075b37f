// When the chat panel's state is written to workspace storage. Every write serializes the whole transcript,
// so a change to the conversation or settings is written at once, but a draft being typed is written only
// once typing pauses for a while (or the panel goes away). No `vscode` import: unit-tested in node.
import type { ChatState } from './protocol';

/** Typing pauses shorter than this are merged into one write of the draft. */
export const DRAFT_WRITE_DELAY_MS = 1500;

export class StateWriter {
  private pending: ChatState | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: (state: ChatState) => PromiseLike<void>,
    private readonly draftDelayMs = DRAFT_WRITE_DELAY_MS,
  ) {}

  /** A new state from the webview; `draftOnly` when only the draft (text or image URL) changed. */
  async update(state: ChatState, draftOnly: boolean): Promise<void> {
    this.pending = state;
    clearTimeout(this.timer);
    if (draftOnly) this.timer = setTimeout(() => void this.flush(), this.draftDelayMs);
    else await this.flush();
  }

  /** Writes a state still waiting, if any. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const state = this.pending;
    this.pending = undefined;
    if (state) await this.write(state);
  }
}
