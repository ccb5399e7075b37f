// The chat webview's Content Security Policy. No `vscode` import, so its exact directives are unit-tested.

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
