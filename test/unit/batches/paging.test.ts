import * as assert from 'assert';
import { listAtLeast, MAX_LIST_LIMIT, type Page } from '../../../src/core/batches/paging';

/** A list service over `ids` (newest first) that records every request it gets. */
function service(ids: string[]) {
  const calls: { limit: number; after?: string }[] = [];
  const fetchPage = async (limit: number, after?: string): Promise<Page<{ id: string }>> => {
    calls.push({ limit, after });
    assert.ok(limit >= 1 && limit <= MAX_LIST_LIMIT, `limit ${limit} within the API's range`);
    const start = after ? ids.indexOf(after) + 1 : 0;
    return { data: ids.slice(start, start + limit).map((id) => ({ id })), has_more: start + limit < ids.length };
  };
  return { calls, fetchPage };
}

const range = (n: number, prefix = 'b') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('listing as many as were shown', () => {
  it('asks for one page of the wanted size when that is enough', async () => {
    const s = service(range(30));
    const { items, hasMore } = await listAtLeast(s.fetchPage, 22);
    assert.deepStrictEqual(
      items.map((i) => i.id),
      range(22),
    );
    assert.strictEqual(hasMore, true, '"Load more…" still follows');
    assert.deepStrictEqual(s.calls, [{ limit: 22, after: undefined }]);
  });

  it('pages past the API limit until enough are in', async () => {
    const s = service(range(250));
    const { items, hasMore } = await listAtLeast(s.fetchPage, 230);
    assert.deepStrictEqual(
      items.map((i) => i.id),
      range(230),
    );
    assert.strictEqual(hasMore, true);
    assert.deepStrictEqual(s.calls, [
      { limit: 100, after: undefined },
      { limit: 100, after: 'b99' },
      { limit: 30, after: 'b199' },
    ]);
  });

  it('stops when the service has no more, and says so', async () => {
    const s = service(range(12));
    const { items, hasMore } = await listAtLeast(s.fetchPage, 40);
    assert.strictEqual(items.length, 12);
    assert.strictEqual(hasMore, false);
    assert.strictEqual(s.calls.length, 1);
  });

  it('keeps new batches at the top and the older ones that were paged in', async () => {
    const ids = range(25);
    const s = service(['new1', 'new2', ...ids]);
    const { items } = await listAtLeast(s.fetchPage, 25);
    assert.deepStrictEqual(items.map((i) => i.id).slice(0, 3), ['new1', 'new2', 'b0']);
    assert.strictEqual(items.length, 25, 'as many as were shown; the two oldest wait behind "Load more…"');
  });

  it('drops duplicates and does not loop when a page repeats its cursor', async () => {
    let calls = 0;
    const stuck = async (): Promise<Page<{ id: string }>> => {
      calls++;
      return { data: [{ id: 'a' }, { id: 'a' }], has_more: true };
    };
    const { items, hasMore } = await listAtLeast(stuck, 10);
    assert.deepStrictEqual(items, [{ id: 'a' }]);
    assert.strictEqual(hasMore, false, 'a cursor that does not move ends the listing');
    assert.strictEqual(calls, 2);
  });
});
