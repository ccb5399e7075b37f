import * as assert from 'assert';
import { newestEntries } from '../../../src/core/util/newest';

describe('newestEntries', () => {
  const stamp = (v: { at: number }) => v.at;

  it('keeps everything while there are at most max entries', () => {
    const record = { a: { at: 1 }, b: { at: 2 } };
    assert.deepStrictEqual(newestEntries(record, 2, stamp), record);
  });

  it('drops the oldest beyond max, keeping the rest in their order', () => {
    const record = { old: { at: 1 }, newer: { at: 5 }, newest: { at: 9 }, middle: { at: 3 } };
    assert.deepStrictEqual(Object.keys(newestEntries(record, 2, stamp)), ['newer', 'newest']);
    assert.deepStrictEqual(newestEntries(record, 0, stamp), {});
  });
});
