import * as assert from 'assert';
import { FirstUseIndex } from '../../../src/core/jsonl/firstUse';

describe('custom_id first-use index', () => {
  it('answers like a Map for 50,000 ids, through growth, probing and non-ASCII ids', () => {
    const index = new FirstUseIndex();
    const reference = new Map<string, { line: number; start: number; end: number }>();
    const ids = [
      '',
      'é',
      '😀',
      'a'.repeat(5000),
      ...Array.from({ length: 50_000 }, (_, i) => `req-${i % 40_000}-${i % 7 === 0 ? 'ü' : ''}`),
    ];
    ids.forEach((id, line) => {
      const place = { line, start: line % 97, end: (line % 97) + id.length + 2 };
      if (!reference.has(id)) reference.set(id, place);
      index.add(id, place);
    });
    assert.strictEqual(index.size, reference.size);
    for (const [id, place] of reference) assert.deepStrictEqual(index.get(id), place, id.slice(0, 20));
    for (const id of ['req-40000-', 'req-1-ü', 'é ', 'a'.repeat(4999)]) assert.strictEqual(index.get(id), undefined, id.slice(0, 20));
  });
});
