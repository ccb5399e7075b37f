// toKlusterError and isCancellation on what cancelling produces outside the SDK: file streams, timers, other realms.
import * as assert from 'assert';
import { createReadStream } from 'fs';
import * as vm from 'vm';
import {
  isCancellation,
  KlusterError,
  MissingApiKeyError,
  remedyFor,
  toKlusterError,
  type KlusterErrorKind,
  type Remedy,
} from '../../../src/core/api';
import { describeChatError } from '../../../src/chat/chatSession';

function streamAbortError(): Promise<unknown> {
  const controller = new AbortController();
  controller.abort();
  return new Promise((resolve) => createReadStream(__filename, { signal: controller.signal }).on('error', resolve));
}

describe('API errors', () => {
  it('withSentence says more and keeps the rest: kind, status, request id, Retry-After, the original as cause', () => {
    const original = new KlusterError('server', 'kluster.ai had a server error (502).', {
      status: 502,
      requestId: 'req-1',
      retryAfterSeconds: 3,
    });
    const said = original.withSentence('A batch may have been created all the same.');
    assert.strictEqual(said.message, 'kluster.ai had a server error (502). A batch may have been created all the same.');
    assert.deepStrictEqual([said.kind, said.status, said.requestId, said.retryAfterSeconds], ['server', 502, 'req-1', 3]);
    assert.strictEqual(said.cause, original);
    assert.deepStrictEqual(remedyFor(said), remedyFor(original));
  });

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

  it('remedyFor: one map of what helps, for notifications, tree nodes, the chat and the CLI', () => {
    const byKind: Record<KlusterErrorKind, Remedy[]> = {
      unauthorized: ['setApiKey'],
      network: ['retry', 'openSettings'],
      timeout: ['retry', 'openSettings'],
      rate_limited: ['retry'],
      server: ['retry'],
      not_found: [],
      wrong_base_url: ['openSettings'],
      payload_too_large: [],
      bad_request: [],
      aborted: [],
      invalid_response: [],
    };
    for (const [kind, remedies] of Object.entries(byKind)) {
      assert.deepStrictEqual(remedyFor(new KlusterError(kind as KlusterErrorKind, 'x')), remedies, kind);
    }
    assert.deepStrictEqual(remedyFor(new MissingApiKeyError()), ['setApiKey']);
    assert.deepStrictEqual(remedyFor(new Error('EACCES: permission denied')), ['retry']);
  });

  it('the chat offers the same fix beyond Retry as a notification: a timeout gets Open Settings too', () => {
    assert.deepStrictEqual(describeChatError(new KlusterError('timeout', 'timed out')), {
      message: 'timed out',
      transient: true,
      remedy: 'openSettings',
    });
    assert.deepStrictEqual(describeChatError(new MissingApiKeyError()), {
      message: new MissingApiKeyError().message,
      transient: false,
      remedy: 'setApiKey',
    });
    assert.deepStrictEqual(describeChatError(new KlusterError('bad_request', 'no')), { message: 'no', transient: false });
  });
});
