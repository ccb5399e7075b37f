import * as assert from 'assert';
import { KlusterError, type Batch } from '../../../src/core/api';
import { BatchPollLoop, MAX_PER_POLL, type PollHost, type PollTimers } from '../../../src/core/batches/pollLoop';

/** A clock the test moves by hand: one pending timer at most, as the loop keeps. */
class FakeTimers implements PollTimers {
  pending: { callback: () => Promise<void>; ms: number; handle: number }[] = [];
  delays: number[] = [];
  private next = 1;

  set(callback: () => Promise<void>, ms: number): unknown {
    const handle = this.next++;
    this.pending.push({ callback, ms, handle });
    this.delays.push(ms);
    return handle;
  }

  clear(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.handle !== handle);
  }

  /** Fires the pending timer and waits for the poll round it starts. */
  async fire(): Promise<void> {
    assert.strictEqual(this.pending.length, 1, `one timer pending, not ${this.pending.length}`);
    const [timer] = this.pending.splice(0, 1);
    await timer!.callback();
  }
}

const batch = (id: string, status: string): Batch => ({ id, object: 'batch', status }) as Batch;

/** A model and a service in memory: `service` is what a GET answers. */
class FakeHost implements PollHost {
  known = new Map<string, Batch>();
  service = new Map<string, Batch | KlusterError>();
  fetched: string[] = [];
  warnings: string[] = [];
  gen = 0;
  onFetch: () => void = () => undefined;
  hasKey = true;
  loop!: BatchPollLoop;

