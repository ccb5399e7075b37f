// A person opens the chat from the palette, types a prompt, watches the reply stream in, stops one, and a
// reply full of hostile HTML runs nothing; attaches an image URL, opens a link, copies, and reloads the
// window to find the chat as it was. The installed VSIX in code-server, Chromium, the emulator.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, FrameLocator } from 'playwright-core';
import { FAIL_TRIGGER, startEmulator, STREAM_USAGE_TRIGGER, type Emulator } from '../../src/emulator';
import { openWorkbench, waitUntil, type Workbench } from './workbench';

const HOSTILE =
  '<script>window.pwned=1</script><img src=x onerror="window.pwned=2;alert(2)"><svg onload="window.pwned=3"><iframe src="javascript:parent.pwned=4"></iframe>[x](javascript:window.pwned=5)';

describe('E2E: chat panel', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let workbench: Workbench;
  let chat: FrameLocator;
  let frame: Frame;

  const assistant = () => chat.locator('.turn.assistant').last();
  const chatRequests = () => emulator.state.requests.filter((r) => r.path === '/v1/chat/completions');
  /** The workbench's own modal dialog (not a browser alert), e.g. "open the external website?". */
  const workbenchDialog = () => workbench.page.locator('.monaco-dialog-box');
  /**
   * Posts to the extension as a compromised webview would: through the channel acquireVsCodeApi wraps (the
   * webview host frame's `__vscode_post_message__`; VS Code hides `window.parent` from the page itself).
   */
  const postAsWebview = (message: unknown) =>
    frame.parentFrame()!.evaluate(
      (m) =>
        (window as unknown as { __vscode_post_message__(c: string, d: unknown): void }).__vscode_post_message__('onmessage', {
          message: m,
        }),
      message,
    );
  /** Types a prompt, sends it with Enter and waits for the whole reply. */
  const converse = async (text: string) => {
    const asked = await chat.locator('.turn.user').count();
    await chat.locator('#prompt').fill(text);
    await chat.locator('#prompt').press('Enter');
    await chat.locator('.turn.user').nth(asked).waitFor();
    await chat.locator('.turn.assistant.streaming').waitFor({ state: 'detached', timeout: 30_000 });
    await assistant().locator('.usage').waitFor();
  };

  before(async () => {
    emulator = await startEmulator();
    workbench = await openWorkbench('chat', { env: { KLUSTER_API_KEY: emulator.apiKey }, settings: { 'kluster.baseUrl': emulator.url } });
  });
  after(async () => {
    await workbench?.close();
    await emulator?.close();
  });

  it('opens from the palette, sends with Enter (Shift+Enter is a new line) and streams the reply in', async () => {
    chat = await workbench.openChat();
    const prompt = chat.locator('#prompt');
    frame = (await (await chat.locator('body').elementHandle())!.ownerFrame())!;
    // The emulator's model list arrives: the note about the documented fallback goes away.
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
    assert.strictEqual(
      (await body.innerText()).trim(),
      `Emulated answer from ${model} to: Explain batch inference in one short line please`,
    );
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
    const injected = await chat
      .locator(
        '.transcript script, .transcript img, .transcript svg, .transcript iframe, .transcript [href], .transcript [onerror], .transcript [onload]',
      )
      .count();
    assert.strictEqual(injected, 0, 'no element of the reply was created');
    // Clicking where the link would be does nothing either.
    await assistant().locator('.body').click();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.strictEqual(await frame.evaluate(() => (globalThis as { pwned?: unknown }).pwned), undefined, 'nothing ran in the webview');
    assert.deepStrictEqual(workbench.dialogs, [], 'no alert was raised');
    await workbench.screenshot('e2e-chat-hostile');
  });

  it('runs under a strict CSP: an inline script or handler injected into the page does not run', async () => {
    const csp = await frame.evaluate(
      () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    );
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    assert.deepStrictEqual(
      [...directives.keys()],
      ['default-src', 'img-src', 'style-src', 'font-src', 'script-src', 'base-uri', 'form-action'],
      csp,
    );
    assert.deepStrictEqual(
      [directives.get('default-src'), directives.get('base-uri'), directives.get('form-action')],
      [["'none'"], ["'none'"], ["'none'"]],
    );
    const scriptSrc = directives.get('script-src')!;
    assert.ok(
      scriptSrc.length === 1 && /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(scriptSrc[0]!),
      `only a nonce may run scripts: ${scriptSrc.join(' ')}`,
    );
    // The webview's resource origin (VS Code's cspSource: 'self' and its CDN host), the same for all three.
    const resources = directives.get('img-src')!;
    assert.ok(
      resources.length > 0 && resources.every((source) => /^('self'|https:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?)$/.test(source)),
      `own origins only: ${resources.join(' ')}`,
    );
    assert.deepStrictEqual([directives.get('style-src'), directives.get('font-src')], [resources, resources]);
    const sandbox = await (await frame.frameElement()).getAttribute('sandbox');
    assert.ok(sandbox?.includes('allow-scripts') && !sandbox.includes('allow-forms'), `forms are off in the sandbox: ${sandbox}`);

    const nonce = scriptSrc[0]!.slice("'nonce-".length, -1);
    const outcome = await frame.evaluate(async (pageNonce) => {
      const w = window as unknown as Record<string, unknown>;
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const inline = document.createElement('script');
      inline.textContent = 'window.pwnedInline = 1';
      document.body.append(inline);
      const img = document.createElement('img');
      img.setAttribute('src', 'https://attacker.invalid/x.png');
      img.setAttribute('onerror', 'window.pwnedHandler = 1');
      document.body.append(img);
      // Control: the same inline script with the page's nonce does run, so a run would have been seen.
      const control = document.createElement('script');
      control.nonce = pageNonce;
      control.textContent = 'window.controlRan = 1';
      document.body.append(control);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      inline.remove();
      img.remove();
      control.remove();
      return { inline: w.pwnedInline, handler: w.pwnedHandler, control: w.controlRan, violations };
    }, nonce);
    assert.strictEqual(outcome.control, 1, 'the nonce script ran (control)');
    assert.strictEqual(outcome.inline, undefined, 'the inline script without the nonce did not run');
    assert.strictEqual(outcome.handler, undefined, 'the onerror handler did not run');
    assert.ok(outcome.violations.includes('script-src-elem'), `the CSP blocked the inline script: ${outcome.violations.join(', ')}`);
    assert.ok(outcome.violations.includes('img-src'), `the CSP blocked the image from elsewhere: ${outcome.violations.join(', ')}`);
  });

  it('shows a failure inline with Retry, and Retry gets the answer', async () => {
    // Three 500s: the first attempt and the client's two retries.
    emulator.faults.next({ kind: 'server_error', path: '/v1/chat/completions', times: 3 });
    const before = chatRequests().length;
    await chat.locator('#prompt').fill('Please answer after a failure');
    await chat.locator('#prompt').press('Enter');
    const error = assistant().locator('.error');
    await error.waitFor({ timeout: 60_000 });
    assert.match(await error.locator('.message').innerText(), /server error \(500/);
    assert.strictEqual(chatRequests().length - before, 3, 'three attempts reached the service');
    const overflow = await chat
      .locator('.transcript')
      .evaluate((t) => ({ scrolls: t.scrollHeight > t.clientHeight, hiddenBelow: t.scrollHeight - t.scrollTop - t.clientHeight }));
    assert.ok(overflow.scrolls, 'the transcript is long enough to scroll');
    assert.ok(
      overflow.hiddenBelow <= 1,
      `the transcript stays scrolled to its end, the error in full view (${overflow.hiddenBelow}px hidden below)`,
    );
    await workbench.screenshot('e2e-chat-error-retry');
    await error.getByRole('button', { name: 'Retry' }).click();
    await assistant().locator('.usage').waitFor({ timeout: 30_000 });
    assert.strictEqual(await chat.locator('.error').count(), 0, 'the failed reply was replaced');
    const model = await chat.locator('#model').inputValue();
    assert.strictEqual(
      (await assistant().locator('.body').innerText()).trim(),
      `Emulated answer from ${model} to: Please answer after a failure`,
    );
    assert.strictEqual(chatRequests().at(-1)?.status, 200);
  });

  it('shows the usage a stream reports unasked, not the estimate', async () => {
    await converse(`Count the tokens ${STREAM_USAGE_TRIGGER}`);
    const sent = chatRequests().at(-1)?.body as Record<string, unknown>;
    assert.strictEqual(sent.stream_options, undefined);
    assert.match(await assistant().locator('.usage').innerText(), /^\d+ prompt · \d+ completion · \d+ total tokens$/);
  });

  it('attaches an http(s) image URL as an image_url part, and refuses any other URL', async () => {
    const before = chatRequests().length;
    await chat.locator('#attach-image').click();
    await chat.locator('#image-url').fill('file:///etc/passwd');
    await chat.locator('#prompt').fill('What is in this picture?');
    await chat.locator('#prompt').press('Enter');
    await chat.locator('.problems', { hasText: 'The image URL must start with https:// or http://.' }).waitFor();
    assert.strictEqual(await chat.locator('#prompt').inputValue(), 'What is in this picture?', 'nothing was sent: the draft stays');
    assert.strictEqual(chatRequests().length, before, 'no request left for the service');

    await chat.locator('#image-url').fill('https://example.com/cat.png');
    await converse('What is in this picture?');
    assert.strictEqual(await chat.locator('.problems').innerText(), '');
    assert.strictEqual(await chat.locator('.turn.user').last().locator('.attachment').innerText(), 'Image: https://example.com/cat.png');
    const sent = chatRequests().at(-1)?.body as { messages: { role: string; content: unknown }[] };
    assert.deepStrictEqual(sent.messages.at(-1), {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      ],
    });
    assert.ok(await chat.locator('#image-url').isHidden(), 'the attachment was sent and cleared');

    // The extension checks again: a forged send with a file: image never reaches the service.
    const settings = { model: await chat.locator('#model').inputValue(), system: '', params: {} };
    const forged = (url: string) => ({
      type: 'send',
      id: `forged-${url.length}`,
      conversation: { settings, messages: [{ role: 'user', text: 'look', imageUrl: url }] },
    });
    const count = chatRequests().length;
    await postAsWebview(forged('file:///etc/passwd'));
    await postAsWebview(forged('https://example.com/control.png'));
    await waitUntil('the retried request', () => chatRequests().length > count, 15_000);
    assert.strictEqual(chatRequests().length, count + 1, 'only the https one was sent');
    assert.match(JSON.stringify(chatRequests().at(-1)?.body), /control\.png/);
  });

  it('opens an http(s) link of a reply through the extension (VS Code asks first); other schemes do nothing', async () => {
    await converse('Read [the batch guide](https://docs.kluster.ai/guide) and [local](file:///etc/passwd) and [d](data:text/html,hi)');
    const links = assistant().locator('.link');
    assert.deepStrictEqual(
      await links.evaluateAll((els) => els.map((e) => e.getAttribute('data-href'))),
      ['https://docs.kluster.ai/guide'],
      'only the https link is a link',
    );
    assert.strictEqual(await assistant().locator('[href]').count(), 0, 'nothing in the webview can navigate by itself');
    await links.first().click();
    await workbenchDialog().waitFor({ timeout: 15_000 });
    assert.match(await workbenchDialog().innerText(), /https:\/\/docs\.kluster\.ai\/guide/);
    await workbench.screenshot('e2e-chat-open-link');
    await workbenchDialog().getByRole('button', { name: 'Cancel' }).click();
    await workbenchDialog().waitFor({ state: 'detached' });

    // A compromised webview asking for hostile schemes: the extension refuses them, no dialog, nothing opens.
    for (const href of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'command:workbench.action.quit',
    ]) {
      await postAsWebview({ type: 'openLink', href });
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.strictEqual(await workbenchDialog().count(), 0, 'no dialog for a hostile link');
    // The same channel does reach the extension: an https link posted the same way asks as before.
    await postAsWebview({ type: 'openLink', href: 'https://example.com/control' });
    await workbenchDialog().waitFor({ timeout: 15_000 });
    assert.match(await workbenchDialog().innerText(), /https:\/\/example\.com\/control/);
    await workbenchDialog().getByRole('button', { name: 'Cancel' }).click();
    await workbenchDialog().waitFor({ state: 'detached' });
    assert.deepStrictEqual(workbench.dialogs, [], 'no browser dialog either');
  });

  it('copies a message and a code block to the clipboard', async () => {
    const { page } = workbench;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    await converse('Copy this:\n```js\nconst answer = 42;\n```');
    const reply = assistant();
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await reply.locator('.code-block button[data-action="copy-code"]').click();
    await waitUntil('a copied reply', async () => (await clipboard()) !== 'before', 15_000, clipboard);
    assert.strictEqual(await clipboard(), 'const answer = 42;\n', 'the code block alone');

    await reply.locator('.footer button[data-action="copy"]').click();
    const model = await chat.locator('#model').inputValue();
    const whole = `Emulated answer from ${model} to: Copy this:\n\`\`\`js\nconst answer = 42;\n\`\`\``;
    await waitUntil('the whole reply copied', async () => (await clipboard()) === whole, 15_000, clipboard);
    await chat.locator('.turn.user').last().locator('button[data-action="copy"]').click();
    await waitUntil(
      'the reply copied as markdown',
      async () => (await clipboard()) === 'Copy this:\n```js\nconst answer = 42;\n```',
      15_000,
      clipboard,
    );
  });

  it('edits a failed message in place and resends it; deletes a reply, and a message with its reply', async () => {
    await chat.locator('#clear').click();
    const model = await chat.locator('#model').inputValue();
    await chat.locator('#prompt').fill(`This must fail ${FAIL_TRIGGER}`);
    await chat.locator('#prompt').press('Enter');
    await assistant().locator('.error').waitFor({ timeout: 30_000 });
    const failed = chat.locator('.turn.user').last();
    await failed.getByRole('button', { name: 'Edit and Resend' }).click();
    const editor = failed.locator('textarea.edit-input');
    assert.strictEqual(await editor.inputValue(), `This must fail ${FAIL_TRIGGER}`, 'the editor holds the message as sent');
    await editor.fill('This must work');
    await failed.getByRole('button', { name: 'Save and Resend' }).click();
    await chat.locator('.turn.assistant.streaming').waitFor({ state: 'detached', timeout: 30_000 });
    await assistant().locator('.usage').waitFor({ timeout: 30_000 });
    const turns = () =>
      chat
        .locator('.turn')
        .evaluateAll((els) =>
          els.map((e) => `${e.querySelector('.role')!.textContent}: ${(e.querySelector('.body') as HTMLElement).innerText.trim()}`),
        );
    assert.deepStrictEqual(
      await turns(),
      ['You · edited: This must work', `Assistant: Emulated answer from ${model} to: This must work`],
      'the failure went, the edited message got its answer',
    );
    assert.deepStrictEqual(
      (chatRequests().at(-1)?.body as { messages: unknown[] }).messages,
      [{ role: 'user', content: 'This must work' }],
      'the edited text was sent, the failed one not',
    );
    await workbench.screenshot('e2e-chat-edited-turn');

    await converse('A second question');
    await assistant().getByRole('button', { name: 'Delete Reply' }).click();
    assert.deepStrictEqual((await turns()).slice(1), [
      `Assistant: Emulated answer from ${model} to: This must work`,
      'You: A second question',
    ]);
    await chat.locator('.turn.user').first().getByRole('button', { name: 'Delete Message and Reply' }).click();
    assert.deepStrictEqual(await turns(), ['You: A second question']);
    await converse('A third question');
    assert.deepStrictEqual(
      (chatRequests().at(-1)?.body as { messages: { content: unknown }[] }).messages.map((m) => m.content),
      ['A second question', 'A third question'],
      'deleted turns are not sent',
    );
  });

  it('asks before Open in Chat replaces the conversation, and Undo brings it back; so does Undo after Clear', async () => {
    const { page } = workbench;
    const request = {
      custom_id: 'open-1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: await chat.locator('#model').inputValue(), messages: [{ role: 'user', content: 'Summarize JSONL' }] },
    };
    fs.writeFileSync(path.join(workbench.workspace, 'open-me.jsonl'), JSON.stringify(request) + '\n');
    const turns = () => chat.locator('.turn .body').allInnerTexts();
    const before = await turns();
    assert.ok(before.length >= 2, 'the chat holds a conversation');
    await workbench.openFile('open-me.jsonl');
    await workbench.runCommand('kluster: Open Request in Chat');
    await workbenchDialog().waitFor({ timeout: 15_000 });
    assert.match(await workbenchDialog().innerText(), /Open open-1 from open-me\.jsonl:1 in a new conversation\?/);
    await workbenchDialog().getByRole('button', { name: 'Cancel' }).click();
    await workbenchDialog().waitFor({ state: 'detached' });
    await page.waitForTimeout(1000);
    await page.locator('.tab', { hasText: 'kluster Chat' }).click();
    await chat.locator('.turn').first().waitFor();
    assert.deepStrictEqual(await turns(), before, 'Cancel kept the conversation');
    // The rebuilt webview takes the focus once it has loaded: until then, opening the file races with it.
    await chat.locator('#prompt:focus').waitFor();

    await workbench.openFile('open-me.jsonl');
    await workbench.runCommand('kluster: Open Request in Chat');
    await workbenchDialog().getByRole('button', { name: 'Replace' }).click();
    await chat.locator('.notice', { hasText: 'Loaded open-1 from open-me.jsonl:1.' }).waitFor({ timeout: 15_000 });
    assert.strictEqual(await chat.locator('#prompt').inputValue(), 'Summarize JSONL');
    assert.strictEqual(await chat.locator('.turn').count(), 0);
    await chat.locator('.notice #undo').click();
    await waitUntil('the turns back', async () => (await chat.locator('.turn').count()) === before.length, 15_000);
    assert.deepStrictEqual(await turns(), before, 'Undo brought the conversation back');
    assert.ok(await chat.locator('.notice').isHidden());

    await chat.locator('#clear').click();
    await chat.locator('.notice', { hasText: 'Conversation cleared.' }).waitFor();
    assert.strictEqual(await chat.locator('.turn').count(), 0);
    await chat.locator('.notice #undo').click();
    await waitUntil('the turns back', async () => (await chat.locator('.turn').count()) === before.length, 15_000);
    assert.deepStrictEqual(await turns(), before, 'Undo after Clear');

    // The webview was rebuilt when the file hid it: later tests evaluate in the new frame.
    frame = (await (await chat.locator('body').elementHandle())!.ownerFrame())!;
  });

  it('shows an image as a marked link, never a stray "!", and asks before opening a link to a local address', async () => {
    await converse(
      'Look: ![a cat](https://example.com/cat.png) and [the admin page](http://127.0.0.1:9/admin) and [lan](http://192.168.1.1/)',
    );
    const body = assistant().locator('.body');
    const text = (await body.innerText()).trim();
    assert.ok(text.endsWith('to: Look: Image: a cat and the admin page and lan'), text);
    assert.ok(!text.includes('!'), `no stray "!": ${text}`);
    assert.strictEqual(await body.locator('img').count(), 0, 'the image is not loaded');
    assert.deepStrictEqual(await body.locator('.link').evaluateAll((els) => els.map((e) => e.getAttribute('data-href'))), [
      'https://example.com/cat.png',
      'http://127.0.0.1:9/admin',
      'http://192.168.1.1/',
    ]);

    for (const [name, href] of [
      ['the admin page', 'http://127.0.0.1:9/admin'],
      ['lan', 'http://192.168.1.1/'],
    ] as const) {
      await body.locator('.link', { hasText: name }).click();
      await workbenchDialog().waitFor({ timeout: 15_000 });
      const asked = await workbenchDialog().innerText();
      assert.match(asked, /Open a link to this computer or your private network\?/);
      assert.ok(asked.includes(href), asked);
      if (name === 'lan') await workbench.screenshot('e2e-chat-local-link');
      await workbenchDialog().getByRole('button', { name: 'Cancel' }).click();
      await workbenchDialog().waitFor({ state: 'detached' });
    }
    assert.deepStrictEqual(workbench.dialogs, []);
  });

  it('comes back after a window reload with the conversation, settings, model and draft', async () => {
    const { page } = workbench;
    await chat.locator('#clear').click();
    await chat.locator('.settings summary').click();
    await chat.locator('#system').fill('You are terse.');
    await chat.locator('input[name="temperature"]').fill('0.3');
    await chat.locator('input[name="max_completion_tokens"]').fill('64');
    await chat.locator('#stop').fill('END');
    const options = await chat.locator('#model option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    const model = options.find((id) => id !== '' && id !== options[0]) ?? options[0]!;
    await chat.locator('#model').selectOption(model);
    await converse(['Remember this across a reload', ...Array.from({ length: 40 }, (_, i) => `line ${i + 1}`)].join('\n'));
    const sent = chatRequests().at(-1)?.body as Record<string, unknown>;
    assert.deepStrictEqual([sent.model, sent.temperature, sent.max_completion_tokens, sent.stop], [model, 0.3, 64, ['END']]);
    assert.deepStrictEqual((sent.messages as unknown[])[0], { role: 'system', content: 'You are terse.' });
    await chat.locator('#prompt').fill('an unsent draft');
    // Scrolled to the middle of a transcript taller than the panel: that is where it reopens.
    const scrolledTo = await frame.evaluate(() => {
      const t = document.getElementById('transcript')!;
      t.scrollTop = Math.round((t.scrollHeight - t.clientHeight) / 2);
      return { top: t.scrollTop, range: t.scrollHeight - t.clientHeight };
    });
    assert.ok(scrolledTo.range > 200 && scrolledTo.top > 100, `the transcript scrolls: ${JSON.stringify(scrolledTo)}`);
    const turns = () =>
      chat
        .locator('.turn')
        .evaluateAll((els) =>
          els.map((e) => `${e.getAttribute('aria-label')}: ${(e.querySelector('.body') as HTMLElement).innerText.trim()}`),
        );
    const before = await turns();
    assert.strictEqual(before.length, 2);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the workbench stores webview state on a short delay

    await page.reload();
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    chat = await workbench.showRestoredChat();
    frame = (await (await chat.locator('body').elementHandle())!.ownerFrame())!;
    await chat.locator('.turn').nth(1).waitFor();
    assert.deepStrictEqual(await turns(), before, 'the conversation is back');
    assert.strictEqual(await chat.locator('#system').inputValue(), 'You are terse.');
    assert.strictEqual(await chat.locator('input[name="temperature"]').inputValue(), '0.3');
    assert.strictEqual(await chat.locator('input[name="max_completion_tokens"]').inputValue(), '64');
    assert.strictEqual(await chat.locator('#stop').inputValue(), 'END');
    assert.strictEqual(await chat.locator('#model').inputValue(), model);
    assert.strictEqual(await chat.locator('#prompt').inputValue(), 'an unsent draft');
    const scrollTop = () => frame.evaluate(() => document.getElementById('transcript')!.scrollTop);
    await waitUntil(
      `the transcript scrolled to ${scrolledTo.top}`,
      async () => Math.abs((await scrollTop()) - scrolledTo.top) <= 2,
      10_000,
      scrollTop,
    );
    await workbench.screenshot('e2e-chat-after-reload');

    // The restored panel is live: the new extension host streams the next reply with the same settings.
    await converse('And after it');
    assert.strictEqual((await assistant().locator('.body').innerText()).trim(), `Emulated answer from ${model} to: And after it`);
    const again = chatRequests().at(-1)?.body as Record<string, unknown>;
    assert.deepStrictEqual([again.model, again.temperature, (again.messages as unknown[]).length], [model, 0.3, 4]);
    assert.deepStrictEqual(workbench.dialogs, []);
  });
  it('looks native in a dark, a light and a high-contrast theme: icon toolbars, code with its language, tables with borders', async () => {
    const { page } = workbench;
    const useTheme = async (theme: string, bodyClass: string) => {
      // Not runCommand: its first match would be "Browse Color Themes in Marketplace".
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
      await workbench.pickRow(page.locator('.quick-input-list .monaco-list-row[aria-label^="Preferences: Color Theme"]').first());
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Modern' }).first().waitFor({ timeout: 15_000 });
      await page.locator('.quick-input-widget input').fill(theme);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ timeout: 15_000 });
      await page.keyboard.press('Enter');
      await chat.locator(`body.${bodyClass}`).waitFor({ state: 'attached', timeout: 30_000 });
    };
    await useTheme('Dark Modern', 'vscode-dark');
    await chat.locator('#clear').click();
    await converse('Show a table and code:\n\n| model | tokens |\n| --- | --: |\n| llama | 1,024 |\n\n```js\nconst answer = 42;\n```');
    const reply = assistant();
    assert.strictEqual(await reply.locator('.code-block .code-language').innerText(), 'js', 'the code block keeps its language label');
    const looks = await frame.evaluate(() => {
      const style = (selector: string) => getComputedStyle(document.querySelector(selector)!);
      const cell = style('.turn.assistant:last-of-type td');
      const copy = document.querySelector('.turn.assistant:last-of-type .footer button[data-action="copy"]')!;
      return {
        codicons: document.fonts.check('16px codicon'),
        copyIcon: getComputedStyle(copy.querySelector('.codicon')!, '::before').fontFamily,
        copyName: copy.getAttribute('aria-label'),
        copyBackground: getComputedStyle(copy).backgroundColor,
        cellBorder: [cell.borderTopStyle, cell.borderTopWidth, cell.borderTopColor],
        background: getComputedStyle(document.body).backgroundColor,
        send: style('#send').backgroundColor,
        buttonBackground: getComputedStyle(document.documentElement).getPropertyValue('--vscode-button-background').trim(),
      };
    });
    assert.ok(looks.codicons, 'the codicon font loaded under the CSP');
    assert.match(looks.copyIcon, /codicon/);
    assert.strictEqual(looks.copyName, 'Copy');
    assert.strictEqual(looks.copyBackground, 'rgba(0, 0, 0, 0)', 'toolbar icons are flat, as in the workbench');
    assert.deepStrictEqual(looks.cellBorder.slice(0, 2), ['solid', '1px']);
    assert.notStrictEqual(looks.cellBorder[2], looks.background, 'the table border shows against the background');
    assert.ok(looks.buttonBackground, 'the theme colours reach the webview');
    await workbench.screenshot('e2e-chat-dark');

    await useTheme('Light Modern', 'vscode-light');
    await workbench.screenshot('e2e-chat-light');
    await useTheme('Dark High Contrast', 'vscode-high-contrast');
    await workbench.screenshot('e2e-chat-high-contrast');
    await useTheme('Dark Modern', 'vscode-dark');
    assert.deepStrictEqual(workbench.dialogs, []);
  });
});

async function waitForText(
  locator: ReturnType<FrameLocator['locator']>,
  accept: (text: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await locator.innerText().catch(() => '');
    if (accept(text)) return text;
    if (Date.now() > deadline) assert.fail(`timed out waiting for the text, last seen: ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
