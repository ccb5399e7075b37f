/** The `max` entries of `record` with the largest `stampOf`, in their original order; the rest dropped. */
export function newestEntries<T>(record: Readonly<Record<string, T>>, max: number, stampOf: (value: T) => number): Record<string, T> {
  const entries = Object.entries(record);
  if (entries.length <= max) return { ...record };
  const kept = new Set(
    entries
      .map(([key, value]) => ({ key, stamp: stampOf(value) }))
      .sort((a, b) => b.stamp - a.stamp)
      .slice(0, Math.max(0, max))
      .map((e) => e.key),
  );
  return Object.fromEntries(entries.filter(([key]) => kept.has(key)));
}
