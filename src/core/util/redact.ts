/**
 * Removes secrets from text before it is logged or shown: known secret values, also URL-encoded or
 * JSON-escaped (as servers echo them back) and in any letter case, and any bearer token.
 */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; real keys are long.
    if (secret && secret.length >= 8) out = out.replace(secretPattern(secret), '[redacted]');
  }
  return out.replace(/(Bearer\s+)[^\s"']+/gi, '$1[redacted]');
}

function secretPattern(secret: string): RegExp {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret), json, json.replace(/\//g, '\\/')]);
  // Longest first, so that no shorter form matches inside a longer one and leaves part of it.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(alternatives.join('|'), 'gi');
}
