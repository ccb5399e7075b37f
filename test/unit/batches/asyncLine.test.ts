import * as assert from 'assert';
import { asyncRequestOf, asyncResultsPath, oneLineBatch } from '../../../src/core/batches/asyncLine';
import { requestLine, TEST_MODEL } from '../../fixtures/requests';

describe('async request lines', () => {
  it('takes the body of a request line, without stream or metadata of its own', () => {
    const line = requestLine('q-1', 'hi', { temperature: 0.2, stream: true, metadata: { a: 1 } });
    assert.deepStrictEqual(asyncRequestOf(line), {
      customId: 'q-1',
      body: { model: TEST_MODEL, messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 },
    });
    assert.deepStrictEqual(asyncRequestOf('{"custom_id": "x"'), { error: 'the line is not valid JSON' });
    assert.deepStrictEqual(asyncRequestOf('{"body": {}}'), { error: 'the line has no custom_id' });
    assert.deepStrictEqual(asyncRequestOf('{"custom_id": "x", "body": {"model": "m"}}'), { error: 'its body has no model and messages' });
  });

  it('names the result after the input and the custom_id, safe for a file name', () => {
    assert.strictEqual(asyncResultsPath('/w/data/requests.jsonl', 'q-7'), '/w/data/requests.async-q-7.results.jsonl');
    assert.strictEqual(asyncResultsPath('/w/r.JSONL', 'a/b c'), '/w/r.async-a_b_c.results.jsonl');
  });

  it('makes a one-line batch: the request on its own line number, results under its custom_id', () => {
    const request = requestLine('q-3', 'hi');
    const out = JSON.stringify({ id: 'r1', custom_id: 'async-123-abc', response: { status_code: 200, body: {} }, error: null });
    const batch = oneLineBatch(request, 3, [out, '', 'not json'], 'q-3');
    assert.strictEqual(batch.input, `\n\n${request}\n`);
    assert.deepStrictEqual(JSON.parse(batch.results.split('\n')[0]!), {
      id: 'r1',
      custom_id: 'q-3',
      response: { status_code: 200, body: {} },
      error: null,
    });
    assert.strictEqual(batch.results.split('\n')[1], 'not json', 'an unreadable line is kept for the join to report');
    assert.strictEqual(oneLineBatch(request, 1, [], 'q-3').results, '');
  });
});
