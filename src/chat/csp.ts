// The webviews' page (chat, results grid): its Content Security Policy and the HTML around the one script. No
// `vscode` import, so the exact directives and markup are unit-tested.

/**
 * Nothing loads or runs unless listed: the one script by nonce (no inline script, handler or eval), styles,
 * images and fonts only from the extension's own files, no <base> to re-point relative URLs, and no form
 * submission anywhere.
 */
export function chatCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface WebviewPage {
  /** The webview's `cspSource`. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly title: string;
  /** The page's script and its own stylesheet, as paths in the extension (`dist/results.js`). */
  readonly script: string;
  readonly stylesheet: string;
  /** The URL the webview loads a path in the extension from. */
  readonly url: (file: string) => string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page: the CSP above; the icon font, the base both webviews share, the page's own stylesheet and the
 * markdown styles of replies, in that cascade order; an empty body and the one script by nonce; nothing inline.
 */
export function webviewHtml(page: WebviewPage): string {
  const styles = ['dist/codicon.css', 'media/webview.css', page.stylesheet, 'media/markdown.css'].map(page.url);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${chatCsp(page.cspSource, page.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((style) => `<link rel="stylesheet" href="${escapeHtml(style)}">`).join('\n')}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<script nonce="${page.nonce}" src="${escapeHtml(page.url(page.script))}"></script>
</body>
</html>`;
}