  running(): readonly Batch[] {
    return [...this.known.values()].filter((b) => !['completed', 'failed', 'expired', 'cancelled'].includes(b.status));
  }
  generation(): number {
    return this.gen;
  }
  async fetcher() {
    if (!this.hasKey) return undefined;
    return async (id: string) => {
      this.fetched.push(id);
      this.onFetch();
      const answer = this.service.get(id) ?? this.known.get(id)!;
      if (answer instanceof KlusterError) throw answer;
      return answer;
    };
  }
  update(b: Batch): void {
    this.known.set(b.id, b);
    this.loop.changed(); // as the model's onDidChange does
  }
  gone(id: string): void {
    this.known.delete(id);
    this.loop.changed();
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
  add(b: Batch): void {
    this.known.set(b.id, b);
    this.loop.changed();
  }
}

function setUp(): { host: FakeHost; timers: FakeTimers; loop: BatchPollLoop } {
  const host = new FakeHost();
  const timers = new FakeTimers();
  const loop = new BatchPollLoop(host, timers);
  host.loop = loop;
  return { host, timers, loop };
}

describe('batch poll loop', () => {
  it('sets no timer and fetches nothing while no batch runs', () => {
    const { host, timers, loop } = setUp();
    loop.changed();
    host.add(batch('done', 'completed'));
    loop.kick();
    assert.strictEqual(loop.isScheduled, false);
    assert.deepStrictEqual(timers.pending, []);
    assert.deepStrictEqual(host.fetched, []);
  });

  it('starts when a batch runs and backs off from 3 s to a minute while nothing changes', async () => {
    const { host, timers, loop } = setUp();
    host.add(batch('b1', 'in_progress'));
    assert.strictEqual(loop.isScheduled, true);
    for (let i = 0; i < 7; i++) await timers.fire();
    assert.deepStrictEqual(timers.delays, [3000, 6000, 12000, 24000, 48000, 60000, 60000, 60000]);
    assert.deepStrictEqual(host.fetched, Array(7).fill('b1'));
  });

  it('goes back to 3 s when a status changes, and on kick', async () => {
    const { host, timers, loop } = setUp();
    host.add(batch('b1', 'validating'));
    await timers.fire(); // 3 s
    await timers.fire(); // 6 s
    host.service.set('b1', batch('b1', 'in_progress'));
    await timers.fire(); // 12 s: the status changed
    assert.deepStrictEqual(timers.delays, [3000, 6000, 12000, 3000]);
    await timers.fire();
    loop.kick();
    assert.deepStrictEqual(timers.delays.slice(4), [6000, 3000], 'kick replaces the 6 s timer with a 3 s one');
    assert.strictEqual(timers.pending.length, 1);
  });

  it('stops once every batch is terminal, and starts again for a new one', async () => {
    const { host, timers, loop } = setUp();
    host.add(batch('a', 'in_progress'));
    host.add(batch('b', 'in_progress'));
    host.service.set('a', batch('a', 'completed'));
    await timers.fire();
    assert.strictEqual(loop.isScheduled, true, 'b still runs');
    host.service.set('b', batch('b', 'cancelled'));
    await timers.fire();
    assert.deepStrictEqual(host.fetched, ['a', 'b', 'b']);
    assert.strictEqual(loop.isScheduled, false);
    assert.deepStrictEqual(timers.pending, []);
    host.add(batch('c', 'validating'));
    assert.strictEqual(loop.isScheduled, true);
    assert.strictEqual(timers.delays.at(-1), 3000, 'a new running batch is polled at the fastest pace');
  });

  it('counts as active while a round waits on the service, not only while its timer runs', async () => {
    const { host, timers, loop } = setUp();
    host.add(batch('last', 'finalizing'));
    host.service.set('last', batch('last', 'completed'));
    const during: { scheduled: boolean; active: boolean }[] = [];
    host.onFetch = () => during.push({ scheduled: loop.isScheduled, active: loop.isActive });
    assert.strictEqual(loop.isActive, true, 'the timer is set');
    await timers.fire();
    // The timer has fired, but the answer that ends the batch has not landed yet.
    assert.deepStrictEqual(during, [{ scheduled: false, active: true }]);
    assert.strictEqual(loop.isActive, false, 'the round is back and nothing runs');
  });

  it('drops a round that began before the account changed: nothing old lands in the reset model', async () => {
    const { host, timers, loop } = setUp();
    host.add(batch('old', 'in_progress'));
    host.service.set('old', batch('old', 'completed'));
    host.onFetch = () => {
      // The key changes while the request is in flight: the model is reset.
      host.gen++;
      host.known.clear();
    };
    await timers.fire();
    assert.deepStrictEqual([...host.known.keys()], [], 'the old batch was not put back');
    assert.strictEqual(loop.isScheduled, false, 'nothing runs in the new account, so no timer');
  });

  it('stops polling a batch the service answers 404 for, and keeps polling the others', async () => {
    const { host, timers, loop } = setUp();
    host.add(batch('lost', 'in_progress'));
    host.add(batch('fine', 'in_progress'));
    host.service.set('lost', new KlusterError('not_found', 'Not found (404)', { status: 404 }));
    await timers.fire();
    assert.deepStrictEqual([...host.known.keys()], ['fine'], 'the lost batch left the model');
    assert.match(host.warnings.join('\n'), /lost is no longer known/);
    await timers.fire();
    assert.deepStrictEqual(host.fetched, ['lost', 'fine', 'fine']);
    host.service.set('fine', new KlusterError('not_found', 'Not found (404)', { status: 404 }));
    await timers.fire();
    assert.strictEqual(loop.isScheduled, false, 'with every batch gone there is nothing to poll');
  });

  it('waits for Retry-After after a 429 and stops on 401', async () => {
    const { host, timers, loop } = setUp();
    host.add(batch('b', 'in_progress'));
    host.service.set('b', new KlusterError('rate_limited', 'Too many requests', { status: 429, retryAfterSeconds: 20 }));
    await timers.fire();
    assert.strictEqual(timers.delays.at(-1), 20_000);
    host.service.set('b', new KlusterError('unauthorized', 'Bad key', { status: 401 }));
    await timers.fire();
    assert.strictEqual(loop.isScheduled, false);
  });

  it('fetches at most MAX_PER_POLL a round, taking turns', async () => {
    const { host, timers } = setUp();
    const ids = Array.from({ length: MAX_PER_POLL + 3 }, (_, i) => `b${i}`);
    for (const id of ids) host.add(batch(id, 'in_progress'));
    await timers.fire();
    await timers.fire();
    assert.deepStrictEqual(host.fetched.slice(0, MAX_PER_POLL), ids.slice(0, MAX_PER_POLL));
    assert.deepStrictEqual(new Set(host.fetched), new Set(ids), 'every batch got its turn within two rounds');
  });

  it('makes no request without a key, and none after dispose', async () => {
    const { host, timers, loop } = setUp();
    host.hasKey = false;
    host.add(batch('b', 'in_progress'));
    await timers.fire();
    assert.deepStrictEqual(host.fetched, []);
    assert.strictEqual(loop.isScheduled, false);
    host.hasKey = true;
    loop.kick();
    loop.dispose();
    assert.deepStrictEqual(timers.pending, []);
    loop.changed();
    assert.deepStrictEqual(timers.pending, []);
  });
});
