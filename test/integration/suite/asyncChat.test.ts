// The chat panel's Send Async in a real VS Code against the emulator: the reply is asked for as an async request,
// waits in the transcript as a queued turn listed (marked async) in the Batches view, and fills in when its batch
// ends, even when the panel was closed and nothing watched the batch meanwhile.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import type { ChatSnapshot } from '../../../src/chat/chatPanel';
import type { ChatTurn } from '../../../src/chat/protocol';
import type { SendOutcome } from '../../../src/chat/commands';
import { FAIL_TRIGGER } from '../../../src/emulator';
import { batchItem, useEmulator, waitFor } from '../batchesFixture';

const TIMING = { validatingMs: 200, inProgressMs: 1500, finalizingMs: 200, cancellingMs: 200 };
const snapshot = async () => vscode.commands.executeCommand<ChatSnapshot | undefined>(Commands.chatSnapshot);

/** The last turn once it is the assistant's and `accept`s. */
const settled = (what: string, accept: (turn: ChatTurn) => boolean, timeoutMs = 30_000) =>
  waitFor(
    what,
    async () => {
      const snap = await snapshot();
      const turn = snap?.ready ? snap.state.turns.at(-1) : undefined;
      return turn?.role === 'assistant' && accept(turn) ? { snap: snap!, turn } : undefined;
    },
    timeoutMs,
    async () => (await snapshot())?.state.turns.at(-1),
  );

