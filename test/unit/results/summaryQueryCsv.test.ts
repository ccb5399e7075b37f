import * as assert from 'assert';
import { csvField, toCsv, UTF8_BOM } from '../../../src/core/results/csv';
import { queryRows } from '../../../src/core/results/query';
import { parseResult, toRow, type ResultRow } from '../../../src/core/results/rows';
import { summarize, SummaryTally } from '../../../src/core/results/summary';
import { joined, rawSuccess } from './fixtures';

const rowOf = (text: string, index: number): ResultRow =>
  toRow(parseResult(text), { index, fileLine: index + 1, offset: 0, length: text.length });

const rows = [
  JSON.stringify({
    ...rawSuccess('a', 'Paris is the capital', 'm1', { prompt_tokens: 10, completion_tokens: 5 }),
    input_line: 1,
    status: 'succeeded',
  }),
  joined('b', 2, 'failed'),
  JSON.stringify({ ...rawSuccess('c', 'zebra', 'm2', { prompt_tokens: 1, completion_tokens: 50 }), input_line: 3, status: 'succeeded' }),
  joined('d', 4, 'missing'),
  JSON.stringify({ custom_id: 'e', input_line: null, status: 'unmatched', response: null, error: null }),
  (() => {
    const r = rawSuccess('f', 'cut off', 'm2', { prompt_tokens: 2, completion_tokens: 100 });
    r.response.body.choices[0]!.finish_reason = 'length';
    return JSON.stringify({ ...r, input_line: 5, status: 'succeeded' });
  })(),
].map(rowOf);

describe('results summary', () => {
  it('counts by status and by model, tokens by model, finish reasons of successes', () => {
    const s = summarize(rows);
    assert.strictEqual(s.total, 6);
    assert.deepStrictEqual(s.byStatus, { succeeded: 3, failed: 1, missing: 1, unmatched: 1 });
    assert.deepStrictEqual(s.byModel, [
      { model: '(unknown)', rows: 3, succeeded: 0, failed: 1, promptTokens: 0, completionTokens: 0 },
      { model: 'm2', rows: 2, succeeded: 2, failed: 0, promptTokens: 3, completionTokens: 150 },
      { model: 'm1', rows: 1, succeeded: 1, failed: 0, promptTokens: 10, completionTokens: 5 },
    ]);
    assert.deepStrictEqual(
      s.finishReasons,
      [
        { reason: 'length', rows: 1 },
        { reason: 'stop', rows: 2 },
      ].sort((a, b) => b.rows - a.rows),
    );
    assert.deepStrictEqual([s.promptTokens, s.completionTokens], [13, 155]);
  });

  it('a tally fed in batches sums up the same, and a summary read midway does not change later', () => {
    const tally = new SummaryTally();
    tally.add(rows.slice(0, 2));
    const midway = tally.summary();
    const before = JSON.stringify(midway);
    tally.add(rows.slice(2));
    assert.deepStrictEqual(tally.summary(), summarize(rows));
    assert.strictEqual(JSON.stringify(midway), before);
    assert.strictEqual(midway.total, 2);
  });
});

describe('results filter and sort', () => {
  const ids = (indexes: number[]) => indexes.map((i) => rows[i]!.customId);
  it('shows every row in file order by default', () => assert.deepStrictEqual(ids(queryRows(rows, {})), ['a', 'b', 'c', 'd', 'e', 'f']));
  it('filters by status, model, finish reason and text (case-insensitive, in reply or error)', () => {
    assert.deepStrictEqual(ids(queryRows(rows, { statuses: ['failed', 'missing'] })), ['b', 'd']);
    assert.deepStrictEqual(ids(queryRows(rows, { models: ['m2'] })), ['c', 'f']);
    assert.deepStrictEqual(ids(queryRows(rows, { models: ['(unknown)'] })), ['b', 'd', 'e']);
    assert.deepStrictEqual(ids(queryRows(rows, { finishReasons: ['length'] })), ['f']);
    assert.deepStrictEqual(ids(queryRows(rows, { text: 'PARIS' })), ['a']);
    assert.deepStrictEqual(ids(queryRows(rows, { text: 'boom' })), ['b']);
    assert.deepStrictEqual(ids(queryRows(rows, { statuses: ['succeeded'], models: ['m2'], text: 'zeb' })), ['c']);
  });
  it('sorts by any column either way, rows without a value last, ties in file order', () => {
    assert.deepStrictEqual(ids(queryRows(rows, { sort: { column: 'completionTokens', descending: true } })), [
      'f',
      'c',
      'a',
      'b',
      'd',
      'e',
    ]);
    assert.deepStrictEqual(ids(queryRows(rows, { sort: { column: 'completionTokens', descending: false } })), [
      'a',
      'c',
      'f',
      'b',
      'd',
      'e',
    ]);
    assert.deepStrictEqual(ids(queryRows(rows, { sort: { column: 'status', descending: false } })), ['b', 'd', 'e', 'a', 'c', 'f']);
    assert.deepStrictEqual(ids(queryRows(rows, { sort: { column: 'reply', descending: false } })), ['f', 'a', 'c', 'b', 'd', 'e']);
    assert.deepStrictEqual(ids(queryRows(rows, { sort: { column: 'line', descending: true } })), ['f', 'd', 'c', 'b', 'a', 'e']);
  });
});

describe('results CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    assert.strictEqual(csvField('plain'), 'plain');
    assert.strictEqual(csvField('a,b'), '"a,b"');
    assert.strictEqual(csvField('say "hi"'), '"say ""hi"""');
    assert.strictEqual(csvField('two\nlines'), '"two\nlines"');
    assert.strictEqual(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.strictEqual(csvField('@SUM(A1)'), "'@SUM(A1)");
  });
  it('writes the chosen columns with a header, CRLF records, numbers bare, nulls empty, and an optional BOM', () => {
    const csv = toCsv(rows.slice(0, 2), ['line', 'customId', 'status', 'completionTokens', 'error'], { bom: true });
    assert.strictEqual(csv, `${UTF8_BOM}Line,custom_id,Status,Completion tokens,Error\r\n1,a,succeeded,5,\r\n2,b,failed,,boom\r\n`);
    assert.ok(!toCsv([], ['line']).startsWith(UTF8_BOM));
  });
});
