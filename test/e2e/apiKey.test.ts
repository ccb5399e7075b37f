import * as assert from 'assert';
import * as fs from 'fs';
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
    const container = page.locator('.activitybar .action-item a[aria-label^="kluster.ai"]');
    await container.waitFor({ state: 'visible', timeout: 60_000 });
    await container.click();
    await page.locator('.pane-header', { hasText: 'Batches' }).first().waitFor({ timeout: 30_000 });
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
