import * as assert from 'assert';
import { firstLines, loadOutcomes, markLines } from '../../../src/core/results/outcomes';
import { joined, request, tempDir } from './fixtures';

describe('results outcomes on the input lines', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => (t = await tempDir()));
  afterEach(() => t.remove());

  it('marks each request line with its outcome by custom_id, and follows lines that moved', async () => {
    const lines = [request('a'), request('b'), request('c')];
    const input = await t.write('in.jsonl', lines);
    const results = await t.write('in.results.jsonl', [
      joined('a', 1, 'succeeded'),
      joined('b', 2, 'failed'),
      joined('c', 3, 'missing'),
      JSON.stringify({ custom_id: 'x', input_line: null, status: 'unmatched', response: null, error: null }),
    ]);
    const outcomes = await loadOutcomes(results, input);
    assert.deepStrictEqual([...outcomes.keys()], ['a', 'b', 'c']);
    const marks = (doc: string[]) => markLines(doc, outcomes).map((m) => [m.line, m.outcome.row.customId, m.status, m.stale]);
    assert.deepStrictEqual(marks(lines), [
      [0, 'a', 'succeeded', false],
      [1, 'b', 'failed', false],
      [2, 'c', 'missing', false],
    ]);
    // Two lines inserted above, one request edited, one deleted: marks move with their lines; the edited one is stale.
    const edited = ['', request('new'), lines[0]!, request('b', 'another question'), lines[2]!];
    assert.deepStrictEqual(marks(edited), [
      [2, 'a', 'succeeded', false],
      [3, 'b', 'failed', true],
      [4, 'c', 'missing', false],
    ]);
  });

  it('marks only the first line of a custom_id used twice, and no line that is not a request', async () => {
    const input = await t.write('in.jsonl', [request('a')]);
    const results = await t.write('r.jsonl', [joined('a', 1, 'succeeded')]);
    const outcomes = await loadOutcomes(results, input);
    assert.deepStrictEqual(
      markLines(['not json', request('a'), request('a')], outcomes).map((m) => m.line),
      [1],
    );
  });

  it('keeps the first lines of a reply for a hover', () => {
    assert.strictEqual(firstLines('one\n\ntwo\r\nthree'), 'one\ntwo\nthree');
    assert.strictEqual(firstLines('1\n2\n3\n4\n5\n6', 2), '1\n2\n…');
    assert.strictEqual(firstLines('x'.repeat(10), 4, 4), 'xxxx…');
  });
});
