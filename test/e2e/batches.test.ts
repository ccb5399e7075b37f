// A person submits a batch from the editor, watches the tree, and opens the results beside the input.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmulator, type Emulator } from '../emulator';
import { KlusterClient } from '../../src/core/api';
import { openWorkbench, type Workbench } from './workbench';

const MODEL = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';
const request = (id: string, content: string) =>
  JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: MODEL, messages: [{ role: 'user', content }] } });
const questions = ['What is a batch API?', 'Summarise JSONL in one line.', 'Name three prime numbers.', 'Translate "hello" to French.', 'What is 12 * 12?'];
const REQUESTS = questions.map((q, i) => request(`question-${i + 1}`, q)).join('\n') + '\n';
const BROKEN = [request('ok-1', 'fine'), JSON.stringify({ custom_id: 'get-1', method: 'GET', url: '/v1/chat/completions', body: { model: MODEL, messages: [] } })].join('\n') + '\n';

describe('E2E: batches tree and results beside', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let workbench: Workbench;
  let tmp: string;

  /** Creates a batch the way another tool would, naming a workspace file in its metadata. */
  async function seed(client: KlusterClient, name: string, text: string): Promise<string> {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    const uploaded = await client.uploadFile(file);
    return (await client.createBatch({ inputFileId: uploaded.id, metadata: { input_file: name } })).id;
  }

  before(async () => {
    // Slow enough that a batch submitted in the UI is still running when the tree is photographed.
    emulator = await startEmulator({ timing: { validatingMs: 1500, inProgressMs: 25_000, finalizingMs: 1500, cancellingMs: 1500 } });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-batches-'));
    const client = new KlusterClient({ baseUrl: emulator.url, apiKey: emulator.apiKey });
    await seed(client, 'product-reviews.jsonl', REQUESTS);
    await seed(client, 'broken-upstream.jsonl', BROKEN);
    const cancelled = await seed(client, 'old-prompts.jsonl', REQUESTS);
    await client.cancelBatch(cancelled);
    const expired = await seed(client, 'overnight.jsonl', REQUESTS);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await emulator.state.expireBatch(expired);
    workbench = await openWorkbench('batches', {
      env: { KLUSTER_API_KEY: emulator.apiKey },
      settings: { 'kluster.baseUrl': emulator.url, 'kluster.batch.completionWindow': '24h' },
      files: { 'requests.jsonl': REQUESTS, 'product-reviews.jsonl': REQUESTS, 'broken-upstream.jsonl': BROKEN },
    });
  });
  after(async () => {
    await workbench?.close();
    await emulator?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const row = (text: string) =>
    workbench.page
      .locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Batches' }) })
      .locator('.monaco-list-row', { hasText: text })
      .first();

  /** Room for the descriptions in the screenshots: no secondary side bar, a wider primary one. */
  async function widenSideBar(): Promise<void> {
    const { page } = workbench;
    if (await page.locator('.part.auxiliarybar').isVisible()) await page.keyboard.press('Control+Alt+B');
    const box = await page.locator('.part.sidebar').boundingBox();
    if (!box) return;
    await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + 260, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
  }

  it('submits the open file from the palette and shows batches in several states', async () => {
    const { page } = workbench;
    await page.locator('.activitybar .action-item a[aria-label^="kluster.ai"]').click();
    await widenSideBar();
    await row('product-reviews.jsonl').waitFor({ timeout: 60_000 });

    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('requests.jsonl');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'requests.jsonl' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'requests.jsonl' }).waitFor({ timeout: 15_000 });

    await workbench.runCommand('kluster: Submit File as Batch');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.filter({ hasText: '5 requests · 1 model' }).waitFor({ timeout: 30_000 });
    assert.match(await title.innerText(), /Submit requests\.jsonl: 5 requests · 1 model · ~\d+ input tokens/);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '1 hour' }).click();

    await row('requests.jsonl').filter({ hasText: /validating|in progress/ }).waitFor({ timeout: 30_000 });
    await row('product-reviews.jsonl').filter({ hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await row('requests.jsonl').filter({ hasText: /in progress · [1-4]\/5/ }).waitFor({ timeout: 30_000 });
    await row('broken-upstream.jsonl').filter({ hasText: 'failed' }).click();
    await page.keyboard.press('ArrowRight'); // expand: its errors.data entries
    await row('Line 2:').waitFor({ timeout: 15_000 });
    for (const state of ['cancelled', 'expired']) await row(state).waitFor({ timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: 'requests.jsonl' }).waitFor({ timeout: 15_000 });
    await page.mouse.move(0, 0);
    const shot = await workbench.screenshot('e2e-batches-tree');
    assert.ok(fs.statSync(shot).size > 20_000);
    const stored = emulator.state.batches.list()[0]!;
    assert.deepStrictEqual(stored.metadata, { input_file: 'requests.jsonl', source: 'vscode' });
    assert.strictEqual(stored.completionWindow, '1h');
  });

  it('notifies when the batch completes and opens the joined results beside the input', async () => {
    const { page } = workbench;
    const toast = page.locator('.notification-toast', { hasText: 'Batch requests.jsonl completed' });
    await toast.waitFor({ timeout: 90_000 });
    await toast.locator('.monaco-button', { hasText: 'Open Results' }).click();
    await page.locator('.tab', { hasText: 'requests.results.jsonl' }).waitFor({ timeout: 30_000 });
    await page.locator('.notification-toast', { hasText: 'requests.results.jsonl: 5 succeeded, 0 failed' }).waitFor({ timeout: 15_000 });
    const groups = page.locator('.editor-group-container');
    assert.strictEqual(await groups.count(), 2, 'results open in a second editor group, beside the input');
    const results = fs.readFileSync(path.join(workbench.workspace, 'requests.results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepStrictEqual(results.map((r) => r.custom_id), questions.map((_, i) => `question-${i + 1}`));
    await page.mouse.move(0, 0);
    const shot = await workbench.screenshot('e2e-results-beside');
    assert.ok(fs.statSync(shot).size > 20_000);
  });
});
