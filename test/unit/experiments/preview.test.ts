// Preview's rate limiting, on a fake clock: per model, at most `concurrency` in flight and `requestsPerMinute`
// started in any 60 s.
import * as assert from 'assert';
import { ModelLimiter } from '../../../src/core/experiments';

function fakeClock() {
  const clock = { t: 0, waits: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    wait: async (ms: number) => {
      clock.waits.push(ms);
      clock.t += ms;
    },
  };
}

describe('Preview rate limits (ModelLimiter)', () => {
  it('starts no more than requestsPerMinute in any 60 s', async () => {
    const { clock, now, wait } = fakeClock();
    const limiter = new ModelLimiter({ concurrency: 2, requestsPerMinute: 1 }, now, wait);
    const starts: number[] = [];
    await Promise.all([1, 2, 3].map(() => limiter.run(async () => void starts.push(clock.t))));
    assert.deepStrictEqual(starts, [0, 60_000, 120_000]);
  });

  it('lets a burst of requestsPerMinute through at once, then waits for the oldest to leave the window', async () => {
    const { clock, now, wait } = fakeClock();
    const limiter = new ModelLimiter({ concurrency: 10, requestsPerMinute: 3 }, now, wait);
    const starts: number[] = [];
    await Promise.all([1, 2, 3, 4].map(() => limiter.run(async () => void starts.push(clock.t))));
    assert.deepStrictEqual(starts, [0, 0, 0, 60_000]);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { now, wait } = fakeClock();
    const limiter = new ModelLimiter({ concurrency: 2, requestsPerMinute: 1000 }, now, wait);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    await Promise.all(Array.from({ length: 7 }, () => limiter.run(task)));
    assert.strictEqual(most, 2);
    assert.strictEqual(running, 0);
  });

  it('a failed task frees its slot', async () => {
    const { now, wait } = fakeClock();
    const limiter = new ModelLimiter({ concurrency: 1, requestsPerMinute: 1000 }, now, wait);
    await assert.rejects(
      limiter.run(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.strictEqual(await limiter.run(async () => 'next'), 'next');
  });
});
