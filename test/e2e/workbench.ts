// A person's view of the product: a fresh code-server with the packaged VSIX installed, and Chromium on it.
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchBrowser, workbenchUrl, type Browser } from '../vscode/browser';
import { installExtension, startCodeServer, type CodeServer } from '../vscode/codeServer';
import { ensureRuntime, makeRunDir, makeWorkspace, PROJECT_ROOT } from '../vscode/runtime';

export const VSIX = path.join(PROJECT_ROOT, 'kluster-vscode.vsix');
export const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-results');

/** Polls a condition outside the page (a file on disk, the emulator's state): the integration tests' waitFor. */
export { waitFor as waitUntil } from '../../src/core/util/waitFor';

export interface Workbench {
  readonly page: Page;
  readonly workspace: string;
  readonly server: CodeServer;
  /** Saves test-results/NAME.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** F1, type the command's title, Enter: exactly what a person does. */
  runCommand(title: string): Promise<void>;
  /**
   * Picks a row of the open quick pick with the arrow keys and Enter. A click waits for the row to be "stable"
   * over animation frames, and once on CI it waited out its 30 s on a row that was plainly there.
   */
  pickRow(row: Locator): Promise<void>;
  /** Ctrl+P, the file's name, Enter, until it is the active editor: opening a workspace file as a person does. */
  openFile(name: string): Promise<void>;
  /** Picks a colour theme as a person does: Ctrl+K Ctrl+T, its name, Enter. */
  setTheme(label: string): Promise<void>;
  /** Shows the kluster.ai side bar until its Batches view is on screen, without toggling it closed. */
  showKlusterViews(): Promise<void>;
  /** The page of the webview in front (chat, results grid, comparison): inside the workbench's two iframes. */
  webview(): FrameLocator;
  /** Opens the chat from the palette once the extension's contributions are in; resolves when its model list is. */
  openChat(): Promise<FrameLocator>;
  /**
   * After a window reload: brings the restored chat to the front by its tab (a webview renders only when shown,
   * and the workbench may put another editor in front) and resolves when it is ready.
   */
  showRestoredChat(): Promise<FrameLocator>;
  /** The messages of every browser dialog (alert, confirm) the page opened; each was dismissed. */
  readonly dialogs: readonly string[];
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Environment of the server and extension host, e.g. KLUSTER_API_KEY for an emulator. */
  env?: Record<string, string | undefined>;
  /** User settings, e.g. `kluster.baseUrl`. */
  settings?: Record<string, unknown>;
  /** Files to create in the workspace, by relative path. */
  files?: Record<string, string>;
}

export async function openWorkbench(label: string, options: WorkbenchOptions = {}): Promise<Workbench> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first`);
  const runtime = ensureRuntime();
  const runDir = makeRunDir(`e2e-${label}`);
  const workspace = makeWorkspace(runDir);
  for (const [name, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
    fs.writeFileSync(path.join(workspace, name), text);
  }
  const serverDir = path.join(runDir, 'server');
  installExtension(runtime, serverDir, VSIX);
  const server = await startCodeServer(runtime, serverDir, { env: options.env, settings: options.settings });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser(runtime, runDir);
    const { page } = browser;
    await page.goto(workbenchUrl(server.url, workspace));
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const opened = browser;
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const webview = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const chatReady = async () => {
      const chat = webview();
      await chat.locator('#prompt').waitFor({ state: 'visible', timeout: 60_000 });
      await chat.locator('#model option').first().waitFor({ state: 'attached', timeout: 30_000 });
      return chat;
    };
    return {
      page,
      workspace,
      server,
      dialogs,
      webview,
      async screenshot(name) {
        const file = path.join(SCREENSHOTS, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      async runCommand(title) {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill(`>${title}`);
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: title })
          .first()
          .waitFor({ timeout: 15_000 })
          .catch(async (error: unknown) => {
            await page.screenshot({ path: path.join(SCREENSHOTS, 'e2e-palette-failure.png') });
            throw error;
          });
        await page.keyboard.press('Enter');
      },
      async pickRow(row) {
        await row.waitFor({ state: 'visible', timeout: 30_000 });
        const wanted = await row.getAttribute('aria-label');
        const focused = page.locator('.quick-input-list .monaco-list-row.focused');
        const rows = await page.locator('.quick-input-list .monaco-list-row').count();
        // The list wraps around, so at most one lap of ArrowDown reaches any row.
        for (let i = 0; i <= rows && (await focused.getAttribute('aria-label')) !== wanted; i++) await page.keyboard.press('ArrowDown');
        const reached = await focused.getAttribute('aria-label');
        if (reached !== wanted)
          throw new Error(`the quick pick never focused ${JSON.stringify(wanted)}; last focused ${JSON.stringify(reached)}`);
        await page.keyboard.press('Enter');
      },
      async openFile(name) {
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill(name);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
        await page.keyboard.press('Enter');
        // Its tab may be there already (opened before, behind another editor): wait until it is the active
        // editor, or the next command would run with the previous one's context (resourceExtname, …).
        const active = page.locator('.editor-group-container.active .tab.active', { hasText: name });
        // From a chat webview that has just reloaded, the webview can take the focus back (and its editor
        // comes to the front again) after Quick Open showed the file: then click the file's tab, as a person would.
        if (
          !(await active.waitFor({ timeout: 5_000 }).then(
            () => true,
            () => false,
          ))
        ) {
          await page.locator('.tab', { hasText: name }).first().click();
          await active.waitFor({ timeout: 15_000 });
        }
        await page.waitForFunction((file) => document.title.replace(/^● /, '').startsWith(`${file} - `), name, { timeout: 15_000 });
      },
      async setTheme(label) {
        await page
          .locator('.monaco-workbench')
          .click({ position: { x: 5, y: 5 } })
          .catch(() => undefined);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+T');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill(label);
        await (this as Workbench).pickRow(page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first());
      },
      async showKlusterViews() {
        const icon = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="kluster.ai"]') });
        const header = page.locator('.pane-header', { hasText: 'Batches' }).first();
        await icon.waitFor({ state: 'visible', timeout: 60_000 });
        // After a reload the workbench restores the side bar a moment after the activity bar shows: clicking an
        // already checked icon would close it again, so click only while it is unchecked, and check again.
        for (let attempt = 1; ; attempt++) {
          if (await header.isVisible()) return;
          if (!/\bchecked\b/.test((await icon.getAttribute('class')) ?? '')) await icon.locator('a').click();
          try {
            await header.waitFor({ state: 'visible', timeout: 5_000 });
            return;
          } catch (error) {
            if (attempt === 6) throw error;
          }
        }
      },
      async openChat() {
        await page.locator('.activitybar .action-item a[aria-label^="kluster.ai"]').waitFor({ state: 'visible', timeout: 60_000 });
        await (this as Workbench).runCommand('kluster: Open Chat');
        return chatReady();
      },
      async showRestoredChat() {
        await page.locator('.tab', { hasText: 'kluster Chat' }).first().click({ timeout: 60_000 });
        return chatReady();
      },
      async close() {
        await opened.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
}
