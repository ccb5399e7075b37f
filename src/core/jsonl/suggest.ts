/** The candidate within edit distance 2 of `name` (a likely typo), case ignored, as the candidate spells it. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Adjacent character pairs, lower-cased, with their counts. */
function bigrams(text: string): Map<string, number> {
  const lower = text.toLowerCase();
  const counts = new Map<string, number>();
  for (let i = 0; i < lower.length - 1; i++) {
    const pair = lower.slice(i, i + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

/** Sørensen–Dice similarity of the two texts' bigrams: 1 for the same text, 0 for nothing in common. */
function similarity(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  let total = 0;
  for (const [pair, count] of a) {
    shared += Math.min(count, b.get(pair) ?? 0);
    total += count;
  }
  for (const count of b.values()) total += count;
  return total === 0 ? 0 : (2 * shared) / total;
}

/**
 * The model ids most like `name`, best first: at most `limit`, each at least 0.3 similar and within 0.15 of the
 * best, so `deepseek-v3` gets both DeepSeek V3 models (and R1) but `gpt-4o` gets none. Ids are compared whole
 * (`Meta-Llama-3.3-70B` finds `klusterai/Meta-Llama-3.3-70B-Instruct-Turbo`).
 */
export function closestModels(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = bigrams(name);
  const scored = [...new Set(candidates)]
    .filter((id) => id !== name)
    .map((id) => ({ id, score: similarity(wanted, bigrams(id)) }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const best = scored[0]?.score ?? 0;
  return scored
    .filter((s) => s.score >= 0.3 && s.score >= best - 0.15)
    .slice(0, limit)
    .map((s) => s.id);
}
