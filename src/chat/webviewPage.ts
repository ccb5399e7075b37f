// What the chat panel and the results grid set up alike: the webview's options and its page.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { webviewHtml } from './csp';

/** Scripts on, forms and command links off, files only from dist/ and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableForms: false,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The page of a webview: `script` and its own `stylesheet` are paths in the extension (`dist/results.js`). */
export function webviewPage(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  page: { readonly title: string; readonly script: string; readonly stylesheet: string },
): string {
  return webviewHtml({
    ...page,
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    url: (file) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...file.split('/'))).toString(),
  });
}
