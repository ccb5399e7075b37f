import * as assert from 'assert';
import { requestLine } from '../../fixtures/requests';
import { appendedText, isRequestFileTarget, readRequestFile } from '../../../src/core/chat/requestFile';

const request = (id: string) => requestLine(id, 'hi');

describe('the file a request is saved to', () => {
  it('collects the custom_ids in use, also from broken lines and with a bad escape, without throwing', () => {
    const text =
      [request('a'), '{"custom_id": "bad\\q", "method": "POST"', '{"custom_id": "esc\\u0041ped"', 'not json at all', request('a')].join(
        '\n',
      ) + '\n';
    const file = readRequestFile(text);
    assert.deepStrictEqual([...file.takenIds].sort(), ['a', 'bad\\q', 'escAped']);
    assert.strictEqual(file.kind, 'batch');
  });

  it("puts the new line after the last one, ending an unfinished last line first, in the file's own line ending", () => {
    const cases: [string, number, string][] = [
      ['', 0, 'NEW\n'],
      [`${request('a')}\n`, 1, 'NEW\n'],
      [`${request('a')}\n${request('b')}`, 2, '\nNEW\n'],
      [`${request('a')}\r\n${request('b')}\r\n`, 2, 'NEW\r\n'],
      [`${request('a')}\r\n${request('b')}`, 2, '\r\nNEW\r\n'],
      // A lone CR ends a line for the validator and the editor too.
      [`${request('a')}\r${request('b')}\r`, 2, 'NEW\n'],
      ['\n\n', 2, 'NEW\n'],
    ];
    for (const [text, nextLine, addition] of cases) {
      const file = readRequestFile(text);
      assert.deepStrictEqual([file.nextLine, appendedText(file, 'NEW')], [nextLine, addition], JSON.stringify(text));
    }
  });

  it('tells results and fine-tuning files apart from batch input by their first non-blank line', () => {
    const result = JSON.stringify({ id: 'r', custom_id: 'a', response: { status_code: 200, body: {} }, error: null });
    assert.strictEqual(readRequestFile(`\n${result}\n`).kind, 'results');
    assert.strictEqual(readRequestFile(JSON.stringify({ messages: [{ role: 'user', content: 'x' }] })).kind, 'finetune');
    assert.strictEqual(readRequestFile('  \n').kind, 'blank');
  });

  it('offers only batch request files (and empty ones, or one whose first line is broken) as Save targets', () => {
    const result = JSON.stringify({ id: 'r', custom_id: 'a', response: { status_code: 200, body: {} }, error: null });
    const failed = JSON.stringify({ id: 'r', custom_id: 'a', response: null, error: { code: 'x', message: 'no' } });
    assert.strictEqual(isRequestFileTarget(`${request('a')}\n${request('b')}\n`), true);
    assert.strictEqual(isRequestFileTarget(''), true);
    assert.strictEqual(isRequestFileTarget('\n  \n'), true);
    assert.strictEqual(isRequestFileTarget(`{"custom_id": "a", "meth\n${request('b')}`), true, 'broken first line');
    assert.strictEqual(isRequestFileTarget(`\n${result}\n`), false, 'output file');
    assert.strictEqual(isRequestFileTarget(failed), false, 'error file');
    assert.strictEqual(isRequestFileTarget(JSON.stringify({ messages: [{ role: 'user', content: 'x' }] })), false, 'fine-tuning');
    assert.strictEqual(isRequestFileTarget('{"event":"start"}'), false, 'other JSON Lines');
    assert.strictEqual(isRequestFileTarget('[1,2]'), false);
  });
});