describe('Chat Send Async: the reply comes through a batch', function () {
  this.timeout(180_000);
  let session: Awaited<ReturnType<typeof useEmulator>>;
  const asyncChats = () =>
    session.emulator.state.requests.filter(
      (r) => r.path === '/v1/chat/completions' && (r.body as { metadata?: unknown } | undefined)?.metadata !== undefined,
    );

  const openChat = async () => {
    await vscode.commands.executeCommand(Commands.openChat);
    await waitFor('the chat webview to be ready', async () => (await snapshot())?.ready, 60_000);
  };

  before(async () => {
    session = await useEmulator({ timing: TIMING });
    await openChat();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand(Commands.chatClear);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.dispose();
  });

  it('an async chat request is answered after its batch completes and survives a reload', async () => {
    const sent = await vscode.commands.executeCommand<SendOutcome>(
      Commands.chatSendSelection,
      'What is six times seven? [[answer:Forty-two]]',
      { sendAsync: '1h' },
    );
    assert.deepStrictEqual(sent, { status: 'sent' });
    const { turn: queued } = await settled('the turn queued as a batch', (t) => t.status === 'queued' && t.async?.batchId !== undefined);
    const batchId = queued.async!.batchId!;
    assert.deepStrictEqual(queued.async, { batchId, window: '1h' });
    const request = asyncChats().at(-1)!.body as { metadata: unknown; messages: { role: string; content: unknown }[]; stream?: unknown };
    assert.deepStrictEqual(request.metadata, { '@kluster.ai': { async: true, completion_window: '1h' } });
    assert.deepStrictEqual(request.messages.at(-1), { role: 'user', content: 'What is six times seven? [[answer:Forty-two]]' });
    assert.notStrictEqual(request.stream, true, 'an async request does not stream');

    const item = await waitFor('the async batch in the Batches view', () => batchItem(batchId));
    assert.strictEqual(item.label, 'Chat: "What is six times seven? [[answer:Forty…" (async)');
    assert.match(item.description!, /^async · /);
    assert.strictEqual(item.command?.command, Commands.openChat, 'clicking it opens the chat');

    // What a reload does, as far as the harness can: the panel goes (its state persisted), nothing watches the
    // batch (no key: the poller stops and the Batches model is dropped), and the batch ends meanwhile.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the panel to be gone', async () => (await snapshot()) === undefined);
    await vscode.commands.executeCommand(Commands.clearApiKey);
    await waitFor('the batch to complete unwatched', () => session.emulator.state.batch(batchId)?.status === 'completed', 30_000);
    const batchGets = () => session.emulator.state.requests.filter((r) => r.path === `/v1/batches/${batchId}`).length;
    const getsBefore = batchGets();
    // Back as after a restart: the Batches model starts empty and the async requests are followed again from
    // workspaceState; the panel is created anew from the state it persisted (the path the reload serializer takes).
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, session.emulator.apiKey), { status: 'saved' });
    await openChat();
    const { snap, turn } = await settled('the reply filled in', (t) => t.status === 'done', 60_000);
    assert.ok(batchGets() > getsBefore, 'the batch was looked up again after the restart');
    assert.strictEqual(turn.id, queued.id, 'the same turn, filled in');
    assert.strictEqual(turn.text, 'Forty-two');
    assert.deepStrictEqual(turn.async, { batchId, window: '1h' });
    assert.ok(turn.usage && !turn.usage.estimated && turn.usage.completion > 0, JSON.stringify(turn.usage));
    assert.deepStrictEqual(
      snap.state.turns.map((t) => [t.role, t.text]),
      [
        ['user', 'What is six times seven? [[answer:Forty-two]]'],
        ['assistant', 'Forty-two'],
      ],
    );
    assert.strictEqual(asyncChats().length, 1, 'asked once');

    // The conversation goes on normally after it.
    await vscode.commands.executeCommand(Commands.chatSendSelection, 'And now streamed');
    const next = await settled('the streamed reply', (t) => t.status === 'done' && t.id !== queued.id);
    assert.strictEqual(next.turn.async, undefined);
  });

  it('a Send Async whose answer is cut off says the request may have been queued anyway', async () => {
    const batchesBefore = session.emulator.state.batches.list().length;
    // The service queues the batch, then the connection drops mid-answer.
    session.emulator.faults.next({ kind: 'drop', path: '/v1/chat/completions', method: 'POST' });
    await vscode.commands.executeCommand(Commands.chatSendSelection, 'Lost on the way back', { sendAsync: '1h' });
    const { turn } = await settled('the error on the turn', (t) => t.status === 'error');
    assert.strictEqual(session.emulator.state.batches.list().length, batchesBefore + 1, 'the service did queue it');
    assert.match(turn.error?.message ?? '', /broke: .* It may have been queued anyway: the Batches view shows its batch\.$/);
  });

  it('shows a failed request as an error on its turn; Retry asks again async, in the same window', async () => {
    await vscode.commands.executeCommand(Commands.chatSendSelection, `This one fails ${FAIL_TRIGGER}`, { sendAsync: '3h' });
    const { turn: queued } = await settled('the turn queued', (t) => t.status === 'queued' && t.async?.batchId !== undefined);
    const { turn: failed } = await settled('the error on the turn', (t) => t.status === 'error', 60_000);
    assert.strictEqual(failed.id, queued.id);
    assert.strictEqual(failed.error?.message, 'The request failed: The model failed while processing this request (emulated by [[fail]]).');
    assert.deepStrictEqual(failed.async, queued.async, 'still named after its batch');

    const before = asyncChats().length;
    await vscode.commands.executeCommand(Commands.chatRegenerate);
    const { turn: again } = await settled('queued again', (t) => t.status === 'queued' && t.async?.batchId !== undefined);
    assert.notStrictEqual(again.async!.batchId, queued.async!.batchId);
    assert.strictEqual(again.async!.window, '3h');
    assert.strictEqual(asyncChats().length, before + 1);
    const retried = asyncChats().at(-1)!.body as { metadata: unknown; messages: { content: unknown }[] };
    assert.deepStrictEqual(retried.metadata, { '@kluster.ai': { async: true, completion_window: '3h' } });
    assert.strictEqual(retried.messages.at(-1)!.content, `This one fails ${FAIL_TRIGGER}`, 'the same message asked again');
    await settled('the second attempt to end', (t) => t.id === again.id && t.status === 'error', 60_000);
  });

  it('refuses a completion window the docs do not list, sending nothing', async () => {
    const before = asyncChats().length;
    const outcome = await vscode.commands.executeCommand<SendOutcome>(Commands.chatSendSelection, 'hi', { sendAsync: '2d' });
    assert.deepStrictEqual(outcome, { status: 'failed', message: '"2d" is not a completion window: 1h, 3h, 6h, 12h, 24h.' });
    assert.strictEqual(asyncChats().length, before);
  });
});
