// A webview's page as the panel serves it, with the extension's files as file: URLs, for the browser benches.
import { randomBytes } from 'crypto';
import * as path from 'path';
import { webviewHtml } from '../../src/chat/csp';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function benchPage(script: string, stylesheet: string): string {
  const url = (file: string) => `file://${path.join(ROOT, file)}`;
  return webviewHtml({ cspSource: 'file:', nonce: randomBytes(16).toString('base64'), title: 'bench', script, stylesheet, url });
}
