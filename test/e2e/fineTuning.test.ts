// A person looks at the Fine-tuning view of an account with jobs in several states.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmulator, type Emulator } from '../../src/emulator';
import { KlusterClient } from '../../src/core/api';
import { datasetLines, FINE_TUNE_BASE } from '../fixtures/fineTuning';
import { openWorkbench, waitUntil, type Workbench } from './workbench';

const PHASE_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('E2E: Fine-tuning view', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let workbench: Workbench;
  let tmp: string;

  before(async () => {
    emulator = await startEmulator({ timing: { fineTuningPhaseMs: PHASE_MS } });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-fine-tuning-'));
    workbench = await openWorkbench('fine-tuning', {
      env: { KLUSTER_API_KEY: emulator.apiKey },
      settings: { 'kluster.baseUrl': emulator.url },
    });
  });
  after(async () => {
    await workbench?.close();
    await emulator?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function upload(client: KlusterClient, name: string, lines: string[]): Promise<string> {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return (await client.uploadFile(file, { purpose: 'fine-tune' })).id;
  }

  it('shows jobs succeeded, failed with its error, cancelled, running and queued', async () => {
    const { page } = workbench;
    const client = new KlusterClient({ baseUrl: emulator.url, apiKey: emulator.apiKey });
    const good = await upload(client, 'support-tickets.jsonl', datasetLines(40));
    const small = await upload(client, 'tiny.jsonl', datasetLines(3));
    await client.createFineTuningJob({ trainingFile: good, model: FINE_TUNE_BASE, hyperparameters: { n_epochs: 3 } });
    await client.createFineTuningJob({ trainingFile: small, model: FINE_TUNE_BASE });
    const cancelled = await client.createFineTuningJob({ trainingFile: good, model: 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo' });
    await client.cancelFineTuningJob(cancelled.id);
    await sleep(2 * PHASE_MS + 500); // the first has succeeded, the second failed, the third is cancelled
    const running = await client.createFineTuningJob({ trainingFile: good, model: 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo' });
    const { store } = emulator.state;
    /** Holds a job where it is, for as long as the photo takes. */
    const hold = (id: string) => store.cancelTimer(store.fineTuningJobs.get(id)!.timer);
    await waitUntil('a running job', () => store.fineTuningJobs.get(running.id)?.status === 'running', 10_000);
    hold(running.id);
    const queued = await client.createFineTuningJob({ trainingFile: good, model: FINE_TUNE_BASE, hyperparameters: { batch_size: 8 } });
    hold(queued.id);

    await workbench.showKlusterViews();
    if (await page.locator('.part.auxiliarybar').isVisible()) await page.keyboard.press('Control+Alt+B');
    const header = page.locator('.pane-header', { hasText: 'Fine-tuning' }).first();
    await header.waitFor({ timeout: 30_000 });
    // The Batches and Files views make room.
    for (const other of ['Batches', 'Files']) {
      const pane = page.locator('.pane-header', { hasText: other }).first();
      if ((await pane.getAttribute('aria-expanded')) === 'true') await pane.click();
    }
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // Room for the descriptions (status · age) in the photo.
    const box = await page.locator('.part.sidebar').boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width + 320, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
    }
    await workbench.runCommand('kluster: Refresh Fine-tuning Jobs');
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Fine-tuning' }) });
    const row = (text: string | RegExp) => pane.locator('.monaco-list-row', { hasText: text }).first();
    for (const state of ['succeeded', 'failed', 'cancelled', 'running', 'queued']) await row(state).waitFor({ timeout: 30_000 });
    assert.strictEqual(await pane.locator('.monaco-list-row').count(), 5, 'one row per job');
    assert.strictEqual(await row('running').locator('.codicon-modifier-spin').count(), 1, 'a running job spins');

    await row('failed').click();
    await page.keyboard.press('ArrowRight'); // expand: the error, the files, the hyperparameters
    await row('The training file has 3 examples').waitFor({ timeout: 15_000 });
    await row(/^Succeeded|succeeded/).click();
    await page.keyboard.press('ArrowRight');
    await row('Fine-tuned model').waitFor({ timeout: 15_000 });
    await row('Training file').waitFor({ timeout: 15_000 });
    await page.mouse.move(0, 0);
    const shot = await workbench.screenshot('e2e-fine-tuning-view');
    assert.ok(fs.statSync(shot).size > 20_000);
  });
});
