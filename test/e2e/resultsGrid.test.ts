// A person opens a 50,000-row results file: the kluster Results grid shows its first rows, keeps only the rows
// on screen in the DOM while scrolling, expands a row with Enter, filters with `/`, and a reply full of hostile
// HTML stays inert text. Light, dark and high-contrast screenshots; the grid comes back after a reload.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, FrameLocator } from 'playwright-core';
import { openWorkbench, waitUntil, type Workbench } from './workbench';

const ROWS = 50_000;
const HOSTILE_ROW = 1234;
const HOSTILE =
  '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"><svg onload="window.pwned=3"></svg><iframe src="javascript:parent.pwned=4"></iframe>[click](javascript:window.pwned=5) **bold** [the admin page](http://127.0.0.1:9/admin)';

const id = (i: number) => `req-${String(i).padStart(5, '0')}`;
const models = ['klusterai/Meta-Llama-3.3-70B-Instruct-Turbo', 'deepseek-ai/DeepSeek-V3', 'google/gemma-3-27b-it'];

function files(): Record<string, string> {
  const input: string[] = [];
  const results: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const model = models[i % models.length]!;
    input.push(
      JSON.stringify({
        custom_id: id(i),
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model, messages: [{ role: 'user', content: `Question number ${i}` }] },
      }),
    );
    const reply = i === HOSTILE_ROW ? HOSTILE : `Answer number ${i}: *done*`;
    results.push(
      i % 97 === 0
        ? JSON.stringify({
            custom_id: id(i),
            input_line: i,
            status: 'failed',
            id: `r${i}`,
            response: null,
            error: { code: 'server_error', message: `Failure ${i}` },
          })
        : JSON.stringify({
            custom_id: id(i),
            input_line: i,
            status: 'succeeded',
            id: `r${i}`,
            response: {
              status_code: 200,
              body: {
                model,
                choices: [{ message: { role: 'assistant', content: reply }, finish_reason: i % 10 ? 'stop' : 'length' }],
                usage: { prompt_tokens: 10, completion_tokens: i % 50 },
              },
            },
            error: null,
          }),
    );
  }
  return { 'big.jsonl': input.join('\n') + '\n', 'big.results.jsonl': results.join('\n') + '\n' };
}

