// The chat's conversation history: the last conversations put aside by Open New, Clear, a switch or closing
// the panel, newest first. A conversation is kept whole and untouched (whatever its turns carry); the list
// reads only its id, its turns' roles and texts and its draft. Pure: unit-tested, no `vscode`.
import { formatAge } from '../batches/displayText';

/** How many conversations the history keeps; the oldest goes first. */
export const HISTORY_LIMIT = 20;

/** What the history reads of a conversation; the rest of it is kept as it is. */
export interface HistoryConversation {
  readonly conversationId?: string;
  readonly turns: readonly { readonly role: string; readonly text: string; readonly imageUrl?: string }[];
  readonly draft: string;
}

export interface HistoryEntry<S extends HistoryConversation> {
  /** The conversation's id (its `conversationId`). */
  readonly id: string;
  /** When it was put aside (ms since the epoch). */
  readonly keptAt: number;
  readonly state: S;
}

/** Worth keeping: it has turns, or a draft someone typed. */
export function worthKeeping(conversation: HistoryConversation): boolean {
  return conversation.turns.length > 0 || conversation.draft.trim() !== '';
}

/** Puts `entry` first; an older copy of the same conversation goes, and so do those past `limit`. */
export function addToHistory<S extends HistoryConversation>(
  entries: readonly HistoryEntry<S>[],
  entry: HistoryEntry<S>,
  limit = HISTORY_LIMIT,
): HistoryEntry<S>[] {
  return [entry, ...entries.filter((e) => e.id !== entry.id)].slice(0, limit);
}

export function removeFromHistory<S extends HistoryConversation>(entries: readonly HistoryEntry<S>[], id: string): HistoryEntry<S>[] {
  return entries.filter((e) => e.id !== id);
}

const TITLE_LENGTH = 60;

/** The first user message (else the draft) on one line, cut at a word near 60 characters. */
export function conversationTitle(conversation: HistoryConversation): string {
  const first = conversation.turns.find((t) => t.role === 'user' && (t.text.trim() || t.imageUrl));
  const text = (first ? first.text : conversation.draft).replace(/\s+/g, ' ').trim();
  if (!text) return first?.imageUrl ? 'Image' : 'Untitled conversation';
  if (text.length <= TITLE_LENGTH) return text;
  const cut = text.slice(0, TITLE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** `4 messages · 5m ago`; a conversation with a draft only reads `draft · …`. */
export function historyDescription(entry: HistoryEntry<HistoryConversation>, nowMs = Date.now()): string {
  const count = entry.state.turns.length;
  const what = count === 0 ? 'draft' : `${count} message${count === 1 ? '' : 's'}`;
  return `${what} · ${formatAge(entry.keptAt / 1000, nowMs)}`;
}
