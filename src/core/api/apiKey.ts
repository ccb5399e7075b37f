// What makes an API key unusable before it is sent. A header value carries visible ASCII only; a line
// break or a non-ASCII letter would otherwise fail inside fetch, reported as if the network were down.

/** Why `key` cannot be sent as a bearer token (e.g. "it contains a line break (character 5 of 12)"), or undefined. */
export function apiKeyProblem(key: string): string | undefined {
  if (!key) return 'it is empty';
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x20 && code < 0x7f) continue;
    const what =
      code === 10 || code === 13
        ? 'a line break'
        : code === 32
          ? 'a space'
          : code === 9
            ? 'a tab'
            : code < 32 || code === 127
              ? 'a control character'
              : 'a non-ASCII character';
    return `it contains ${what} (character ${i + 1} of ${key.length})`;
  }
  return undefined;
}
