import * as assert from 'assert';
import type * as vscode from 'vscode';
import { ChatHistory } from '../../../src/chat/history';
import { emptyState, type ChatState } from '../../../src/chat/protocol';
import { Storage, type WorkspaceStorage } from '../../../src/storage';

/** workspaceState as VS Code keeps it: values go through JSON. */
class JsonMemento {
  readonly values = new Map<string, string>();
  keys = () => [...this.values.keys()];
  get<T>(key: string): T | undefined {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
  }
}

const said = (id: string | undefined, text: string): ChatState => ({
  ...emptyState('m'),
  ...(id ? { conversationId: id } : {}),
  turns: [{ id: `${text}-u`, role: 'user', text }],
});

describe('Chat history in workspace storage', () => {
  const open = (memento: JsonMemento, now = () => 1000) =>
    new ChatHistory(new Storage<WorkspaceStorage>(memento as unknown as vscode.Memento), now);

  it('keeps conversations newest first across a restart, and leaves empty ones out', async () => {
    const memento = new JsonMemento();
    const history = open(memento);
    await history.keep(said('a', 'first'));
    await history.keep(emptyState('m'));
    await history.keep(said('b', 'second'));
    const again = open(memento);
    assert.deepStrictEqual(
      again.entries.map((e) => [e.id, e.state.turns[0]!.text]),
      [
        ['b', 'second'],
        ['a', 'first'],
      ],
    );
  });

  it('keeps a reply that was streaming as interrupted: its stream ended when the conversation was put aside', async () => {
    const history = open(new JsonMemento());
    const state = said('s', 'tell me');
    state.turns.push({ id: 'a1', role: 'assistant', text: 'half a rep', status: 'streaming' });
    await history.keep(state);
    assert.deepStrictEqual(
      history.entries[0]!.state.turns.map((t) => [t.text, t.status]),
      [
        ['tell me', undefined],
        ['half a rep', 'interrupted'],
      ],
    );
    assert.strictEqual(state.turns[1]!.status, 'streaming', 'the caller’s copy is left alone');
  });

  it('gives a conversation without an id one, in the entry and its state alike', async () => {
    const history = open(new JsonMemento());
    await history.keep(said(undefined, 'old version'));
    const [entry] = history.entries;
    assert.match(entry!.id, /^c-[0-9a-f]{12}$/);
    assert.strictEqual(entry!.state.conversationId, entry!.id);
  });

  it('forgets a conversation once it is on screen again, and tells listeners each change', async () => {
    const history = open(new JsonMemento());
    const counts: number[] = [];
    history.onDidChange((entries) => counts.push(entries.length));
    await history.keep(said('a', 'one'));
    await history.keep(said('b', 'two'));
    await history.forget('a');
    await history.forget('a');
    await history.forget(undefined);
    assert.deepStrictEqual(
      history.entries.map((e) => e.id),
      ['b'],
    );
    assert.deepStrictEqual(counts, [1, 2, 1], 'a forget of what is not there changes nothing');
  });

  it('keeps what a turn carries beyond the protocol, and drops stored entries that do not read as one', async () => {
    const memento = new JsonMemento();
    const pending = { ...said('p', 'later'), turns: [{ id: 'x', role: 'user' as const, text: 'later', pending: { batchId: 'batch_1' } }] };
    await open(memento).keep(pending as ChatState);
    const stored = memento.get<unknown[]>('kluster.chat.history')!;
    await memento.update('kluster.chat.history', [
      ...stored,
      { id: 'q', keptAt: 1 },
      'junk',
      { id: 'r', keptAt: 2, state: said('other', 'x') },
    ]);
    const history = open(memento);
    assert.deepStrictEqual(
      history.entries.map((e) => e.id),
      ['p'],
    );
    assert.deepStrictEqual((history.entries[0]!.state.turns[0] as unknown as { pending: unknown }).pending, { batchId: 'batch_1' });
  });
});
