// Debian's Chromium driven by playwright-core. Never `playwright install`: it downloads.
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Runtime } from './runtime';

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

// Without the background-networking flags Chromium keeps dialling hosts this network refuses.
export const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(runtime: Runtime, runDir: string): Promise<Browser> {
  const profile = path.join(runDir, 'chrome-profile');
  fs.mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: runtime.chrome,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROME_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close() };
}

/** The workbench URL for a folder, with an optional test payload (see runIntegration). */
export function workbenchUrl(serverUrl: string, folder: string, payload?: [string, string][]): string {
  let url = `${serverUrl}/?folder=${encodeURIComponent(path.resolve(folder))}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}
