import * as assert from 'assert';
import {
  addToHistory,
  conversationTitle,
  HISTORY_LIMIT,
  historyDescription,
  removeFromHistory,
  worthKeeping,
  type HistoryEntry,
} from '../../../src/core/chat/history';

interface Kept {
  conversationId: string;
  turns: { id: string; role: 'user' | 'assistant'; text: string; imageUrl?: string; pending?: { batch: string } }[];
  draft: string;
}
const conversation = (id: string, ...texts: string[]): Kept => ({
  conversationId: id,
  turns: texts.map((text, i) => ({ id: `${id}-${i}`, role: i % 2 ? 'assistant' : 'user', text })),
  draft: '',
});
const entry = (id: string, keptAt = 0, state = conversation(id, `question ${id}`)): HistoryEntry<Kept> => ({ id, keptAt, state });
const ids = (entries: readonly HistoryEntry<Kept>[]) => entries.map((e) => e.id);

describe('Chat history', () => {
  it('puts the newest first and keeps the last 20, dropping the oldest', () => {
    let entries: HistoryEntry<Kept>[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 3; i++) entries = addToHistory(entries, entry(`c${i}`, i));
    assert.strictEqual(HISTORY_LIMIT, 20);
    assert.strictEqual(entries.length, 20);
    assert.deepStrictEqual(ids(entries).slice(0, 3), ['c22', 'c21', 'c20']);
    assert.strictEqual(entries.at(-1)!.id, 'c3', 'c0, c1 and c2 are gone');
    assert.deepStrictEqual(ids(addToHistory([entry('a'), entry('b')], entry('c'), 2)), ['c', 'a']);
  });

  it('keeps one copy of a conversation, the newest, moved to the front', () => {
    const older = entry('a', 1, conversation('a', 'first'));
    const newer = entry('a', 5, conversation('a', 'first', 'reply', 'second'));
    const entries = addToHistory([entry('b', 3), older, entry('c', 2)], newer);
    assert.deepStrictEqual(ids(entries), ['a', 'b', 'c']);
    assert.strictEqual(entries[0], newer);
    assert.deepStrictEqual(ids(removeFromHistory(entries, 'b')), ['a', 'c']);
    assert.deepStrictEqual(ids(removeFromHistory(entries, 'nope')), ['a', 'b', 'c']);
  });

  it('keeps a conversation whole: fields it does not know stay as they were', () => {
    const state = conversation('p', 'ask later');
    state.turns[0]!.pending = { batch: 'batch_1' };
    const [kept] = addToHistory([], entry('p', 0, state));
    assert.strictEqual(kept!.state, state);
    assert.deepStrictEqual(kept!.state.turns[0]!.pending, { batch: 'batch_1' });
  });

  it('is worth keeping with turns or a typed draft, not when empty', () => {
    assert.strictEqual(worthKeeping(conversation('a', 'hi')), true);
    assert.strictEqual(worthKeeping({ ...conversation('b'), draft: 'half a thought' }), true);
    assert.strictEqual(worthKeeping({ ...conversation('c'), draft: '  \n' }), false);
  });

  it('titles a conversation by its first user message on one line, cut at a word', () => {
    assert.strictEqual(conversationTitle(conversation('a', 'Summarize\n  this   file', 'Sure')), 'Summarize this file');
    const long = 'Explain how the batch API joins each output line back to its request by custom_id, please';
    const title = conversationTitle(conversation('b', long));
    assert.strictEqual(title, 'Explain how the batch API joins each output line back to…');
    assert.ok(title.length <= 61, title);
    assert.strictEqual(conversationTitle(conversation('c', 'x'.repeat(80))), `${'x'.repeat(60)}…`, 'no space to cut at');
    const afterAssistant = {
      conversationId: 'd',
      draft: '',
      turns: [
        { role: 'assistant', text: 'Hello' },
        { role: 'user', text: 'Mine' },
      ],
    };
    assert.strictEqual(conversationTitle(afterAssistant), 'Mine');
    assert.strictEqual(conversationTitle({ ...conversation('e'), draft: 'Only a draft' }), 'Only a draft');
    assert.strictEqual(
      conversationTitle({ conversationId: 'f', draft: '', turns: [{ role: 'user', text: '', imageUrl: 'https://x/y.png' }] }),
      'Image',
    );
    assert.strictEqual(conversationTitle(conversation('g')), 'Untitled conversation');
  });

  it('describes an entry by its message count and how long ago it was put aside', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    assert.strictEqual(
      historyDescription(entry('a', now - 5 * 60_000, conversation('a', 'q', 'r', 'q2', 'r2')), now),
      '4 messages · 5m ago',
    );
    assert.strictEqual(historyDescription(entry('b', now - 2_000, conversation('b', 'q')), now), '1 message · just now');
    assert.strictEqual(historyDescription(entry('c', now - 3 * 86_400_000, { ...conversation('c'), draft: 'd' }), now), 'draft · 3d ago');
  });
});
