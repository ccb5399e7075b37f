// Re-listing what the person already paged in, so a refresh does not drop "Load more…" pages.

export interface Page<T> {
  readonly data: readonly T[];
  readonly has_more?: boolean | null;
}

/** Most items one list request may ask for (the API's `limit` is 1..100). */
export const MAX_LIST_LIMIT = 100;

/**
 * Lists from the top until at least `want` items are in or the service has no more, asking for at most
 * MAX_LIST_LIMIT per request. Duplicates (a list that shifted between pages) are dropped.
 */
export async function listAtLeast<T extends { readonly id: string }>(
  fetchPage: (limit: number, after?: string) => Promise<Page<T>>,
  want: number,
): Promise<{ items: T[]; hasMore: boolean }> {
  const items: T[] = [];
  const seen = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, want - items.length));
    const page = await fetchPage(limit, after);
    for (const item of page.data) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
    const last = page.data.at(-1)?.id;
    const hasMore = Boolean(page.has_more) && last !== undefined && last !== after;
    if (!hasMore || items.length >= want) return { items, hasMore };
    after = last;
  }
}
