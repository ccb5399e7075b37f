import * as assert from 'assert';
import { emptyState, type ChatState } from '../../../src/chat/protocol';
import { StateWriter } from '../../../src/chat/stateWriter';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const withDraft = (draft: string, turns = 0): ChatState => ({ ...emptyState('m'), draft, turns: Array.from({ length: turns }, (_, i) => ({ id: `t${i}`, role: 'user' as const, text: `q${i}` })) });

describe('Chat state writes to workspace storage', () => {
  function writer(delayMs = 60) {
    const written: ChatState[] = [];
    return { written, writer: new StateWriter(async (state) => void written.push(state), delayMs) };
  }

  it('writes a conversation change at once', async () => {
    const { written, writer: w } = writer();
    await w.update(withDraft('', 2), false);
    assert.deepStrictEqual(written.map((s) => s.turns.length), [2]);
  });

  it('merges draft-only changes made in quick succession into one later write of the last draft', async () => {
    const { written, writer: w } = writer();
    for (const draft of ['h', 'he', 'hel', 'hello']) {
      await w.update(withDraft(draft, 1), true);
      await sleep(15);
    }
    assert.strictEqual(written.length, 0, 'nothing written while typing');
    await sleep(120);
    assert.deepStrictEqual(written.map((s) => s.draft), ['hello']);
  });

  it('a conversation change writes the pending draft with it, once', async () => {
    const { written, writer: w } = writer();
    await w.update(withDraft('typing', 1), true);
    await w.update(withDraft('', 2), false);
    await sleep(120);
    assert.deepStrictEqual(written.map((s) => [s.draft, s.turns.length]), [['', 2]]);
  });

  it('flush writes a waiting draft now (the panel is hidden or closed), and nothing when none waits', async () => {
    const { written, writer: w } = writer(10_000);
    await w.update(withDraft('unsent', 1), true);
    await w.flush();
    await w.flush();
    assert.deepStrictEqual(written.map((s) => s.draft), ['unsent']);
  });
});
