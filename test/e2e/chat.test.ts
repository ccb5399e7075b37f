// A person opens the chat from the palette, types a prompt, watches the reply stream in, stops one, and a
// reply full of hostile HTML runs nothing. The installed VSIX in code-server, Chromium, the emulator.
import * as assert from 'assert';
import * as fs from 'fs';
import type { Frame, FrameLocator } from 'playwright-core';
import { startEmulator, type Emulator } from '../emulator';
import { openWorkbench, type Workbench } from './workbench';

const HOSTILE =
  '<script>window.pwned=1</script><img src=x onerror="window.pwned=2;alert(2)"><svg onload="window.pwned=3"><iframe src="javascript:parent.pwned=4"></iframe>[x](javascript:window.pwned=5)';

describe('E2E: chat panel', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let workbench: Workbench;
  let chat: FrameLocator;
  let frame: Frame;
  const dialogs: string[] = [];

  const assistant = () => chat.locator('.turn.assistant').last();

  before(async () => {
    emulator = await startEmulator();
    workbench = await openWorkbench('chat', { env: { KLUSTER_API_KEY: emulator.apiKey }, settings: { 'kluster.baseUrl': emulator.url } });
    workbench.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  after(async () => {
    await workbench?.close();
    await emulator?.close();
  });

  it('opens from the palette, sends with Enter (Shift+Enter is a new line) and streams the reply in', async () => {
    const { page } = workbench;
    // The extension's contributions are in once its activity-bar entry shows.
    await page.locator('.activitybar .action-item a[aria-label^="kluster.ai"]').waitFor({ state: 'visible', timeout: 60_000 });
    await workbench.runCommand('kluster: Open Chat').catch(async (error: unknown) => {
      await workbench.screenshot('e2e-chat-palette-failure');
      throw error;
    });
    chat = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const prompt = chat.locator('#prompt');
    await prompt.waitFor({ state: 'visible', timeout: 60_000 });
    frame = (await (await chat.locator('body').elementHandle())!.ownerFrame())!;
    // The emulator's model list arrives: the note about the documented fallback goes away.
    await chat.locator('#model option').first().waitFor({ state: 'attached', timeout: 30_000 });
    await chat.locator('#model-note', { hasText: /^$/ }).waitFor({ state: 'attached', timeout: 30_000 });
    const model = await chat.locator('#model').inputValue();
    assert.ok(model, 'a model is picked');

    emulator.faults.next({ kind: 'slow', path: '/v1/chat/completions', delayMs: 120 });
    await prompt.click();
    await prompt.pressSequentially('Explain batch inference');
    await prompt.press('Shift+Enter');
    await prompt.pressSequentially('in one short line please');
    assert.strictEqual(await prompt.inputValue(), 'Explain batch inference\nin one short line please', 'Shift+Enter added a new line');
    await prompt.press('Enter');

    await chat.locator('.turn.user .plain', { hasText: 'Explain batch inference' }).waitFor();
    assert.strictEqual(await prompt.inputValue(), '', 'Enter sent the message');
    const body = assistant().locator('.body');
    await chat.locator('.turn.assistant.streaming').waitFor({ timeout: 15_000 });
    await chat.locator('#stop-button').waitFor({ state: 'visible' });
    const early = await waitForText(body, (t) => t.length > 0);
    const later = await waitForText(body, (t) => t.length > early.length);
    assert.ok(later.startsWith(early.trim()), 'the reply grows as chunks arrive');
    await assistant().locator('.usage').waitFor({ timeout: 30_000 });
    assert.strictEqual((await body.innerText()).trim(), `Emulated answer from ${model} to: Explain batch inference in one short line please`);
    assert.match(await assistant().locator('.usage').innerText(), /tokens/);
    await chat.locator('#send').waitFor({ state: 'visible' });
    const shot = await workbench.screenshot('e2e-chat');
    assert.ok(fs.statSync(shot).size > 10_000);
  });

  it('Stop ends the stream and keeps what arrived', async () => {
    emulator.faults.next({ kind: 'slow', path: '/v1/chat/completions', delayMs: 300 });
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    await chat.locator('#prompt').fill(words);
    await chat.locator('#prompt').press('Enter');
    await chat.locator('.turn.assistant.streaming').waitFor({ timeout: 15_000 });
    await waitForText(assistant().locator('.body'), (t) => t.includes('answer'));
    await chat.locator('#stop-button').click();
    await assistant().locator('.status', { hasText: 'Stopped.' }).waitFor({ timeout: 15_000 });
    const text = await assistant().locator('.body').innerText();
    assert.ok(text.startsWith('Emulated answer'), text);
    assert.ok(!text.includes('w39'), `stopped early: ${text}`);
    assert.ok(await chat.locator('#send').isVisible(), 'ready for the next prompt');
    await workbench.screenshot('e2e-chat-stopped');
  });

  it('shows a reply full of hostile HTML as text and runs none of it', async () => {
    await chat.locator('#prompt').fill(HOSTILE);
    await chat.locator('#prompt').press('Enter');
    await assistant().locator('.usage').waitFor({ timeout: 30_000 });
    const reply = await assistant().locator('.body').innerText();
    assert.ok(reply.includes('<script>window.pwned=1</script>'), `the tags are shown as text: ${reply}`);
    assert.ok(reply.includes('[x](javascript:window.pwned=5)'), 'the javascript: link is left as text');
    const injected = await chat.locator('.transcript script, .transcript img, .transcript svg, .transcript iframe, .transcript [href], .transcript [onerror], .transcript [onload]').count();
    assert.strictEqual(injected, 0, 'no element of the reply was created');
    // Clicking where the link would be does nothing either.
    await assistant().locator('.body').click();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.strictEqual(await frame.evaluate(() => (globalThis as { pwned?: unknown }).pwned), undefined, 'nothing ran in the webview');
    assert.deepStrictEqual(dialogs, [], 'no alert was raised');
    await workbench.screenshot('e2e-chat-hostile');
  });
});

async function waitForText(locator: ReturnType<FrameLocator['locator']>, accept: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await locator.innerText().catch(() => '');
    if (accept(text)) return text;
    if (Date.now() > deadline) assert.fail(`timed out waiting for the text, last seen: ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
