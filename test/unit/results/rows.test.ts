import * as assert from 'assert';
import { excerpt, parseResult, requestInfo } from '../../../src/core/results/rows';
import { joined, rawFailure, rawSuccess, request } from './fixtures';

describe('results rows', () => {
  it('reads a joined success: status, model, reply, finish reason, tokens, one attempt', () => {
    const r = parseResult(joined('a', 3, 'succeeded'));
    assert.deepStrictEqual(r, {
      customId: 'a',
      inputLine: 3,
      inputFile: null,
      status: 'succeeded',
      model: 'm1',
      reply: 'answer a',
      finishReason: 'stop',
      promptTokens: 3,
      completionTokens: 4,
      error: null,
      attempts: 1,
      origin: null,
    });
  });

  it('derives the status of raw output and error lines from the response', () => {
    assert.strictEqual(parseResult(JSON.stringify(rawSuccess('a'))).status, 'succeeded');
    const failed = parseResult(JSON.stringify(rawFailure('b', 'model overloaded')));
    assert.deepStrictEqual([failed.status, failed.error, failed.inputLine], ['failed', 'model overloaded', null]);
    const http = parseResult(
      JSON.stringify({ custom_id: 'c', response: { status_code: 404, body: { error: { message: 'no such model' } } }, error: null }),
    );
    assert.deepStrictEqual([http.status, http.error], ['failed', 'no such model']);
    const bare = parseResult(JSON.stringify({ custom_id: 'd', response: { status_code: 500, body: {} }, error: null }));
    assert.deepStrictEqual([bare.status, bare.error], ['failed', 'HTTP 500']);
  });

  it('a missing row has no attempts and says why; a line that is not an object is unmatched', () => {
    const missing = parseResult(joined('a', 1, 'missing'));
    assert.deepStrictEqual([missing.status, missing.attempts, missing.error], ['missing', 0, 'The batch expired before this request ran.']);
    const junk = parseResult('[1, 2');
    assert.deepStrictEqual([junk.status, junk.customId, junk.error], ['unmatched', null, 'This line is not a JSON object.']);
  });

  it('keeps attempts and origin that a merge wrote', () => {
    const r = parseResult(joined('a', 1, 'failed', { attempts: 3, origin: 'batch_2' }));
    assert.deepStrictEqual([r.attempts, r.origin], [3, 'batch_2']);
  });

  it('excerpts are one line, cut with an ellipsis, never inside a surrogate pair', () => {
    assert.strictEqual(excerpt('a\n\n b\tc  '), 'a b c');
    assert.strictEqual(excerpt('x'.repeat(10), 4), 'xxxx…');
    assert.strictEqual(excerpt('abc😀', 4), 'abc…');
    assert.strictEqual(excerpt(' abcd \t', 4), 'abcd');
    assert.strictEqual(excerpt(' abcd e', 4), 'abcd…');
  });

  it('excerpts exactly as collapsing whitespace with a regex, trimming and cutting would', () => {
    const reference = (text: string, max: number) => {
      const one = text.replace(/\s+/g, ' ').trim();
      if (one.length <= max) return one;
      const end = one.charCodeAt(max - 1) >= 0xd800 && one.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
      return `${one.slice(0, end)}…`;
    };
    const pieces = ['a', 'bc', ' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '😀', 'é', 'xyz', '\u200b'];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    // Text spaced with single spaces only (most replies) takes another path than text with other whitespace.
    const plain = ['a', 'bc', ' ', '😀', 'é', 'xyz', '\u200b'];
    const some = (from: string[]) => Array.from({ length: random(20) }, () => from[random(from.length)]).join('');
    for (let k = 0; k < 15000; k++) {
      // Other whitespace anywhere; single spaces only; single spaces first, other whitespace after.
      const text = k % 3 === 0 ? some(pieces) + some(pieces) : k % 3 === 1 ? some(plain) + some(plain) : some(plain) + some(pieces);
      const max = 1 + random(30);
      assert.strictEqual(excerpt(text, max), reference(text, max), JSON.stringify({ text, max }));
    }
  });

  it('takes the last user message of a request, text parts joined, images noted', () => {
    assert.deepStrictEqual(requestInfo(request('a', 'hello\nthere')), { customId: 'a', model: 'm1', lastUser: 'hello there' });
    const parts = JSON.stringify({
      custom_id: 'p',
      body: {
        model: 'v',
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'x' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is' },
              { type: 'image_url', image_url: { url: 'https://x' } },
            ],
          },
        ],
      },
    });
    assert.strictEqual(requestInfo(parts).lastUser, 'what is [image]');
    assert.deepStrictEqual(requestInfo('not json'), { customId: null, model: null, lastUser: '' });
  });
});
