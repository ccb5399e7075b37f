// toKlusterError and isCancellation on what cancelling produces outside the SDK: file streams, timers, other realms.
import * as assert from 'assert';
import { createReadStream } from 'fs';
import * as vm from 'vm';
import { isCancellation, KlusterError, toKlusterError } from '../../../src/core/api';

function streamAbortError(): Promise<unknown> {
  const controller = new AbortController();
  controller.abort();
  return new Promise((resolve) => createReadStream(__filename, { signal: controller.signal }).on('error', resolve));
}

describe('API errors', () => {
  it("maps Node's and the DOM's AbortError to aborted, without a signal to go by", async () => {
    const fromStream = await streamAbortError();
    const fromDom = new DOMException('This operation was aborted', 'AbortError');
    // An AbortError from another realm (e.g. a worker or vm context) is not `instanceof Error` here.
    const otherRealm: unknown = vm.runInNewContext("Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })");
    assert.ok(!(otherRealm instanceof Error));
    for (const error of [fromStream, fromDom, otherRealm]) {
      const mapped = toKlusterError(error);
      assert.strictEqual(mapped.kind, 'aborted', String(error));
      assert.strictEqual(mapped.message, 'Cancelled.');
      assert.ok(isCancellation(error), String(error));
    }
  });

  it('isCancellation is false for real failures', () => {
    assert.ok(isCancellation(new KlusterError('aborted', 'Cancelled.')));
    assert.ok(!isCancellation(new KlusterError('network', 'The connection broke.')));
    assert.ok(!isCancellation(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
    assert.ok(!isCancellation(new Error('The operation was aborted'))); // only the name counts, not the words
    assert.ok(!isCancellation(undefined));
    assert.strictEqual(toKlusterError(new Error('socket hang up')).kind, 'network');
  });
});