describe('E2E: results grid', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let grid: FrameLocator;
  /** The custom_id column's width after the drag, to find again after hiding and reloading. */
  let resizedWidth = 0;

  const frameOf = async (): Promise<Frame> => (await (await grid.locator('body').elementHandle())!.ownerFrame())!;
  const rowsInDom = () => grid.locator('.body .row').count();
  const openGrid = async () => {
    grid = workbench.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await grid.locator('.body .row:not(.placeholder)').first().waitFor({ timeout: 60_000 });
  };
  /** Picks a colour theme, then waits for the webview to take it. */
  const setTheme = async (label: string, webviewClass: string) => {
    await workbench.setTheme(label);
    await grid.locator(`body.${webviewClass}`).waitFor({ timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the webview repaints with the new colours
  };

  before(async () => {
    workbench = await openWorkbench('results', { files: files() });
  });
  after(async () => {
    await workbench?.close();
  });

  it('opens the 50k-row file as a grid, scrolls with only the rows on screen in the DOM, and expands a row', async () => {
    await workbench.openFile('big.results.jsonl');
    await openGrid();
    await grid
      .locator('.summary .bar[data-value="failed"] .bar-count', { hasText: String(Math.floor(ROWS / 97)) })
      .waitFor({ timeout: 60_000 });
    assert.strictEqual(await grid.locator('.body .row').first().locator('[role="gridcell"]').nth(1).innerText(), id(1));
    assert.ok((await rowsInDom()) < 120, `only the rows on screen are in the DOM: ${await rowsInDom()}`);
    assert.strictEqual(await grid.locator('[role="grid"]').getAttribute('aria-rowcount'), String(ROWS + 1));
    await grid.locator('.toolbar button', { hasText: 'Retry Failed Requests' }).waitFor({ state: 'visible' });
    await workbench.screenshot('e2e-results-grid');

    // Scroll to the middle: the rows there arrive, and the DOM stays small.
    await grid.locator('.viewport').evaluate((el) => (el.scrollTop = 25_000 * 24));
    await grid.locator('.body .row:not(.placeholder)', { hasText: id(25_001) }).waitFor({ timeout: 30_000 });
    assert.ok((await rowsInDom()) < 120, `still only the rows on screen: ${await rowsInDom()}`);

    // Keyboard: focus the grid, End goes to the last row, Enter expands it.
    await grid.locator('[role="grid"]').focus();
    await workbench.page.keyboard.press('End');
    await grid.locator('.body .row.focused', { hasText: id(ROWS) }).waitFor({ timeout: 30_000 });
    await workbench.page.keyboard.press('Enter');
    await grid.locator('.detail .reply-body', { hasText: `Answer number ${ROWS}` }).waitFor({ timeout: 30_000 });
    await grid.locator('.detail .request .text', { hasText: `Question number ${ROWS}` }).waitFor();
    assert.strictEqual(await grid.locator('.body .row.focused').getAttribute('aria-expanded'), 'true');
    await workbench.page.keyboard.press('ArrowUp');
    await grid.locator('.body .row.focused', { hasText: id(ROWS - 1) }).waitFor();
    await workbench.screenshot('e2e-results-grid-expanded');
    assert.ok((await rowsInDom()) < 120);

    // Copy Reply puts the whole reply of the row shown, as the model wrote it (markdown, not the rendered text),
    // on the clipboard.
    const { page } = workbench;
    const shown = Number(/\d+/.exec(await grid.locator('.detail .detail-head .custom-id').innerText())![0]);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await grid.locator('.detail button', { hasText: 'Copy Reply' }).click();
    const copied = await waitUntil('the reply on the clipboard', async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText());
      return text !== 'before' && text;
    });
    assert.strictEqual(copied, `Answer number ${shown}: *done*`);
  });

  it('a reply full of hostile HTML stays inert text in the details', async () => {
    await workbench.page.keyboard.press('/');
    const filter = grid.locator('input.filter');
    assert.ok(await filter.evaluate((el) => el === document.activeElement), '/ focuses the filter');
    await filter.fill(id(HOSTILE_ROW));
    await grid.locator('.toolbar .count', { hasText: /^1 row$/ }).waitFor({ timeout: 30_000 });
    await workbench.page.keyboard.press('Enter'); // back to the grid
    await workbench.page.keyboard.press('Enter'); // expand
    const reply = grid.locator('.detail .reply-body');
    await reply.waitFor({ timeout: 30_000 });
    await reply.locator('strong', { hasText: 'bold' }).waitFor();
    assert.match(await reply.innerText(), /<script>window\.pwned=1<\/script><img src=x onerror=/, 'the tags are shown as text');
    assert.strictEqual(await reply.locator('script, img, svg, iframe, [onerror], [onload], a[href]').count(), 0);
    const frame = await frameOf();
    assert.strictEqual(await frame.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.strictEqual(await frame.evaluate(() => (window.parent as unknown as { pwned?: number }).pwned), undefined);
    await workbench.screenshot('e2e-results-grid-hostile');

    // A link to this computer is checked by the host, as in the chat: it asks before opening it.
    await reply.locator('.link', { hasText: 'the admin page' }).click();
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    const asked = await dialog.innerText();
    assert.match(asked, /Open a link to this computer or your private network\?/);
    assert.ok(asked.includes('http://127.0.0.1:9/admin'), asked);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('looks native in light, dark and high-contrast themes, with the summary bars filtering on click', async () => {
    // A click, not typing: the workbench hands the focus back to the webview a moment after a dialog closes.
    await grid.locator('.toolbar button', { hasText: 'Clear Filters' }).click();
    assert.strictEqual(await grid.locator('input.filter').inputValue(), '');
    await grid.locator('.toolbar .count', { hasText: `${ROWS.toLocaleString('en-US')} rows` }).waitFor({ timeout: 30_000 });
    const failedBar = grid.locator('.summary .bar[data-value="failed"]');
    if ((await failedBar.getAttribute('aria-pressed')) !== 'true') await failedBar.click();
    await grid.locator('.toolbar .count', { hasText: `${Math.floor(ROWS / 97)} rows` }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await grid.locator('.summary .bar[data-value="failed"]').getAttribute('aria-pressed'), 'true');
    assert.match(await grid.locator('.body .row').first().innerText(), /req-00097[\s\S]*failed/);
    await setTheme('Light Modern', 'vscode-light');
    await workbench.screenshot('e2e-results-grid-light');
    await setTheme('Dark Modern', 'vscode-dark');
    await workbench.screenshot('e2e-results-grid-dark');
    await setTheme('Dark High Contrast', 'vscode-high-contrast');
    await workbench.screenshot('e2e-results-grid-high-contrast');
  });

  it('resizes a column by dragging its header edge; the width and the filter survive hiding the tab', async () => {
    const header = grid.locator('[role="columnheader"][data-column="customId"]');
    const widthOf = async () => Math.round(await header.evaluate((el) => el.getBoundingClientRect().width));
    const before = await widthOf();
    const handle = (await header.locator('.resize').boundingBox())!;
    const { mouse } = workbench.page;
    await mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await mouse.down();
    await mouse.move(handle.x + handle.width / 2 + 40, handle.y + handle.height / 2, { steps: 4 });
    await mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 4 });
    await mouse.up();
    resizedWidth = await widthOf();
    assert.strictEqual(resizedWidth, before + 80, `dragged 80 px wider than ${before}`);
    const cell = grid.locator('.body .row').first().locator('[role="gridcell"]').nth(1);
    assert.strictEqual(Math.round(await cell.evaluate((el) => el.getBoundingClientRect().width)), resizedWidth, 'the cells follow');

    await new Promise((resolve) => setTimeout(resolve, 1000)); // the grid saves its state on a short delay
    await workbench.openFile('big.jsonl'); // hides the grid: its webview is dropped (no retainContextWhenHidden)
    await workbench.page.locator('.tab', { hasText: 'big.results.jsonl' }).click();
    await openGrid();
    await grid.locator('.toolbar .count', { hasText: `${Math.floor(ROWS / 97)} rows` }).waitFor({ timeout: 60_000 });
    assert.strictEqual(await grid.locator('.summary .bar[data-value="failed"]').getAttribute('aria-pressed'), 'true');
    assert.strictEqual(await widthOf(), resizedWidth, 'the width came back');
  });

  it('comes back after a window reload with its filter and rows', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the workbench stores webview state on a short delay
    await workbench.page.reload();
    await workbench.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    // The workbench may bring back big.jsonl (opened and closed again while hiding the grid) in front: the tab.
    await workbench.page.locator('.tab', { hasText: 'big.results.jsonl' }).click({ timeout: 60_000 });
    await openGrid();
    await grid.locator('.toolbar .count', { hasText: `${Math.floor(ROWS / 97)} rows` }).waitFor({ timeout: 60_000 });
    assert.strictEqual(await grid.locator('.summary .bar[data-value="failed"]').getAttribute('aria-pressed'), 'true');
    assert.match(await grid.locator('.body .row').first().innerText(), /req-00097/);
    const header = grid.locator('[role="columnheader"][data-column="customId"]');
    assert.strictEqual(Math.round(await header.evaluate((el) => el.getBoundingClientRect().width)), resizedWidth, 'and its widths');
  });

  it('marks the input file: ✓ in the gutter of each succeeded line, ✗ on a failed one', async () => {
    const { page } = workbench;
    await workbench.openFile('big.jsonl');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines').waitFor({ timeout: 30_000 });
    // Line 97 failed (every 97th does); the lines around it succeeded.
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':97');
    await page.keyboard.press('Enter');
    const icons = async () =>
      editor
        .locator('.cgmr')
        .evaluateAll((elements) =>
          elements.map((el) => (/result-(\w+)\.svg/.exec(getComputedStyle(el).backgroundImage) ?? [])[1] ?? 'none'),
        );
    let kinds: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      kinds = await icons();
      if (kinds.includes('failed') && kinds.filter((k) => k === 'succeeded').length >= 10) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(kinds.includes('failed'), `a ✗ mark on line 97: ${JSON.stringify(kinds)}`);
    assert.ok(kinds.filter((k) => k === 'succeeded').length >= 10, `✓ marks on the lines around it: ${JSON.stringify(kinds)}`);
    assert.strictEqual(kinds.filter((k) => k === 'failed').length, 1, 'only line 97 of those on screen failed');
    await workbench.screenshot('e2e-results-input-marks');
  });

  it("Retry Failed Requests in the grid's toolbar asks first, and a No leaves no file behind", async () => {
    const { page } = workbench;
    await page.locator('.tab', { hasText: 'big.results.jsonl' }).click();
    await openGrid();
    await grid.locator('.toolbar button', { hasText: 'Retry Failed Requests' }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.locator('.dialog-message-text', { hasText: `Retry ${Math.floor(ROWS / 97)} failed requests of big.jsonl?` }).waitFor({
      timeout: 60_000,
    });
    assert.match(await dialog.innerText(), /big\.retry\.jsonl now holds exactly those request lines/);
    const retryFile = path.join(workbench.workspace, 'big.retry.jsonl');
    assert.ok(fs.existsSync(retryFile), 'the retry file is written before the question, so it can be looked at');
    await workbench.screenshot('e2e-results-retry-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    const deadline = Date.now() + 15_000;
    while (fs.existsSync(retryFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(!fs.existsSync(retryFile), 'declining removes the retry file');
  });

  it("a row's Go to Input Line opens the input beside, at that request's line", async () => {
    const { page } = workbench;
    await page.locator('.tab', { hasText: 'big.results.jsonl' }).click();
    await openGrid();
    // Still filtered to the failed rows: the second is line 194 (the input's cursor was left on line 97).
    await grid.locator('.body .row', { hasText: 'req-00194' }).click();
    await grid.locator('.detail .detail-head .custom-id', { hasText: 'req-00194' }).waitFor({ timeout: 30_000 });
    await grid.locator('.detail .error pre', { hasText: 'Failure 194' }).waitFor(); // the service's error body
    await grid.locator('.detail button', { hasText: 'Go to Input Line' }).click();
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'big.jsonl' }).waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'Ln 194, Col 1' }).waitFor({ timeout: 15_000 });
    await workbench.screenshot('e2e-results-go-to-input');
  });
});
