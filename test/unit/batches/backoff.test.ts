import * as assert from 'assert';
import { backoffSchedule, PollBackoff } from '../../../src/core/batches/backoff';

describe('poll backoff', () => {
  it('starts at a few seconds and doubles up to a minute', () => {
    assert.deepStrictEqual(backoffSchedule(8), [3000, 6000, 12000, 24000, 48000, 60000, 60000, 60000]);
  });

  it('goes back to the fastest pace on reset', () => {
    const backoff = new PollBackoff({ minMs: 1000, maxMs: 5000 });
    assert.deepStrictEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next()], [1000, 2000, 4000, 5000]);
    backoff.reset();
    assert.strictEqual(backoff.next(), 1000);
  });

  it('waits at least as long as Retry-After after a failure, even beyond the ceiling', () => {
    const backoff = new PollBackoff({ minMs: 1000, maxMs: 5000 });
    assert.strictEqual(backoff.nextAfterFailure(), 1000);
    assert.strictEqual(backoff.nextAfterFailure(3500), 3500);
    assert.strictEqual(backoff.nextAfterFailure(120_000), 120_000);
    assert.strictEqual(backoff.nextAfterFailure(10), 5000, 'never faster than the schedule');
  });

  it('honours a Retry-After of days for an hour at most: a longer timer overflows and fires at once, re-polling in a loop', () => {
    const backoff = new PollBackoff({ minMs: 1000, maxMs: 5000 });
    assert.strictEqual(backoff.nextAfterFailure(9_999_999_000), 3_600_000);
    assert.strictEqual(backoff.nextAfterFailure(3_599_000), 3_599_000);
  });

  it('never goes below its minimum or shrinks', () => {
    const backoff = new PollBackoff({ minMs: 2000, maxMs: 1000, factor: 0.5 });
    assert.deepStrictEqual([backoff.next(), backoff.next()], [2000, 2000]);
  });
});
