/** Removes secrets from text before it is logged or shown: known secret values and any bearer token. */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; real keys are long.
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out.replace(/(Bearer\s+)[^\s"']+/gi, '$1[redacted]');
}
