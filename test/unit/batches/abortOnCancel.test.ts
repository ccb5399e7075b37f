import * as assert from 'assert';
import { abortOnCancel, type CancellationLike } from '../../../src/core/util/abortOnCancel';

/** A token that counts listeners still attached. */
class Token implements CancellationLike {
  isCancellationRequested = false;
  readonly listeners = new Set<() => void>();
  onCancellationRequested(listener: () => void) {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  cancel(): void {
    this.isCancellationRequested = true;
    for (const listener of this.listeners) listener();
  }
}

describe('abortOnCancel', () => {
  it('aborts the signal when the token is cancelled mid-work', async () => {
    const token = new Token();
    const seen = await abortOnCancel(token, async (signal) => {
      assert.strictEqual(signal.aborted, false);
      token.cancel();
      return signal.aborted;
    });
    assert.strictEqual(seen, true);
  });

  it('removes its listener when the work succeeds and when it throws', async () => {
    const token = new Token();
    assert.strictEqual(await abortOnCancel(token, async () => 'done'), 'done');
    assert.strictEqual(token.listeners.size, 0);
    await assert.rejects(
      abortOnCancel(token, async () => {
        assert.strictEqual(token.listeners.size, 1, 'attached while the work runs');
        throw new Error('download failed');
      }),
      /download failed/,
    );
    assert.strictEqual(token.listeners.size, 0);
  });

  it('starts aborted when the token was already cancelled', async () => {
    const token = new Token();
    token.cancel();
    assert.strictEqual(await abortOnCancel(token, async (signal) => signal.aborted), true);
  });
});
