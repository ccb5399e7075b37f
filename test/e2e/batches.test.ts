// A person submits a batch from the editor, watches the tree, and opens the results beside the input.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FAIL_TRIGGER, startEmulator, type Emulator } from '../../src/emulator';
import { KlusterClient } from '../../src/core/api';
import { requestLine, TEST_MODEL } from '../fixtures/requests';
import { openWorkbench, waitUntil, type Workbench } from './workbench';

const questions = [
  'What is a batch API?',
  'Summarise JSONL in one line.',
  'Name three prime numbers.',
  'Translate "hello" to French.',
  'What is 12 * 12?',
];
const REQUESTS = questions.map((q, i) => requestLine(`question-${i + 1}`, q)).join('\n') + '\n';
const WITH_FAILURE = questions.map((q, i) => requestLine(`mixed-${i + 1}`, i === 2 ? `${q} ${FAIL_TRIGGER}` : q)).join('\n') + '\n';
const BROKEN =
  [
    requestLine('ok-1', 'fine'),
    JSON.stringify({ custom_id: 'get-1', method: 'GET', url: '/v1/chat/completions', body: { model: TEST_MODEL, messages: [] } }),
  ].join('\n') + '\n';

describe('E2E: batches tree and results beside', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let workbench: Workbench;
  let client: KlusterClient;
  let tmp: string;
  /** The batch the palette submitted; each test that needs it submits it first when run alone (ensureSubmitted). */
  let submittedId: string | undefined;

  /** Creates a batch the way another tool would, naming a workspace file in its metadata. */
  async function seed(client: KlusterClient, name: string, text: string): Promise<string> {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    const uploaded = await client.uploadFile(file);
    return (await client.createBatch({ inputFileId: uploaded.id, metadata: { input_file: name } })).id;
  }

  const seededBatch = (name: string) =>
    emulator.state.batches.list().find((b) => b.metadata.input_file === name && b.metadata.source !== 'vscode');

  /** The Files view's row of batch input `name` (its purpose column says batch). */
  const uploadedInputRow = (name: string) =>
    workbench.page
      .locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Files' }) })
      .locator('.monaco-list-row', { hasText: name })
      .filter({ hasText: /\bbatch\b/ })
      .first();

  /** The account of other tools' batches the tree tests look at: completed, failed, cancelled and expired. */
  async function ensureAccountSeeded(): Promise<void> {
    if (seededBatch('product-reviews.jsonl')) return;
    await seed(client, 'product-reviews.jsonl', REQUESTS);
    await seed(client, 'broken-upstream.jsonl', BROKEN);
    const cancelled = await seed(client, 'old-prompts.jsonl', REQUESTS);
    await client.cancelBatch(cancelled);
    const expired = await seed(client, 'overnight.jsonl', REQUESTS);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await emulator.state.expireBatch(expired);
    await workbench.runCommand('kluster: Refresh Batches');
  }

  /** Submits requests.jsonl from the palette with a 1 hour window, as a person does, and returns its batch id. */
  async function submitFromPalette(): Promise<string> {
    const { page } = workbench;
    const before = new Set(emulator.state.batches.list().map((b) => b.id));
    await workbench.openFile('requests.jsonl');
    await workbench.runCommand('kluster: Submit File as Batch');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.filter({ hasText: '5 requests · 1 model' }).waitFor({ timeout: 30_000 });
    assert.match(await title.innerText(), /Submit requests\.jsonl: 5 requests · 1 model · ~\d+ input tokens/);
    // The models are rows of their own, their full names readable (a placeholder cut them off).
    const modelRow = page.locator('.quick-input-list .monaco-list-row', { hasText: TEST_MODEL }).filter({ hasText: '5 requests' });
    await modelRow.waitFor({ timeout: 15_000 });
    const name = modelRow.locator('.label-name').first();
    assert.strictEqual(await name.innerText(), TEST_MODEL);
    assert.ok(await name.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the model name is not cut off');
    assert.ok(!(await page.locator('.quick-input-widget input').getAttribute('placeholder'))?.includes('Models'), 'not in the placeholder');
    assert.ok(fs.statSync(await workbench.screenshot('e2e-submit-confirm')).size > 20_000);
    await workbench.pickRow(page.locator('.quick-input-list .monaco-list-row', { hasText: '1 hour' }));
    const created = await waitUntil(
      'the submitted batch in the emulator',
      () => emulator.state.batches.list().find((b) => !before.has(b.id)),
      30_000,
    );
    submittedId = created.id;
    return created.id;
  }

  /** The palette-submitted batch, submitting it first when an earlier test did not (a test run on its own). */
  async function ensureSubmitted(): Promise<string> {
    return submittedId ?? (await submitFromPalette());
  }

  before(async () => {
    // Slow enough that a batch submitted in the UI is still running when the tree is photographed.
    emulator = await startEmulator({ timing: { validatingMs: 1500, inProgressMs: 25_000, finalizingMs: 1500, cancellingMs: 1500 } });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-batches-'));
    client = new KlusterClient({ baseUrl: emulator.url, apiKey: emulator.apiKey });
    // The account starts empty; the first test fills it.
    workbench = await openWorkbench('batches', {
      env: { KLUSTER_API_KEY: emulator.apiKey },
      // The web workbench saves after a delay by default; off, so an edit stays unsaved until submitted.
      settings: { 'kluster.baseUrl': emulator.url, 'kluster.batch.completionWindow': '24h', 'files.autoSave': 'off' },
      files: {
        'requests.jsonl': REQUESTS,
        'product-reviews.jsonl': REQUESTS,
        'broken-upstream.jsonl': BROKEN,
        'has-failures.jsonl': WITH_FAILURE,
      },
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

  it('shows the empty-account welcome until the account has batches', async () => {
    const { page } = workbench;
    await workbench.showKlusterViews();
    await widenSideBar();
    const welcome = page.locator('.welcome-view-content', { hasText: 'No batches in this kluster.ai account yet.' });
    await welcome.waitFor({ timeout: 60_000 });
    assert.ok(await welcome.locator('.monaco-button', { hasText: 'Submit File as Batch' }).first().isVisible());
    await page.mouse.move(0, 0);
    assert.ok(fs.statSync(await workbench.screenshot('e2e-batches-empty-welcome')).size > 20_000);

    await ensureAccountSeeded();
    await welcome.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('submits the open file from the palette and shows batches in several states', async () => {
    const { page } = workbench;
    await workbench.showKlusterViews();
    await ensureAccountSeeded();
    await row('product-reviews.jsonl').waitFor({ timeout: 60_000 });

    const batchId = await submitFromPalette();

    await row('requests.jsonl')
      .filter({ hasText: /validating|in progress/ })
      .waitFor({ timeout: 30_000 });
    await row('product-reviews.jsonl').filter({ hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await row('requests.jsonl')
      .filter({ hasText: /in progress · [1-4]\/5/ })
      .waitFor({ timeout: 30_000 });
    await row('broken-upstream.jsonl').filter({ hasText: 'failed' }).click();
    await page.keyboard.press('ArrowRight'); // expand: its errors.data entries
    await row('Line 2:').waitFor({ timeout: 15_000 });
    for (const state of ['cancelled', 'expired']) await row(state).waitFor({ timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: 'requests.jsonl' }).waitFor({ timeout: 15_000 });
    await page.mouse.move(0, 0);
    const shot = await workbench.screenshot('e2e-batches-tree');
    assert.ok(fs.statSync(shot).size > 20_000);
    const stored = emulator.state.batch(batchId)!;
    assert.deepStrictEqual(stored.metadata, {
      input_file: 'requests.jsonl',
      input_folder: path.basename(workbench.workspace),
      source: 'vscode',
    });
    assert.strictEqual(stored.completionWindow, '1h');
  });

  it('notifies when the batch completes and opens the joined results beside the input', async () => {
    const { page } = workbench;
    await ensureSubmitted();
    const toast = page.locator('.notification-toast', { hasText: 'Batch requests.jsonl completed · 5/5.' });
    await toast.waitFor({ timeout: 90_000 });
    await toast.locator('.monaco-button', { hasText: 'Open Results' }).click();
    await page.locator('.tab', { hasText: 'requests.results.jsonl' }).waitFor({ timeout: 30_000 });
    await page.locator('.notification-toast', { hasText: 'requests.results.jsonl: 5 succeeded, 0 failed' }).waitFor({ timeout: 15_000 });
    const groups = page.locator('.editor-group-container');
    assert.strictEqual(await groups.count(), 2, 'results open in a second editor group, beside the input');
    const results = fs
      .readFileSync(path.join(workbench.workspace, 'requests.results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      results.map((r) => r.custom_id),
      questions.map((_, i) => `question-${i + 1}`),
    );
    await page.mouse.move(0, 0);
    const shot = await workbench.screenshot('e2e-results-beside');
    assert.ok(fs.statSync(shot).size > 20_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await workbench?.screenshot(`failed-batches-${this.currentTest.title.slice(0, 30).replace(/\W+/g, '-')}`);
  });

  const dialog = () => workbench.page.locator('.monaco-dialog-box');
  /** Runs a palette command that asks for a batch, and picks the one whose label has `label`. */
  async function pickBatchFor(command: string, label: string): Promise<void> {
    await workbench.runCommand(command);
    await workbench.pickRow(workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first());
  }

  it('remembers which file a batch came from across a window reload', async () => {
    const { page } = workbench;
    // Found by id, not metadata: a retry of this test must find the batch whose metadata it already emptied.
    const submitted = emulator.state.batch(await ensureSubmitted())!;
    // Run on its own, the batch was only just submitted: let the window see it end (and keep its link to the file)
    // before the reload, as it has when the earlier tests ran.
    await workbench.showKlusterViews();
    await row('requests.jsonl').filter({ hasText: 'completed' }).waitFor({ timeout: 90_000 });
    // The service forgets the file name: from now on only the link kept in workspace state can name it.
    for (const key of Object.keys(submitted.metadata)) delete submitted.metadata[key];
    fs.rmSync(path.join(workbench.workspace, 'requests.results.jsonl'), { force: true });

    await page.reload(); // a new extension host
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    await workbench.showKlusterViews();
    await row('requests.jsonl').filter({ hasText: 'completed' }).waitFor({ timeout: 60_000 });
    assert.strictEqual(await row(submitted.id).count(), 0, 'labelled with the file name, not the id');

    await pickBatchFor('kluster: Open Results Beside', 'requests.jsonl');
    // The reload restores the tab of the results deleted above, so the tab alone does not say the join is done: wait
    // for the file, which is written whole (renamed into place).
    const resultsPath = path.join(workbench.workspace, 'requests.results.jsonl');
    await waitUntil(`${resultsPath} to be written`, () => fs.existsSync(resultsPath), 30_000);
    await page.locator('.tab', { hasText: 'requests.results.jsonl' }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await dialog().count(), 0, 'nobody was asked for the input file');
    const results = fs.readFileSync(resultsPath, 'utf8').trim().split('\n');
    assert.deepStrictEqual(
      results.map((l) => JSON.parse(l).custom_id),
      questions.map((_, i) => `question-${i + 1}`),
    );
  });

  it('asks before replacing an existing results file: Cancel keeps it, Replace writes the results', async () => {
    const { page } = workbench;
    const submitted = await ensureSubmitted();
    await waitUntil(
      'the submitted batch to complete',
      () => emulator.state.batch(submitted)?.status === 'completed',
      90_000,
      () => emulator.state.batch(submitted)?.status,
    );
    const resultsPath = path.join(workbench.workspace, 'requests.results.jsonl');
    fs.writeFileSync(resultsPath, 'my notes\n');
    const replaceDialog = dialog().filter({
      hasText: 'requests.results.jsonl already exists. Replace it with the results of batch requests.jsonl?',
    });

    await pickBatchFor('kluster: Open Results Beside', 'requests.jsonl');
    await replaceDialog.waitFor({ timeout: 15_000 });
    const shot = await workbench.screenshot('e2e-results-replace-confirm');
    assert.ok(fs.statSync(shot).size > 20_000);
    await dialog().getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.strictEqual(fs.readFileSync(resultsPath, 'utf8'), 'my notes\n', 'kept after Cancel');

    await pickBatchFor('kluster: Open Results Beside', 'requests.jsonl');
    await replaceDialog.waitFor({ timeout: 15_000 });
    await dialog().getByRole('button', { name: 'Replace', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 15_000 });
    // The summary toast of the earlier open may still show, so wait on the file itself.
    await waitUntil('the results to replace the notes', () => fs.readFileSync(resultsPath, 'utf8') !== 'my notes\n', 30_000);
    await page
      .locator('.notification-toast', { hasText: 'requests.results.jsonl: 5 succeeded, 0 failed' })
      .first()
      .waitFor({ timeout: 30_000 });
    const replaced = fs
      .readFileSync(resultsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      replaced.map((r) => [r.custom_id, r.status]),
      questions.map((_, i) => [`question-${i + 1}`, 'succeeded']),
    );
    // The editor shows what was written, not the notes it had open before.
    await page.locator('.monaco-editor .view-lines', { hasText: '"input_line"' }).first().waitFor({ timeout: 15_000 });
    assert.strictEqual(
      await page.locator('.monaco-editor .view-lines', { hasText: 'my notes' }).count(),
      0,
      'no editor still shows the replaced notes',
    );
    assert.strictEqual(
      await page.locator('.tab', { hasText: 'requests.results.jsonl' }).count(),
      1,
      'opened again in its own tab, not in a new group',
    );
  });

  it('asks before joining results to an input saved again since it was submitted: Cancel writes nothing, Join Anyway joins', async () => {
    const { page } = workbench;
    const submitted = await ensureSubmitted();
    await waitUntil(
      'the submitted batch to complete',
      () => emulator.state.batch(submitted)?.status === 'completed',
      90_000,
      () => emulator.state.batch(submitted)?.status,
    );
    const inputPath = path.join(workbench.workspace, 'requests.jsonl');
    const resultsPath = path.join(workbench.workspace, 'requests.results.jsonl');
    fs.rmSync(resultsPath, { force: true });
    fs.appendFileSync(inputPath, requestLine('question-6', 'Added after the batch was sent.') + '\n');
    const changed = dialog().filter({ hasText: 'requests.jsonl changed since batch requests.jsonl was submitted.' });

    await pickBatchFor('kluster: Open Results Beside', 'requests.jsonl');
    await changed.waitFor({ timeout: 15_000 });
    assert.match(await changed.innerText(), /It is [\d,]+ bytes now, [\d,]+ when submitted\./);
    assert.ok(fs.statSync(await workbench.screenshot('e2e-results-input-changed')).size > 20_000);
    await dialog().getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 15_000 });
    await page.waitForTimeout(1500);
    assert.ok(!fs.existsSync(resultsPath), 'nothing written after Cancel');

    await pickBatchFor('kluster: Open Results Beside', 'requests.jsonl');
    await changed.waitFor({ timeout: 15_000 });
    await dialog().getByRole('button', { name: 'Join Anyway' }).click();
    await page
      .locator('.notification-toast', {
        hasText: /requests\.jsonl changed since batch requests\.jsonl was submitted .*joined by custom_id/,
      })
      .first()
      .waitFor({ timeout: 30_000 });
    const joined = fs
      .readFileSync(resultsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      joined.map((r) => [r.custom_id, r.status]),
      [...questions.map((_, i) => [`question-${i + 1}`, 'succeeded']), ['question-6', 'missing']],
      'the line added later has no result, and says so',
    );
  });

  it('asks before cancelling, and does nothing when the person says Cancel', async () => {
    const { page } = workbench;
    const target = await seed(client, 'to-cancel.jsonl', REQUESTS);
    await seed(client, 'has-failures.jsonl', WITH_FAILURE); // finishes during the next tests
    await workbench.runCommand('kluster: Refresh Batches');
    await row('to-cancel.jsonl').waitFor({ timeout: 30_000 });
    await row('has-failures.jsonl').waitFor({ timeout: 30_000 });

    await pickBatchFor('kluster: Cancel Batch', 'to-cancel.jsonl');
    await dialog().filter({ hasText: 'Cancel batch to-cancel.jsonl?' }).waitFor({ timeout: 15_000 });
    const shot = await workbench.screenshot('e2e-cancel-confirm');
    assert.ok(fs.statSync(shot).size > 20_000);
    await dialog().getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(['validating', 'in_progress'].includes(emulator.state.batch(target)!.status), 'still running after Cancel');
    assert.ok(!emulator.state.requests.some((r) => r.path === `/v1/batches/${target}/cancel`), 'no cancel request was sent');

    await pickBatchFor('kluster: Cancel Batch', 'to-cancel.jsonl');
    await dialog().getByRole('button', { name: 'Cancel Batch' }).click();
    await page.locator('.notification-toast', { hasText: 'Batch to-cancel.jsonl is cancelling' }).waitFor({ timeout: 15_000 });
    await row('to-cancel.jsonl')
      .filter({ hasText: /cancelling|cancelled/ })
      .waitFor({ timeout: 15_000 });
    assert.ok(['cancelling', 'cancelled'].includes(emulator.state.batch(target)!.status));
  });

  it('asks for the input file when it is not in the workspace, and joins results to the one chosen', async () => {
    const { page } = workbench;
    await ensureAccountSeeded();
    const copy = path.join(workbench.workspace, 'copies', 'prompts-copy.jsonl');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.writeFileSync(copy, REQUESTS);

    await pickBatchFor('kluster: Open Results Beside', 'old-prompts.jsonl');
    await dialog().filter({ hasText: 'old-prompts.jsonl is gone' }).waitFor({ timeout: 15_000 });
    await dialog().getByRole('button', { name: 'Choose Input File…' }).click();
    // The workbench's own file dialog on a remote workspace: a path box in the quick input.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // The dialog fills in its starting folder itself; type over it only once it has.
    await waitUntil(
      'the file dialog to fill in its folder',
      async () => (await input.inputValue()).startsWith('/'),
      10_000,
      () => input.inputValue(),
    );
    // The dialog reads a folder's children asynchronously and may rewrite the typed path when a late read lands, so
    // go to the folder (typing it again until the file is listed, as a person would) and click the file: the dialog
    // accepts a clicked file by its own URI, whatever the path box says at that moment.
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'prompts-copy.jsonl' }).first();
    for (let attempt = 1; ; attempt++) {
      await input.fill(path.dirname(copy));
      await input.press('End');
      await input.type('/');
      try {
        await row.waitFor({ timeout: 8_000 });
        break;
      } catch (error) {
        if (attempt === 4) throw error;
      }
    }
    await row.click();
    await page.locator('.tab', { hasText: 'prompts-copy.results.jsonl' }).waitFor({ timeout: 30_000 });
    const joined = fs
      .readFileSync(path.join(path.dirname(copy), 'prompts-copy.results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      joined.map((r) => r.custom_id),
      questions.map((_, i) => `question-${i + 1}`),
    );
    for (const r of joined) assert.ok(r.response || r.error, `${r.custom_id} has a response or an error`);
  });

  it('offers Show Errors when a batch ends with failed requests, and puts each failure on its input line', async () => {
    const { page } = workbench;
    // Seeded by the cancel test so that it finishes meanwhile; seeded here when this test runs on its own.
    if (!seededBatch('has-failures.jsonl')) {
      await workbench.showKlusterViews(); // activates the extension when this test runs on its own
      await seed(client, 'has-failures.jsonl', WITH_FAILURE);
      await workbench.runCommand('kluster: Refresh Batches');
    }
    const toast = page.locator('.notification-toast', { hasText: 'Batch has-failures.jsonl completed · 1 failed of 5 (4 succeeded).' });
    await toast.waitFor({ timeout: 90_000 });
    // In the tree too: the failures in the description, and a warning icon instead of the clean batches' check.
    const partial = row('has-failures.jsonl').filter({ hasText: 'completed · 1 failed of 5' });
    await partial.waitFor({ timeout: 15_000 });
    // Its warning icon (instead of the check) is asserted by the integration test, which reads the icon's id.
    await partial.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    assert.ok(fs.statSync(await workbench.screenshot('e2e-batches-partial-failure')).size > 20_000);
    assert.strictEqual(await toast.locator('.monaco-button', { hasText: 'Open Results' }).count(), 1);
    await toast.locator('.monaco-button', { hasText: 'Show Errors' }).click();
    // A quick pick lists the failed requests with the service's message...
    const failure = page.locator('.quick-input-list .monaco-list-row', { hasText: 'mixed-3' });
    await failure.waitFor({ timeout: 30_000 });
    assert.match(await failure.innerText(), /line 3[\s\S]*The model failed while processing this request/);
    assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /1 failed request in batch has-failures\.jsonl/);
    assert.ok(fs.statSync(await workbench.screenshot('e2e-failed-requests-pick')).size > 20_000);
    await workbench.pickRow(failure);
    // ...and each is a problem on its own input line, there in the editor and in the Problems view.
    await page.locator('.tab.active', { hasText: 'has-failures.jsonl' }).waitFor({ timeout: 15_000 });
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Request mixed-3 failed in batch has-failures.jsonl' });
    await problem.first().waitFor({ timeout: 15_000 });
    assert.match(await problem.first().innerText(), /kluster\.ai[\s\S]*\[Ln 3, Col 1\]/);
    // The input file alone in the editor area, so its lines and their squiggles are legible in the screenshot.
    await workbench.runCommand('View: Close Editors in Other Groups');
    if (await page.locator('.part.auxiliarybar').isVisible()) await page.keyboard.press('Control+Alt+B');
    await page.locator('.tab.active', { hasText: 'has-failures.jsonl' }).click();
    await page.keyboard.press('Control+Home'); // the selection off the failed line, so its squiggle shows
    const squiggle = page.locator('.monaco-editor .squiggly-error');
    await squiggle.first().waitFor({ timeout: 15_000 });
    await page.mouse.move(0, 0);
    assert.ok(fs.statSync(await workbench.screenshot('e2e-failed-requests-diagnostics')).size > 20_000);
  });

  it('downloads a file from the Files view, says which folder it went to, and Reveal shows it in the Explorer', async () => {
    const { page } = workbench;
    if (!seededBatch('has-failures.jsonl')) {
      await workbench.showKlusterViews();
      await seed(client, 'has-failures.jsonl', WITH_FAILURE);
    }
    await workbench.runCommand('kluster: Refresh Files');
    const fileRow = uploadedInputRow('has-failures.jsonl');
    await fileRow.waitFor({ timeout: 60_000 });
    await fileRow.hover();
    await fileRow.locator('.action-label[aria-label="Download File"]').click();
    // The workbench's save dialog on a remote workspace: a path box, filled in with the workspace and the name.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await waitUntil('the save dialog to fill in the path', async () => (await input.inputValue()).endsWith('has-failures.jsonl'), 10_000);
    fs.mkdirSync(path.join(workbench.workspace, 'downloads'), { recursive: true });
    await input.fill(path.join(workbench.workspace, 'downloads', 'copy-of-input.jsonl'));
    await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
    const toast = page.locator('.notification-toast', {
      hasText: /Downloaded has-failures\.jsonl \(\d+ B\) to workspace\/downloads as copy-of-input\.jsonl\./,
    });
    await toast.waitFor({ timeout: 30_000 });
    // A quick download gets no progress toast: none is left up beside the outcome.
    const progress = page.locator('.notification-toast', { hasText: 'Downloading has-failures.jsonl' });
    assert.strictEqual(await progress.count(), 0, 'the "Downloading" progress toast is still up beside "Downloaded"');
    assert.ok(fs.existsSync(path.join(workbench.workspace, 'downloads', 'copy-of-input.jsonl')));
    await toast.locator('.monaco-button', { hasText: 'Reveal' }).click();
    // Revealed: the Explorer is shown with the file selected in its folder.
    const revealed = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'copy-of-input.jsonl' });
    await revealed.waitFor({ timeout: 15_000 });
    assert.ok(fs.statSync(await workbench.screenshot('e2e-download-revealed')).size > 20_000);
  });

  it('a slow download shows its progress toast, and its Cancel stops the download and writes nothing', async () => {
    const { page } = workbench;
    const SLOW_MS = 4000;
    const dest = path.join(workbench.workspace, 'downloads', 'slow-copy.jsonl');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.rmSync(dest, { force: true }); // a retry starts from no file
    // The file row is there from the tests before (or seeded here when run alone); Reveal left the Explorer in front.
    await workbench.showKlusterViews();
    if (!seededBatch('has-failures.jsonl')) await seed(client, 'has-failures.jsonl', WITH_FAILURE);
    await workbench.runCommand('kluster: Refresh Files');
    const fileRow = uploadedInputRow('has-failures.jsonl');
    await fileRow.waitFor({ timeout: 60_000 });
    emulator.faults.next({ kind: 'slow', path: /^\/v1\/files\/[^/]+\/content$/, delayMs: SLOW_MS });
    await fileRow.hover();
    await fileRow.locator('.action-label[aria-label="Download File"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await waitUntil('the save dialog to fill in the path', async () => (await input.inputValue()).endsWith('has-failures.jsonl'), 10_000);
    await input.fill(dest);
    await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
    const progress = page.locator('.notification-toast', { hasText: 'Downloading has-failures.jsonl' });
    await progress.waitFor({ timeout: 15_000 });
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    // Past the time the answer would have come: a download that went on regardless would be written by now.
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 2000));
    assert.strictEqual(await page.locator('.notification-toast', { hasText: /Downloaded has-failures\.jsonl/ }).count(), 0);
    assert.ok(!fs.existsSync(dest), 'nothing written after Cancel');
    emulator.faults.clear();
  });

  it('asks to save unsaved edits before submitting, and submits what was saved', async () => {
    const { page } = workbench;
    const uploads = () => emulator.state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files').length;
    await workbench.runCommand('View: Close All Editor Groups');
    await workbench.openFile('product-reviews.jsonl');
    // Delete the last request: the editor now holds 4, the disk still 5.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Delete');
    await page.locator('.tab.dirty', { hasText: 'product-reviews.jsonl' }).waitFor({ timeout: 15_000 });

    const before = uploads();
    await workbench.runCommand('kluster: Submit File as Batch');
    await dialog().filter({ hasText: 'product-reviews.jsonl has unsaved changes.' }).waitFor({ timeout: 15_000 });
    await dialog().getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 15_000 });
    assert.strictEqual(
      fs.readFileSync(path.join(workbench.workspace, 'product-reviews.jsonl'), 'utf8'),
      REQUESTS,
      'not saved after Cancel',
    );

    await workbench.runCommand('kluster: Submit File as Batch');
    await dialog().getByRole('button', { name: 'Save and Submit' }).click();
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.filter({ hasText: /Submit product-reviews\.jsonl: 4 requests/ }).waitFor({ timeout: 30_000 });
    await workbench.pickRow(page.locator('.quick-input-list .monaco-list-row', { hasText: '1 hour' }));
    await page
      .locator('.notification-toast', { hasText: /Submitted product-reviews\.jsonl as batch .* \(4 requests, 1h window\)/ })
      .waitFor({ timeout: 30_000 });
    assert.strictEqual(uploads(), before + 1, 'one upload, after the save; none after Cancel');
    const saved = fs.readFileSync(path.join(workbench.workspace, 'product-reviews.jsonl'), 'utf8');
    assert.strictEqual(saved.trim().split('\n').length, 4);
    const newest = emulator.state.batches
      .list()
      .find((b) => b.metadata.input_file === 'product-reviews.jsonl' && b.metadata.source === 'vscode')!;
    const uploaded = emulator.state.store.files.get(newest.inputFileId)!;
    assert.strictEqual(fs.readFileSync(uploaded.path, 'utf8'), saved, 'the saved text is what was uploaded');
  });
});
