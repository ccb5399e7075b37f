// The chat's conversation history in a real VS Code: Open in Chat on a conversation asks (Open New keeps it in
// the history, Replace offers Undo, Cancel keeps it on screen), Clear and closing the panel keep it too, and a
// switch through Show Chat History brings it back. Observed through kluster.chat.snapshot.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import type { ChatSnapshot } from '../../../src/chat/chatPanel';
import type { OpenInChatChoice, OpenInChatOutcome } from '../../../src/chat/commands';
import type { ChatHistoryOutcome } from '../../../src/chat/historyPick';
import type { ChatState } from '../../../src/chat/protocol';
import { MODEL, useEmulator, waitFor, writeWorkspaceFile } from '../batchesFixture';

const snapshot = async (): Promise<ChatSnapshot | undefined> => vscode.commands.executeCommand<ChatSnapshot>(Commands.chatSnapshot);
const historyIds = (snap: ChatSnapshot | undefined) => snap?.history.map((e) => e.id) ?? [];

/** Sends `text` and waits for the reply; resolves with the state once the reply is in. */
async function converse(text: string): Promise<ChatState> {
  await vscode.commands.executeCommand(Commands.chatSendSelection, text);
  return waitFor(`the reply to "${text}"`, async () => {
    const state = (await snapshot())?.state;
    const [asked, reply] = state?.turns.slice(-2) ?? [];
    return asked?.text === text && reply?.role === 'assistant' && reply.status === 'done' ? state : undefined;
  });
}

/** Waits until the panel shows conversation `id` (the webview reported it). */
const showing = (id: string | undefined) =>
  waitFor(`conversation ${id} on screen`, async () => {
    const snap = await snapshot();
    return snap?.ready && snap.state.conversationId === id ? snap : undefined;
  });

describe('Chat history: Open New, Clear and closing keep a conversation to switch back to', function () {
  this.timeout(120_000);
  let session: Awaited<ReturnType<typeof useEmulator>>;
  let requestFile: vscode.Uri;
  const openInChat = (choice: OpenInChatChoice) =>
    vscode.commands.executeCommand<OpenInChatOutcome>(Commands.openInChat, requestFile, 0, { choice });
  const switchTo = (id: string | undefined) => vscode.commands.executeCommand<ChatHistoryOutcome>(Commands.chatHistory, id);

  before(async () => {
    session = await useEmulator();
    const line = JSON.stringify({
      custom_id: 'hist-1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: MODEL, messages: [{ role: 'user', content: 'Opened from the file' }] },
    });
    requestFile = await writeWorkspaceFile('chat/history.jsonl', [line]);
    await vscode.commands.executeCommand(Commands.openChat);
    await waitFor('the chat webview to be ready', async () => (await snapshot())?.ready, 60_000);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.dispose();
  });

  it('asks when the chat holds a conversation: Cancel keeps it, Open New puts it in the history, Replace does not', async () => {
    const first = await converse('The first conversation');
    assert.ok(first.conversationId, 'the webview gives every conversation an id');

    assert.deepStrictEqual(await openInChat('Cancel'), { status: 'cancelled' });
    assert.deepStrictEqual((await snapshot())?.state.turns, first.turns, 'Cancel kept the conversation');

    const opened = await openInChat('Open New');
    assert.deepStrictEqual(opened, { status: 'loaded', customId: 'hist-1', ignored: [], previous: 'inHistory' });
    const loaded = await waitFor('the request in a new conversation', async () => {
      const snap = await snapshot();
      return snap?.state.draft === 'Opened from the file' && snap.history[0]?.id === first.conversationId ? snap : undefined;
    });
    assert.deepStrictEqual(loaded.state.turns, []);
    assert.notStrictEqual(loaded.state.conversationId, first.conversationId);
    assert.deepStrictEqual(loaded.history[0]!.state.turns, first.turns, 'the earlier conversation is kept whole');

    const second = await converse('Opened from the file');
    const replaced = await openInChat('Replace');
    assert.strictEqual(replaced?.status === 'loaded' && replaced.previous, 'replaced');
    const after = await waitFor('the request in place of the second conversation', async () => {
      const snap = await snapshot();
      return snap?.state.turns.length === 0 && snap.state.draft === 'Opened from the file' ? snap : undefined;
    });
    assert.ok(!historyIds(after).includes(second.conversationId!), 'Replace does not keep it (Undo in the panel does)');
    assert.strictEqual(historyIds(after).filter((id) => id === first.conversationId).length, 1);
  });

  it('switches back to a conversation of the history; the one on screen takes its place there', async () => {
    const third = await converse('The third conversation');
    const earlier = (await snapshot())!.history[0]!;
    assert.deepStrictEqual(await switchTo(earlier.id), { status: 'switched', conversationId: earlier.id });
    const back = await showing(earlier.id);
    assert.deepStrictEqual(back.state.turns, earlier.state.turns);
    const swapped = await waitFor('the third conversation in the history', async () => {
      const snap = await snapshot();
      return snap?.history[0]?.id === third.conversationId ? snap : undefined;
    });
    assert.ok(!historyIds(swapped).includes(earlier.id), 'the conversation on screen is not also in the history');
    assert.deepStrictEqual(swapped.history[0]!.state.turns, third.turns);
    const gone = await switchTo('c-not-there');
    assert.deepStrictEqual(gone, { status: 'failed', message: 'That conversation is no longer in the chat history.' });
  });

  it('keeps a cleared conversation in the history, and switching back restores it', async () => {
    const cleared = await converse('Clear me, then bring me back');
    await vscode.commands.executeCommand(Commands.chatClear);
    const empty = await waitFor('the clear, with the conversation in the history', async () => {
      const snap = await snapshot();
      return snap?.state.turns.length === 0 && snap.history[0]?.id === cleared.conversationId ? snap : undefined;
    });
    assert.notStrictEqual(empty.state.conversationId, cleared.conversationId, 'Clear starts a new conversation');
    await switchTo(cleared.conversationId);
    const restored = await showing(cleared.conversationId);
    assert.deepStrictEqual(restored.state.turns, cleared.turns);
    assert.deepStrictEqual(restored.state.settings, cleared.settings);
  });

  it('keeps the history, and the conversation on screen, when the panel is closed and opened again', async () => {
    const open = await converse('Still here after closing the tab');
    const kept = historyIds(await snapshot());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the panel to close', async () => (await snapshot()) === undefined);
    await vscode.commands.executeCommand(Commands.openChat);
    const reopened = await waitFor('the reopened panel with the closed conversation in its history', async () => {
      const snap = await snapshot();
      return snap?.ready && snap.history[0]?.id === open.conversationId ? snap : undefined;
    });
    assert.deepStrictEqual(reopened.state.turns, [], 'a new panel starts a new conversation');
    assert.deepStrictEqual(historyIds(reopened).slice(1), kept.slice(0, 19), 'the earlier ones are all still there');
    await switchTo(open.conversationId);
    assert.deepStrictEqual((await showing(open.conversationId)).state.turns, open.turns);
  });
});
