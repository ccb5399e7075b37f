// A person with a conversation in the chat opens a request line in chat, picks Open New in the dialog, and
// later goes back to the first conversation through the History button and its quick pick, with the keyboard;
// the history is still there after a window reload. The installed VSIX in code-server, Chromium, the emulator.
import * as assert from 'assert';
import type { FrameLocator } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator';
import { TEST_MODEL } from '../fixtures/requests';
import { openWorkbench, waitUntil, type Workbench } from './workbench';

describe('E2E: chat history', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let workbench: Workbench;
  let chat: FrameLocator;

  const dialog = () => workbench.page.locator('.monaco-dialog-box');
  const picker = () => workbench.page.locator('.quick-input-widget');
  const turns = () => chat.locator('.turn .body').allInnerTexts();
  const converse = async (text: string) => {
    const asked = await chat.locator('.turn.user').count();
    await chat.locator('#prompt').fill(text);
    await chat.locator('#prompt').press('Enter');
    await chat.locator('.turn.user').nth(asked).waitFor();
    await chat.locator('.turn.assistant.streaming').waitFor({ state: 'detached', timeout: 30_000 });
    await chat.locator('.turn.assistant').last().locator('.usage').waitFor();
  };
  /** The History button, reached from the composer with Shift+Tab as a keyboard user would, then Enter. */
  const openHistoryWithKeyboard = async () => {
    await chat.locator('#prompt').focus();
    for (let i = 0; i < 30 && !(await chat.locator('#history:focus').count()); i++) await chat.locator(':focus').press('Shift+Tab');
    await chat.locator('#history:focus').waitFor({ timeout: 5_000 });
    await chat.locator('#history').press('Enter');
    await picker().locator('.quick-input-title', { hasText: 'Chat History' }).waitFor({ timeout: 15_000 });
  };
  const row = (text: string) => picker().locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

  before(async () => {
    emulator = await startEmulator();
    const request = {
      custom_id: 'open-1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: TEST_MODEL, messages: [{ role: 'user', content: 'Summarize JSONL' }] },
    };
    workbench = await openWorkbench('chat-history', {
      env: { KLUSTER_API_KEY: emulator.apiKey },
      settings: { 'kluster.baseUrl': emulator.url },
      files: { 'open-me.jsonl': JSON.stringify(request) + '\n' },
    });
  });
  after(async () => {
    await workbench?.close();
    await emulator?.close();
  });

  it('opens a request in a new conversation with Open New, and switches back through the history', async () => {
    const { page } = workbench;
    chat = await workbench.openChat();
    assert.ok(await chat.locator('#history').isDisabled(), 'no earlier conversation yet');
    assert.strictEqual(await chat.locator('#history').getAttribute('aria-label'), 'Conversation History (none yet)');
    await converse('What is a batch file?');
    const first = await turns();

    await workbench.openFile('open-me.jsonl');
    await workbench.runCommand('kluster: Open Request in Chat');
    await dialog().waitFor({ timeout: 15_000 });
    assert.match(await dialog().innerText(), /Open open-1 from open-me\.jsonl:1 in a new conversation\?/);
    assert.match(await dialog().innerText(), /Open New keeps it in the chat history; Replace discards it/);
    assert.deepStrictEqual(
      (await dialog().locator('.dialog-buttons a.monaco-button, .dialog-buttons button').allInnerTexts()).map((t) => t.trim()).sort(),
      ['Cancel', 'Open New', 'Replace'],
    );
    await workbench.screenshot('e2e-chat-history-ask');
    await dialog().getByRole('button', { name: 'Open New' }).click();
    await chat
      .locator('.notice', { hasText: 'Loaded open-1 from open-me.jsonl:1 in a new conversation; the previous one is in the history.' })
      .waitFor({ timeout: 15_000 });
    assert.strictEqual(await chat.locator('.turn').count(), 0);
    assert.strictEqual(await chat.locator('#prompt').inputValue(), 'Summarize JSONL');
    await chat.locator('#history:not([disabled])').waitFor();
    assert.strictEqual(await chat.locator('#history').getAttribute('aria-label'), 'Conversation History (1)');
    await converse('Summarize JSONL');
    const second = await turns();

    await openHistoryWithKeyboard();
    await row('What is a batch file?').waitFor();
    assert.match(await row('What is a batch file?').innerText(), /2 messages · (just now|\d+s ago)/);
    await workbench.screenshot('e2e-chat-history-pick-light');
    await workbench.pickRow(row('What is a batch file?'));
    await chat.locator('.notice', { hasText: 'Back to "What is a batch file?".' }).waitFor({ timeout: 15_000 });
    assert.deepStrictEqual(await turns(), first, 'the first conversation is back');
    await workbench.screenshot('e2e-chat-history-back');

    await workbench.setTheme('Dark Modern');
    await chat.locator('body.vscode-dark').waitFor({ state: 'attached', timeout: 30_000 });
    await openHistoryWithKeyboard();
    await row('Summarize JSONL').waitFor();
    assert.strictEqual(await picker().locator('.quick-input-list .monaco-list-row').count(), 1, 'only the one not on screen');
    await workbench.screenshot('e2e-chat-history-pick-dark');
    await page.keyboard.press('Escape');
    await picker().waitFor({ state: 'hidden' });

    // After a window reload the history is still there, and the other conversation still one pick away.
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the workbench stores webview state on a short delay
    await page.reload();
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    // The workbench may bring open-me.jsonl back in front of the chat.
    chat = await workbench.showRestoredChat();
    await chat.locator('.turn').nth(1).waitFor();
    assert.deepStrictEqual(await turns(), first, 'the conversation on screen is restored');
    await chat.locator('#history:not([disabled])').waitFor({ timeout: 15_000 });
    await openHistoryWithKeyboard();
    await workbench.pickRow(row('Summarize JSONL'));
    await waitUntil('the second conversation after the reload', async () => JSON.stringify(await turns()) === JSON.stringify(second));
  });
});
