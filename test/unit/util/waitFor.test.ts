import * as assert from 'assert';
import { waitFor } from '../../../src/core/util/waitFor';

describe('waitFor', () => {
  it('resolves with the first value that is not undefined or false, 0 included', async () => {
    let calls = 0;
    assert.strictEqual(await waitFor('the third call', () => (++calls < 3 ? undefined : 0), 5_000), 0);
    assert.strictEqual(calls, 3);
    assert.strictEqual(await waitFor('a promise', async () => 'ready'), 'ready');
  });

  it('rejects after the timeout, naming what it waited for and what it last saw', async () => {
    let seen = 0;
    await assert.rejects(
      waitFor(
        'the moon',
        () => (seen++, false),
        250,
        async () => ({ seen }),
      ),
      (error: Error) => /^Timed out after 0\.25 s waiting for the moon; last saw \{"seen":\d+\}\.$/.test(error.message),
    );
    assert.ok(seen >= 2, 'it polled more than once');
  });
});
