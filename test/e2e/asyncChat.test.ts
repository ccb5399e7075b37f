// A person sends a chat message async from the chat panel: picks the completion window, sees the turn queued as a
// batch (and the batch in the Batches view, marked async), reloads the window while it waits, and finds the reply
// filled in when the batch completes. Then deletes a pending one. The installed VSIX in code-server, Chromium,
// the emulator (its batches held in progress until the test lets them go, after the reload).
import * as assert from 'assert';
import * as fs from 'fs';
import type { FrameLocator } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator';
import { openWorkbench, type Workbench } from './workbench';

describe('E2E: chat Send Async', function () {
  this.timeout(300_000);
  let emulator: Emulator;
  let workbench: Workbench;
  let chat: FrameLocator;

  const asyncChats = () =>
    emulator.state.requests.filter((r) => r.path === '/v1/chat/completions' && (r.body as { metadata?: unknown })?.metadata);
  /** Types a message and sends it with Send Async… reached by the keyboard, picking `window` in the quick pick. */
  const sendAsync = async (text: string, window: string) => {
    const { page } = workbench;
    await chat.locator('#prompt').click();
    await chat.locator('#prompt').fill(text);
    await page.keyboard.press('Tab'); // Attach Image URL
    await page.keyboard.press('Tab');
    assert.strictEqual(await chat.locator(':focus').getAttribute('id'), 'send-async', 'Send Async… is next to Send in the tab order');
    await page.keyboard.press('Enter');
    await workbench.pickRow(page.locator(`.quick-input-list .monaco-list-row[aria-label^="${window}"]`).first());
  };

  before(async () => {
    emulator = await startEmulator({ timing: { validatingMs: 300, inProgressMs: 600_000, finalizingMs: 300 } });
    workbench = await openWorkbench('async-chat', {
      env: { KLUSTER_API_KEY: emulator.apiKey },
      settings: { 'kluster.baseUrl': emulator.url, 'kluster.batch.completionWindow': '6h' },
    });
  });
  after(async () => {
    await workbench?.close();
    await emulator?.close();
  });

  it('queues the turn as a batch, keeps it across a window reload, and fills the reply in when the batch completes', async () => {
    const { page } = workbench;
    await workbench.showKlusterViews();
    chat = await workbench.openChat();

    await sendAsync('What is six times seven? [[answer:Six times seven is **42**.]]', '1h');
    const pending = chat.locator('.turn.assistant.queued');
    const headline = pending.locator('.headline', { hasText: 'Queued as batch' });
    await headline.waitFor({ timeout: 30_000 });
    const batchId = /Queued as batch (\S+), 1h window/.exec(await headline.innerText())?.[1];
    assert.ok(batchId, await headline.innerText());
    assert.deepStrictEqual((asyncChats().at(-1)!.body as { metadata: unknown }).metadata, {
      '@kluster.ai': { async: true, completion_window: '1h' },
    });
    assert.strictEqual(await pending.getAttribute('aria-busy'), 'true');
    assert.strictEqual(await chat.locator('#async-status').innerText(), `Queued as batch ${batchId}, 1h window.`);
    assert.ok(await chat.locator('#send').isDisabled(), 'nothing else is sent while the reply is awaited');
    assert.ok(await chat.locator('#send-async').isDisabled());
    await chat.locator('#awaiting-note', { hasText: 'Waiting for the async reply' }).waitFor();
    // The Batches view lists it, marked async.
    const row = page.locator('.monaco-list-row[aria-label^="Batch Chat: \\"What is six times seven?"]').first();
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /\(async\)[\s\S]*async ·/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pendingShot = await workbench.screenshot('e2e-chat-async-pending');
    assert.ok(fs.statSync(pendingShot).size > 10_000);

    // Developer: Reload Window while it waits (the workbench stores webview state on a short delay).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await page.reload();
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    chat = await workbench.showRestoredChat();
    await chat
      .locator('.turn.assistant.queued .headline', { hasText: `Queued as batch ${batchId}, 1h window` })
      .waitFor({ timeout: 30_000 });
    assert.ok(await chat.locator('#send').isDisabled(), 'still waiting after the reload');
    assert.ok(emulator.state.finishBatch(batchId), 'the batch was still running');

    const answered = chat.locator('.turn.assistant', { has: chat.locator('.async-mark') }).last();
    await answered.waitFor({ timeout: 90_000 });
    assert.strictEqual((await answered.locator('.body').innerText()).trim(), 'Six times seven is 42.');
    assert.strictEqual(await answered.locator('.body strong').innerText(), '42', 'rendered as markdown');
    assert.strictEqual((await answered.locator('.async-mark').innerText()).trim(), `async · batch ${batchId}`);
    await answered.locator('.usage').waitFor();
    assert.ok(await chat.locator('#send').isEnabled(), 'Send is back once the reply is in');
    assert.strictEqual(await chat.locator('.turn.assistant.queued').count(), 0);
    assert.strictEqual(asyncChats().length, 1, 'asked once, across the reload');
    await showBatchesAndWait();
    const answeredShot = await workbench.screenshot('e2e-chat-async-answered');
    assert.ok(fs.statSync(answeredShot).size > 10_000);
  });

  it('Delete on a pending reply forgets it and says the batch keeps running', async () => {
    await sendAsync('Never mind this one', '24h');
    const headline = chat.locator('.turn.assistant.queued .headline', { hasText: 'Queued as batch' });
    await headline.waitFor({ timeout: 30_000 });
    const batchId = /Queued as batch (\S+),/.exec(await headline.innerText())![1]!;
    await chat.locator('.turn.assistant.queued button[aria-label="Delete Pending Reply"]').click();
    await chat.locator('.notice', { hasText: `Batch ${batchId} keeps running` }).waitFor();
    assert.strictEqual(await chat.locator('.turn.assistant.queued').count(), 0);
    assert.ok(await chat.locator('#send').isEnabled(), 'Send is back');
    assert.strictEqual(emulator.state.batch(batchId)?.status !== 'cancelled', true, 'the batch itself is not cancelled');
    await workbench.screenshot('e2e-chat-async-deleted');
    assert.deepStrictEqual(workbench.dialogs, []);
  });

  async function showBatchesAndWait(): Promise<void> {
    await workbench.showKlusterViews();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});
