import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KlusterClient } from '../../src/core/api';
import { FAST_TIMING, startEmulator, type Emulator } from '../../src/emulator';
import { openWorkbench, type Workbench } from './workbench';

describe('E2E: installed VSIX in the workbench', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench('api-key');
  });
  after(async () => {
    await workbench?.close();
  });

  it('shows the kluster.ai activity-bar view with the "set a key" welcome', async () => {
    const { page } = workbench;
    await workbench.showKlusterViews();
    const welcome = page.locator('.welcome-view-content', { hasText: 'No kluster.ai API key is set.' });
    await welcome.waitFor({ timeout: 30_000 });
    assert.ok(await welcome.locator('a.monaco-button, .monaco-button', { hasText: 'Set API Key' }).first().isVisible());
    assert.ok(fs.existsSync(await workbench.screenshot('e2e-activity-bar-welcome')));
  });

  it('runs "kluster: Set API Key" from the palette with a password box, then hides the welcome', async () => {
    const { page } = workbench;
    await workbench.runCommand('kluster: Set API Key');
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('e2e-secret-key-123456');
    await workbench.screenshot('e2e-set-api-key-prompt');
    await page.keyboard.press('Enter');
    await page.locator('.notifications-toasts', { hasText: 'API key saved' }).waitFor({ timeout: 15_000 });
    await page
      .locator('.welcome-view-content', { hasText: 'No kluster.ai API key is set.' })
      .waitFor({ state: 'detached', timeout: 15_000 });
    const shot = await workbench.screenshot('e2e-api-key-saved');
    assert.ok(fs.statSync(shot).size > 10_000, 'screenshot has content');
    // The key itself is never on screen.
    assert.ok(!(await page.content()).includes('e2e-secret-key-123456'));
  });
});

describe('E2E: KLUSTER_API_KEY as the fallback key', function () {
  this.timeout(180_000);
  let emulator: Emulator;
  let workbench: Workbench;

  before(async () => {
    emulator = await startEmulator({ timing: FAST_TIMING });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-env-key-'));
    const input = path.join(dir, 'from-env.jsonl');
    fs.writeFileSync(
      input,
      JSON.stringify({
        custom_id: 'a',
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] },
      }) + '\n',
    );
    const client = new KlusterClient({ baseUrl: emulator.url, apiKey: emulator.apiKey });
    const file = await client.uploadFile(input);
    await client.createBatch({ inputFileId: file.id, metadata: { input_file: 'from-env.jsonl' } });
    fs.rmSync(dir, { recursive: true, force: true });
    // No key in secret storage: only the environment has one.
    workbench = await openWorkbench('env-key', {
      env: { KLUSTER_API_KEY: emulator.apiKey },
      settings: { 'kluster.baseUrl': emulator.url },
    });
  });
  after(async () => {
    await workbench?.close();
    await emulator?.close();
  });

  it('lists the account with the environment key, and a stored key takes precedence', async () => {
    const { page } = workbench;
    await workbench.showKlusterViews();
    const batchRow = page.locator('.monaco-list-row', { hasText: 'from-env.jsonl' }).first();
    await batchRow.waitFor({ timeout: 60_000 });
    assert.strictEqual(await page.locator('.welcome-view-content', { hasText: 'No kluster.ai API key is set.' }).count(), 0);
    await workbench.screenshot('e2e-env-key');

    // A stored key wins over the environment: a wrong one makes the view say the key was refused.
    await workbench.runCommand('kluster: Set API Key');
    await page.locator('.quick-input-widget input[type="password"]').fill('a-wrong-key-1234567');
    await page.keyboard.press('Enter');
    // Set API Key checks the key at once and says it does not work; it is kept anyway.
    await page
      .locator('.notifications-toasts', { hasText: 'API key saved to secret storage, but it does not work: The API key was refused (401' })
      .waitFor({ timeout: 30_000 });
    await workbench.screenshot('e2e-api-key-refused');
    await page
      .locator('.monaco-list-row', { hasText: /refused/i })
      .first()
      .waitFor({ timeout: 30_000 });
    const content = await page.content();
    assert.ok(!content.includes('a-wrong-key-1234567'), 'the stored key is never on screen');
    assert.ok(!content.includes(emulator.apiKey), 'nor the environment key');

    await workbench.runCommand('kluster: Set API Key');
    await page.locator('.quick-input-widget input[type="password"]').fill(emulator.apiKey);
    await page.keyboard.press('Enter');
    const host = new URL(emulator.url).host;
    await page.locator('.notifications-toasts', { hasText: `It works: ${host} lists 10 models.` }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-list-row', { hasText: 'from-env.jsonl' }).first().waitFor({ timeout: 30_000 });
    assert.ok(!(await page.content()).includes(emulator.apiKey), 'the key is never on screen');
  });
});
