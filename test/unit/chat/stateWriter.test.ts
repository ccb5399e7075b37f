import * as assert from 'assert';
import { emptyState, type ChatState } from '../../../src/chat/protocol';
import { StateWriter } from '../../../src/chat/stateWriter';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const withDraft = (draft: string, turns = 0): ChatState => ({
  ...emptyState('m'),
  draft,
  turns: Array.from({ length: turns }, (_, i) => ({ id: `t${i}`, role: 'user' as const, text: `q${i}` })),
});

describe('Chat state writes to workspace storage', () => {
  function writer(delayMs = 60) {
    const written: ChatState[] = [];
    return { written, writer: new StateWriter(async (state) => void written.push(state), delayMs) };
  }

  it('writes a conversation change at once', async () => {
    const { written, writer: w } = writer();
    await w.update(withDraft('', 2), false);
    assert.deepStrictEqual(
      written.map((s) => s.turns.length),
      [2],
    );
  });

  it('writes the first draft pause at once, then merges the drafts of the interval into one write of the last', async () => {
    // An interval long enough that a loaded machine still types the four drafts inside it.
    const { written, writer: w } = writer(600);
    for (const draft of ['h', 'he', 'hel', 'hello']) {
      await w.update(withDraft(draft, 1), true);
      await sleep(10);
    }
    assert.deepStrictEqual(
      written.map((s) => s.draft),
      ['h'],
      'typing goes on: only the first pause so far',
    );
    await sleep(800);
    assert.deepStrictEqual(
      written.map((s) => s.draft),
      ['h', 'hello'],
    );
    await sleep(200);
    assert.strictEqual(written.length, 2, 'nothing more without a change');
  });

  it('a conversation change writes at once, taking a waiting draft with it', async () => {
    const { written, writer: w } = writer();
    await w.update(withDraft('t', 1), true);
    await w.update(withDraft('typing', 1), true);
    await w.update(withDraft('', 2), false);
    await sleep(120);
    assert.deepStrictEqual(
      written.map((s) => [s.draft, s.turns.length]),
      [
        ['t', 1],
        ['', 2],
      ],
    );
  });

  it('flush writes a waiting draft now (the panel is hidden or closed), and nothing when none waits', async () => {
    const { written, writer: w } = writer(10_000);
    await w.update(withDraft('first', 1), true);
    await w.update(withDraft('unsent', 1), true);
    await w.flush();
    await w.flush();
    assert.deepStrictEqual(
      written.map((s) => s.draft),
      ['first', 'unsent'],
    );
  });
});
