// A person compares an experiment's columns: Open Comparison from the palette on the open experiment file picks
// the results beside it; the header shows each column's pass rate as a bar; only the rows on screen are in the
// DOM; the keyboard moves between cells and opens one with its request, reply and verdicts; a reply full of
// hostile HTML stays inert; the disagreement filter leaves the rows where the columns differ. Screenshots.
import * as assert from 'assert';
import type { Frame, FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

const ROWS = 3000;
const HOSTILE_ROW = 2;
const HOSTILE =
  '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"><svg onload="window.pwned=3"></svg><iframe src="javascript:parent.pwned=4"></iframe>[click](javascript:window.pwned=5) **bold**';
const LABELS = ['drama', 'crime', 'comedy', 'horror'];
const PROVIDERS = [
  ['deepseek-ai/DeepSeek-V3', 'v3'],
  ['klusterai/Meta-Llama-3.3-70B-Instruct-Turbo', '70B'],
  ['klusterai/Meta-Llama-3.1-8B-Instruct-Turbo', '8B'],
];

const EXPERIMENT = `description: Genre of a film, three models
prompts:
  - label: genre
    messages:
      - {role: system, content: "Answer with one genre."}
      - {role: user, content: "{{overview}}"}
providers:
${PROVIDERS.map(([id, label]) => `  - {id: ${id}, label: ${label}, config: {temperature: 0}}`).join('\n')}
tests: file://films.csv
defaultTest:
  assert:
    - {type: icontains, value: "{{genre}}"}
`;

/** Column v3 always right; 70B wrong on every third row, 8B on every fifth; row 2 of 70B replies with hostile HTML. */
function files(): Record<string, string> {
  const csv = ['overview,genre'];
  const results: string[] = [];
  for (let row = 1; row <= ROWS; row++) {
    const genre = LABELS[row % LABELS.length]!;
    csv.push(`Film number ${row},${genre}`);
    PROVIDERS.forEach(([model], m) => {
      const wrong = (m === 1 && row % 3 === 0) || (m === 2 && row % 5 === 0);
      const content = m === 1 && row === HOSTILE_ROW ? `${HOSTILE} ${genre}` : wrong ? 'western' : `The genre is ${genre}.`;
      results.push(
        JSON.stringify({
          custom_id: `exp-r${row}-p1-m${m + 1}`,
          status: 'succeeded',
          response: {
            status_code: 200,
            body: { model, choices: [{ message: { role: 'assistant', content } }], usage: { prompt_tokens: 20, completion_tokens: 4 } },
          },
          error: null,
        }),
      );
    });
  }
  return {
    'films.experiment.yaml': EXPERIMENT,
    'films.csv': csv.join('\n') + '\n',
    'films.batch.results.jsonl': results.join('\n') + '\n',
  };
}

describe('E2E: experiment comparison', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let view: FrameLocator;

  const frameOf = async (): Promise<Frame> => (await (await view.locator('body').elementHandle())!.ownerFrame())!;
  const rowsInDom = () => view.locator('.body .row').count();

  before(async () => {
    workbench = await openWorkbench('comparison', { files: files() });
  });
  after(async () => {
    await workbench?.close();
  });

  it('opens from the palette on the experiment, with a pass-rate bar per column and only the rows on screen in the DOM', async () => {
    const { page } = workbench;
    await workbench.openFile('films.experiment.yaml');
    await workbench.runCommand('kluster: Open Comparison');
    await workbench.pickRow(page.locator('.quick-input-list .monaco-list-row', { hasText: 'films.batch.results.jsonl' }).first());
    view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await view.locator('.body .row:not(.placeholder)').first().waitFor({ timeout: 60_000 });
    await view.locator('.column-stats .pass-rate').nth(2).waitFor({ timeout: 30_000 });
    assert.deepStrictEqual(await view.locator('.column-stats .pass-rate').allInnerTexts(), ['100.0%', '66.7%', '80.0%']);
    assert.deepStrictEqual(await view.locator('.column-stats h2').allInnerTexts(), ['genre × v3', 'genre × 70B', 'genre × 8B']);
    assert.strictEqual(await view.locator('.column-stats .meter').nth(1).getAttribute('aria-valuenow'), '66.7');
    assert.strictEqual(await view.locator('[role="grid"]').getAttribute('aria-rowcount'), String(ROWS + 1));
    assert.ok((await rowsInDom()) < 120, `only the rows on screen are in the DOM: ${await rowsInDom()}`);
    assert.strictEqual(await view.locator('.toolbar .count').innerText(), '3,000 rows');

    // Scroll to the middle: those rows arrive and the DOM stays small.
    await view.locator('.viewport').evaluate((el) => (el.scrollTop = 1500 * 24));
    await view.locator('.body .row:not(.placeholder) .cell.test', { hasText: /^1501 / }).waitFor({ timeout: 30_000 });
    assert.ok((await rowsInDom()) < 120, `still only the rows on screen: ${await rowsInDom()}`);
    await workbench.screenshot('e2e-comparison');
  });

  it('opens a cell from the keyboard with its request, reply and verdicts; hostile HTML stays inert text', async () => {
    const { page } = workbench;
    await view.locator('[role="grid"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    assert.strictEqual(await view.locator('[role="grid"]').getAttribute('aria-activedescendant'), 'cell-1-1', 'row 2, column 70B');
    await page.keyboard.press('Enter');
    const reply = view.locator('.detail .reply-body');
    await reply.waitFor({ timeout: 30_000 });
    await reply.locator('strong', { hasText: 'bold' }).waitFor();
    assert.match(await reply.innerText(), /<script>window\.pwned=1<\/script><img src=x onerror=/, 'the tags are shown as text');
    assert.strictEqual(await reply.locator('script, img, svg, iframe, [onerror], [onload], a[href]').count(), 0);
    const frame = await frameOf();
    assert.strictEqual(await frame.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.strictEqual(await frame.evaluate(() => (window.parent as unknown as { pwned?: number }).pwned), undefined);
    await view.locator('.detail .request .text', { hasText: 'Film number 2' }).waitFor();
    assert.match(
      await view.locator('.detail .verdicts li').first().innerText(),
      /icontains[\s\S]*The reply contains "comedy" \(ignoring case\)\./,
    );
    await workbench.screenshot('e2e-comparison-cell');
    await page.keyboard.press('Escape');
    await view.locator('.detail').waitFor({ state: 'hidden' });
  });

  it('the disagreement filter leaves the rows where the columns differ, still virtualised', async () => {
    await view.locator('button[data-filter="disagreements"]').click();
    // Rows where 70B (every third) or 8B (every fifth) is wrong: 1000 + 600 - 200.
    await view.locator('.toolbar .count', { hasText: /^1,400 rows$/ }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await view.locator('button[data-filter="disagreements"]').getAttribute('aria-pressed'), 'true');
    assert.strictEqual(await view.locator('[role="grid"]').getAttribute('aria-rowcount'), '1401');
    await view.locator('.body .row:not(.placeholder)').first().waitFor();
    assert.match(await view.locator('.body .row').first().locator('.cell.test').innerText(), /^3\b/);
    assert.strictEqual(await view.locator('.body .row').first().locator('[data-outcome]').nth(1).getAttribute('data-outcome'), 'fail');
    assert.ok((await rowsInDom()) < 120, `only the rows on screen: ${await rowsInDom()}`);
    await workbench.screenshot('e2e-comparison-disagreements');
  });

  it('looks native in high-contrast and light themes', async () => {
    await workbench.setTheme('Dark High Contrast');
    await view.locator('body.vscode-high-contrast').waitFor({ timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the webview repaints with the new colours
    await workbench.screenshot('e2e-comparison-high-contrast');
    await workbench.setTheme('Light Modern');
    await view.locator('body.vscode-light').waitFor({ timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await workbench.screenshot('e2e-comparison-light');
  });
});
