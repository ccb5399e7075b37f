// Waits the client makes: between retries (announced, capped, cancellable) and for an answer (the timeout).
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { KlusterError, type RetryNotice } from '../../../src/core/api';
import { rejects, requestLine, useEmulator, writeLines } from './helpers';

/** Collects the warnings Node prints (e.g. TimeoutOverflowWarning) while `work` runs. */
async function warningsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
  process.on('warning', listener);
  try {
    await work();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('KlusterClient waits', () => {
  const f = useEmulator();
  const requestsTo = (pathname: string, since: number) => f.emulator.state.requests.filter((r) => r.path === pathname && r.at >= since);

  it('a Retry-After beyond the cap waits only the cap, announces the wait, and overflows no timer', async () => {
    const start = Date.now();
    const notices: RetryNotice[] = [];
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/models', retryAfterSeconds: 9999999 });
    const client = f.client({ maxRetryWaitMs: 200, onRetry: (notice) => notices.push(notice) });
    const warnings = await warningsDuring(() => client.listModels());
    assert.deepStrictEqual(warnings, []);
    assert.strictEqual(notices.length, 1);
    assert.strictEqual(notices[0]!.waitMs, 200);
    assert.strictEqual(notices[0]!.askedMs, 9999999000);
    assert.strictEqual(notices[0]!.message, 'rate limited; retrying in 0.2 s (retry 1 of 2; the service asked for 116 days)');
    const [limited, retried] = requestsTo('/v1/models', start);
    assert.deepStrictEqual([limited!.status, retried!.status], [429, 200]);
    const gap = retried!.at - limited!.at;
    assert.ok(gap >= 180 && gap < 2000, `retried ${gap} ms later; the cap was 200 ms`);
  });

  it('the cap is 60 s by default, and cancelling during the wait is "Cancelled." at once', async () => {
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/models', retryAfterSeconds: 45 });
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/batches', retryAfterSeconds: 600 });
    const controller = new AbortController();
    const notices: RetryNotice[] = [];
    const client = f.client({ onRetry: (notice) => (notices.push(notice), setTimeout(() => controller.abort(), 50)) });
    const started = Date.now();
    const error = await rejects(client.listModels({ signal: controller.signal }));
    assert.ok(error instanceof KlusterError && error.kind === 'aborted', String(error));
    assert.strictEqual(error.message, 'Cancelled.');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.strictEqual(notices[0]!.message, 'rate limited; retrying in 45 s (retry 1 of 2)');

    const again = new AbortController();
    const capped = f.client({ onRetry: (notice) => (notices.push(notice), again.abort()) });
    await rejects(capped.listBatches({ signal: again.signal }));
    assert.strictEqual(notices[1]!.waitMs, 60_000);
    assert.strictEqual(notices[1]!.message, 'rate limited; retrying in 60 s (retry 1 of 2; the service asked for 10 min)');
  });

  it('server errors and dropped connections are announced too, with the backoff wait', async () => {
    const notices: string[] = [];
    f.emulator.faults.next({ kind: 'server_error', path: '/v1/models', status: 503 });
    f.emulator.faults.next({ kind: 'drop', path: '/v1/models', afterBytes: 0 });
    await f.client({ onRetry: (notice) => notices.push(notice.message) }).listModels();
    assert.strictEqual(notices.length, 2, notices.join('\n'));
    assert.match(notices[0]!, /^server error 503; retrying in 0\.[45] s \(retry 1 of 2\)$/);
    assert.match(
      notices[1]!,
      /^connection failed; retrying in 0\.[89] s \(retry 2 of 2\)$|^connection failed; retrying in 1 s \(retry 2 of 2\)$/,
    );
  });

  it('a server that accepts and never answers fails after the timeout, without retrying', async () => {
    const start = Date.now();
    f.emulator.faults.next({ kind: 'stall', path: '/v1/models', times: 3 });
    const error = await rejects(f.client({ timeoutMs: 300, maxRetries: 2 }).listModels());
    assert.ok(error instanceof KlusterError && error.kind === 'timeout', String(error));
    assert.match(error.message, /no answer within 0\.3 s/);
    assert.strictEqual(requestsTo('/v1/models', start).length, 1, 'a timeout is not retried: the timeout is the whole wait');
    assert.ok(Date.now() - start < 1500, `failed after ${Date.now() - start} ms`);
  });

  it('an upload the server stops taking fails after the stall timeout, not after 30 minutes', async function () {
    this.timeout(10_000);
    const input = await writeLines(f.dir, 'stalled.jsonl', [requestLine('a', 'x'.repeat(1000))]);
    f.emulator.faults.next({ kind: 'stall', path: '/v1/files', method: 'POST' });
    const start = Date.now();
    const error = await rejects(f.client({ timeoutMs: 400 }).uploadFile(input));
    assert.ok(error instanceof KlusterError && error.kind === 'timeout', String(error));
    assert.strictEqual(
      error.message,
      'The upload of stalled.jsonl stalled: nothing was accepted or answered for 0.4 s. The service may be busy; try again later.',
    );
    assert.ok(Date.now() - start < 3000, `failed after ${Date.now() - start} ms`);
  });

  it('an upload that keeps moving is not cut off, however long it takes in all', async function () {
    this.timeout(20_000);
    const input = path.join(f.dir, 'slow-upload.jsonl');
    const line = requestLine('r', 'y'.repeat(64 * 1024)) + '\n';
    await fs.writeFile(input, line.repeat(512)); // 32 MB: over 3 s at the throttled 10 MB/s
    f.emulator.faults.next({ kind: 'slow', path: '/v1/files', method: 'POST', delayMs: 0, readBytesPerSecond: 10 * 1024 * 1024 });
    const start = Date.now();
    // What socket buffers hold when the last byte is handed over drains unseen: a margin for a loaded machine.
    const uploaded = await f.client({ timeoutMs: 1500 }).uploadFile(input);
    assert.strictEqual(uploaded.bytes, (await fs.stat(input)).size);
    assert.ok(Date.now() - start > 2250, `took ${Date.now() - start} ms: the throttle did not make it outlast the timeout`);
    await fs.rm(input);
  });
});
