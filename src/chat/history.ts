// The chat's conversation history in workspace storage (the list logic is src/core/chat/history.ts). One
// conversation is on screen; the history holds the others, so it drops a conversation as soon as the panel
// reports showing it (a switch back, or Undo after Clear). No `vscode` import: unit-tested in node.
import { randomBytes } from 'crypto';
import { addToHistory, removeFromHistory, worthKeeping, type HistoryEntry } from '../core/chat/history';
import type { Storage, WorkspaceStorage } from '../storage';
import { isChatState, type ChatState } from './protocol';

export type ChatHistoryEntry = HistoryEntry<ChatState>;

const KEY = 'kluster.chat.history';

function isEntry(value: unknown): value is ChatHistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Partial<ChatHistoryEntry>;
  return typeof e.id === 'string' && typeof e.keptAt === 'number' && isChatState(e.state) && e.state.conversationId === e.id;
}

export class ChatHistory {
  private list: ChatHistoryEntry[];
  private readonly listeners = new Set<(entries: readonly ChatHistoryEntry[]) => void>();

  constructor(
    private readonly storage: Storage<WorkspaceStorage>,
    private readonly now: () => number = Date.now,
  ) {
    const stored = storage.get(KEY);
    // Written by any earlier version: what does not read as an entry is left out, the rest kept.
    this.list = Array.isArray(stored) ? stored.filter(isEntry) : [];
  }

  /** Newest first. */
  get entries(): readonly ChatHistoryEntry[] {
    return this.list;
  }

  find(id: string): ChatHistoryEntry | undefined {
    return this.list.find((e) => e.id === id);
  }

  /**
   * Keeps a conversation put aside, whole; an empty one is not kept. A reply still `streaming` in it is
   * `interrupted`: its stream ended when the panel left the conversation (as after a reload).
   */
  async keep(state: ChatState): Promise<void> {
    if (!worthKeeping(state)) return;
    const id = state.conversationId ?? `c-${randomBytes(6).toString('hex')}`;
    const turns = state.turns.map((t) => (t.status === 'streaming' ? { ...t, status: 'interrupted' as const } : t));
    await this.set(addToHistory(this.list, { id, keptAt: this.now(), state: { ...state, conversationId: id, turns } }));
  }

  /** The conversation is on screen again (or removed by the person): it leaves the history. */
  async forget(id: string | undefined): Promise<void> {
    if (id !== undefined && this.find(id)) await this.set(removeFromHistory(this.list, id));
  }

  onDidChange(listener: (entries: readonly ChatHistoryEntry[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private async set(list: ChatHistoryEntry[]): Promise<void> {
    this.list = list;
    for (const listener of this.listeners) listener(list);
    await this.storage.update(KEY, list);
  }
}
