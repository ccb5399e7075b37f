// Every failure kind, produced by the emulator over real sockets, mapped to a typed KlusterError.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { failureMessage, KlusterClient, KlusterError, remedyFor, type KlusterErrorKind } from '../../../src/core/api';
import { rejects, requestLine, useEmulator, writeLines } from './helpers';

async function failsWith(promise: Promise<unknown>, kind: KlusterErrorKind): Promise<KlusterError> {
  const error = await rejects(promise);
  assert.ok(error instanceof KlusterError, `expected a KlusterError, got ${String(error)}`);
  assert.strictEqual(error.kind, kind, error.message);
  assert.ok(!/\n/.test(error.message), 'one-line message');
  return error;
}

describe('KlusterClient failures', () => {
  const f = useEmulator({ limits: { maxFileBytes: 4096 } });
  const requestsTo = (pathname: string, since: number) => f.emulator.state.requests.filter((r) => r.path === pathname && r.at >= since);
  const streamRequest = { model: 'google/gemma-3-27b-it', messages: [{ role: 'user', content: 'one two three four five six seven' }] };

  it('401: a wrong key is unauthorized, and the key never appears in the message', async () => {
    const secret = 'sk-wrong-key-1234567890';
    const error = await failsWith(new KlusterClient({ baseUrl: f.emulator.url, apiKey: secret }).listModels(), 'unauthorized');
    assert.strictEqual(error.status, 401);
    assert.ok(!error.message.includes(secret));
    assert.match(error.message, /^The API key was refused \(401: .*\)\. Check that the key is right and still active\.$/);
    // VS Code shows this text as is, beside its Set API Key button: no command-line advice in it.
    assert.ok(!/--api-key|KLUSTER_API_KEY/.test(error.message), error.message);
  });

  it('a key that no HTTP header can carry is unauthorized and called malformed, before anything is sent', async () => {
    const before = f.emulator.state.requests.length;
    for (const key of ['sk-zq9\nxw7-123', 'sk-n\u00f6n-zq9-123']) {
      const error = await failsWith(new KlusterClient({ baseUrl: f.emulator.url, apiKey: key }).listModels(), 'unauthorized');
      assert.match(error.message, /^The API key is malformed: it contains a (line break|non-ASCII character) \(character \d+ of \d+\)\. /);
      assert.ok(!error.message.includes('zq9'), error.message);
    }
    assert.strictEqual(f.emulator.state.requests.length, before, 'nothing sent');
  });

  it('404: an unknown batch is not_found, in sentences ending with one period', async () => {
    const error = await failsWith(f.client().getBatch('no-such-batch'), 'not_found');
    assert.match(error.message, /no-such-batch/);
    assert.match(error.message, /^Not found \(404\): No batch found with id 'no-such-batch'\. Check the ID; /);
    assert.ok(!error.message.includes('..'), error.message);
  });

  it('404 from a list, create or chat endpoint: the base URL looks wrong (Open Settings), not a missing object', async () => {
    const wrong = f.client({ baseUrl: f.emulator.url.replace(/\/v1$/, '/v2'), maxRetries: 0 });
    const file = path.join(f.dir, 'one.jsonl');
    await fs.writeFile(file, requestLine('a', 'x') + '\n');
    for (const [what, call] of [
      ['models', () => wrong.listModels()],
      ['batches', () => wrong.listBatches()],
      ['files', () => wrong.listFiles()],
      ['fine-tuning jobs', () => wrong.listFineTuningJobs()],
      ['upload', () => wrong.uploadFile(file)],
      ['create batch', () => wrong.createBatch({ inputFileId: 'file-1' })],
      ['chat', () => wrong.chat(streamRequest)],
      [
        'chat stream',
        async () => {
          for await (const chunk of wrong.chatStream(streamRequest)) void chunk;
        },
      ],
    ] as const) {
      const error = await failsWith(call(), 'wrong_base_url');
      assert.strictEqual(error.status, 404, what);
      assert.match(
        error.message,
        /^Not found \(404\) at http:\/\/127\.0\.0\.1:\d+\/v2: .* is not an endpoint of the kluster\.ai API\. The base URL looks wrong; kluster\.ai's is https:\/\/api\.kluster\.ai\/v1\.$/,
        what,
      );
      assert.deepStrictEqual(remedyFor(error), ['openSettings'], what);
    }
    // With an id in the path a 404 is still a missing object, and so is an unknown model in a chat request.
    assert.strictEqual(((await rejects(wrong.getBatch('b-1'))) as KlusterError).kind, 'not_found');
    const model = await failsWith(f.client().chat({ ...streamRequest, model: 'no/such-model' }), 'not_found');
    assert.match(model.message, /The model `no\/such-model` does not exist/);
    // Not an id that may belong to another account: the fix is another model id.
    assert.doesNotMatch(model.message, /another account/);
    assert.match(model.message, /\. Use a model id that the account's model list \(\/v1\/models\) shows\.$/);
  });

  it('413: the service refuses an upload over its limit', async () => {
    const big = path.join(f.dir, 'big.jsonl');
    await fs.writeFile(big, (requestLine('x', 'y'.repeat(200)) + '\n').repeat(30));
    const error = await failsWith(f.client().uploadFile(big), 'payload_too_large');
    assert.strictEqual(error.status, 413);
    // The service states its own limit (this emulator's is 4 KB): one number, not ours beside it.
    assert.match(
      error.message,
      /^The file is too large \(413\): File too large: the limit is 0\.004 MB per file\. Split the file into smaller batches\.$/,
    );
  });

  it('refuses a file over 100 MB before sending a byte', async () => {
    const huge = path.join(f.dir, 'huge.jsonl');
    const handle = await fs.open(huge, 'w');
    await handle.truncate(100 * 1024 * 1024 + 1); // sparse: no disk used
    await handle.close();
    const before = f.emulator.state.requests.length;
    const error = await failsWith(f.client().uploadFile(huge), 'payload_too_large');
    // Within 1 % of the limit, "100.0 MB; accepts up to 100 MB" would not explain anything: exact bytes.
    assert.strictEqual(
      error.message,
      'huge.jsonl is 104,857,601 bytes; kluster.ai accepts files up to 104,857,600 bytes (100 MB). Split it into smaller batches.',
    );
    assert.strictEqual(f.emulator.state.requests.length, before);

    const handle2 = await fs.open(huge, 'r+');
    await handle2.truncate(150 * 1024 * 1024);
    await handle2.close();
    const farOver = await failsWith(f.client().uploadFile(huge), 'payload_too_large');
    assert.strictEqual(farOver.message, 'huge.jsonl is 150.0 MB; kluster.ai accepts files up to 100 MB. Split it into smaller batches.');
    await fs.rm(huge);
  });

  it('429: the SDK waits for Retry-After, then succeeds', async () => {
    const start = Date.now();
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/models', retryAfterSeconds: 1 });
    const models = await f.client({ maxRetries: 2 }).listModels();
    assert.ok(models.length > 0);
    const [limited, retried] = requestsTo('/v1/models', start);
    assert.strictEqual(limited!.status, 429);
    assert.strictEqual(retried!.status, 200);
    assert.ok(retried!.at - limited!.at >= 900, `retried after ${retried!.at - limited!.at} ms, Retry-After was 1 s`);
  });

  it('429: rate_limited with retryAfterSeconds once retries run out', async () => {
    const start = Date.now();
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/batches', retryAfterSeconds: 0.05, times: 5 });
    const error = await failsWith(f.client({ maxRetries: 1 }).listBatches(), 'rate_limited');
    assert.strictEqual(error.retryAfterSeconds, 0.05);
    assert.strictEqual(requestsTo('/v1/batches', start).length, 2, 'one try and one retry');
  });

  it('429: the message a person sees says how long Retry-After asks to wait', async () => {
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/batches', retryAfterSeconds: 7, times: 1 });
    const seconds = await failsWith(f.client({ maxRetries: 0 }).listBatches(), 'rate_limited');
    assert.strictEqual(seconds.retryAfterSeconds, 7);
    assert.match(
      seconds.message,
      /^Rate limited by kluster\.ai \(429: Rate limit reached for requests\. Please slow down\), still after retrying\. Wait 7 s and try again/,
    );
    // What showApiError puts in the VS Code notification.
    assert.match(
      failureMessage('Listing batches', seconds),
      /^Listing batches failed: Rate limited by kluster\.ai .* Wait 7 s and try again/,
    );

    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/batches', retryAfterSeconds: 300, times: 1 });
    assert.match((await failsWith(f.client({ maxRetries: 0 }).listBatches(), 'rate_limited')).message, /Wait 5 min and try again/);
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/batches', retryAfterSeconds: 0.2, times: 1 });
    assert.match((await failsWith(f.client({ maxRetries: 0 }).listBatches(), 'rate_limited')).message, /Wait 0\.2 s and try again/);
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/batches', retryAfterSeconds: null, times: 1 });
    const unsaid = await failsWith(f.client({ maxRetries: 0 }).listBatches(), 'rate_limited');
    assert.strictEqual(unsaid.retryAfterSeconds, undefined);
    assert.match(unsaid.message, /Wait a while and try again/);
  });

  it('429 on an upload: the file is re-read and sent again', async () => {
    const start = Date.now();
    const input = await writeLines(f.dir, 'retry.jsonl', [requestLine('a', 'b')]);
    f.emulator.faults.next({ kind: 'rate_limit', path: '/v1/files', method: 'POST', retryAfterSeconds: 0.05 });
    const uploaded = await f.client().uploadFile(input);
    assert.strictEqual(uploaded.bytes, (await fs.stat(input)).size);
    assert.deepStrictEqual(
      requestsTo('/v1/files', start).map((r) => r.status),
      [429, 200],
    );
  });

  it('500: retried by the SDK and then successful', async () => {
    const start = Date.now();
    f.emulator.faults.next({ kind: 'server_error', path: '/v1/models' });
    await f.client({ maxRetries: 2 }).listModels();
    assert.deepStrictEqual(
      requestsTo('/v1/models', start).map((r) => r.status),
      [500, 200],
    );
  });

  it('500: a server error once retries are exhausted', async () => {
    const start = Date.now();
    f.emulator.faults.next({ kind: 'server_error', path: '/v1/models', status: 503, times: 3 });
    const error = await failsWith(f.client({ maxRetries: 2 }).listModels(), 'server');
    assert.strictEqual(error.status, 503);
    assert.deepStrictEqual(
      requestsTo('/v1/models', start).map((r) => r.status),
      [503, 503, 503],
    );
  });

  it('a connection dropped before the answer is a network error, and retried by the SDK', async () => {
    f.emulator.faults.next({ kind: 'drop', path: '/v1/models', afterBytes: 0 });
    const error = await failsWith(f.client({ maxRetries: 0 }).listModels(), 'network');
    assert.match(error.message, /Could not reach 127\.0\.0\.1/);
    f.emulator.faults.next({ kind: 'drop', path: '/v1/models', afterBytes: 0 });
    assert.ok((await f.client({ maxRetries: 1 }).listModels()).length > 0);
  });

  it('a connection dropped in the middle of a JSON body is a network error', async () => {
    f.emulator.faults.next({ kind: 'drop', path: '/v1/models' });
    await failsWith(f.client({ maxRetries: 0 }).listModels(), 'network');
  });

  it('a download dropped midway twice is a network error and leaves nothing at the destination', async () => {
    const client = f.client();
    const uploaded = await client.uploadFile(
      await writeLines(f.dir, 'dl.jsonl', [requestLine('a', 'x'.repeat(500)), requestLine('b', 'y')]),
    );
    f.emulator.faults.next({ kind: 'drop', path: `/v1/files/${uploaded.id}/content`, afterBytes: 100, times: 2 });
    const dest = path.join(f.dir, 'partial.jsonl');
    await failsWith(client.downloadFileContent(uploaded.id, dest), 'network');
    await assert.rejects(fs.access(dest));
    assert.deepStrictEqual(
      (await fs.readdir(f.dir)).filter((n) => n.endsWith('.tmp')),
      [],
    );
  });

  it('a download whose body stalls midway fails after the timeout, leaving nothing at the destination', async () => {
    const client = f.client({ timeoutMs: 800 });
    const uploaded = await client.uploadFile(await writeLines(f.dir, 'dl-stall.jsonl', [requestLine('a', 'x'.repeat(500))]));
    f.emulator.faults.next({ kind: 'stall', path: `/v1/files/${uploaded.id}/content`, afterBytes: 100 });
    const dest = path.join(f.dir, 'stalled.jsonl');
    const started = Date.now();
    const error = await failsWith(client.downloadFileContent(uploaded.id, dest), 'timeout');
    assert.match(error.message, /download of file .+ stalled/);
    assert.ok(Date.now() - started < 5000, 'it does not hang');
    await assert.rejects(fs.access(dest));
  });

  it('a download dropped midway once is retried from the start: the file arrives whole', async () => {
    const client = f.client();
    const input = await writeLines(f.dir, 'dl-once.jsonl', [requestLine('a', 'x'.repeat(500)), requestLine('b', 'y')]);
    const uploaded = await client.uploadFile(input);
    const since = Date.now();
    f.emulator.faults.next({ kind: 'drop', path: `/v1/files/${uploaded.id}/content`, afterBytes: 300 });
    const dest = path.join(f.dir, 'whole.jsonl');
    const bytes = await client.downloadFileContent(uploaded.id, dest);
    assert.strictEqual(
      await fs.readFile(dest, 'utf8'),
      await fs.readFile(input, 'utf8'),
      'not the 300 bytes of the first try followed by the whole file',
    );
    assert.strictEqual(bytes, (await fs.stat(input)).size);
    assert.strictEqual(requestsTo(`/v1/files/${uploaded.id}/content`, since).length, 2);
  });

  it('a stream dropped midway is a network error after the chunks that arrived', async () => {
    f.emulator.faults.next({ kind: 'drop', path: '/v1/chat/completions', afterBytes: 3 });
    const got: unknown[] = [];
    const error = await failsWith(
      (async () => {
        for await (const chunk of f.client().chatStream(streamRequest)) got.push(chunk);
      })(),
      'network',
    );
    assert.strictEqual(got.length, 3);
    assert.match(error.message, /broke|ended/);
  });

  it('a slow stream still completes within the timeout', async () => {
    f.emulator.faults.next({ kind: 'slow', path: '/v1/chat/completions', delayMs: 30 });
    const start = Date.now();
    let text = '';
    for await (const chunk of f.client({ timeoutMs: 1000 }).chatStream(streamRequest)) text += chunk.choices[0]?.delta?.content ?? '';
    assert.match(text, /one two three/);
    assert.ok(Date.now() - start >= 30 * 10, 'the chunks really were slow');
  });

  it('a stream that stalls longer than the timeout is a timeout', async () => {
    f.emulator.faults.next({ kind: 'slow', path: '/v1/chat/completions', delayMs: 600 });
    const error = await failsWith(
      (async () => {
        for await (const _ of f.client({ timeoutMs: 150 }).chatStream(streamRequest)) {
          /* consume */
        }
      })(),
      'timeout',
    );
    assert.match(error.message, /stalled/);
  });

  it('no answer within the timeout is a timeout error', async () => {
    f.emulator.faults.next({ kind: 'slow', path: '/v1/models', delayMs: 800 });
    const error = await failsWith(f.client({ timeoutMs: 150, maxRetries: 0 }).listModels(), 'timeout');
    assert.match(error.message, /timed out after 0\.2 s|timed out after 0\.1 s|timed out/);
  });

  it('an aborted request is aborted, also in the middle of a stream', async () => {
    f.emulator.faults.next({ kind: 'slow', path: '/v1/models', delayMs: 800 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await failsWith(f.client().listModels({ signal: controller.signal }), 'aborted');

    f.emulator.faults.next({ kind: 'slow', path: '/v1/chat/completions', delayMs: 40 });
    const streamAbort = new AbortController();
    let chunks = 0;
    await failsWith(
      (async () => {
        for await (const _ of f.client().chatStream(streamRequest, { signal: streamAbort.signal })) {
          if (++chunks === 2) streamAbort.abort();
        }
      })(),
      'aborted',
    );
    assert.strictEqual(chunks, 2);
  });

  it('an answer that does not match the schema names the field', async () => {
    const fakeFetch: typeof fetch = async () =>
      new Response(JSON.stringify({ object: 'list', data: [{ id: 5 }] }), { status: 200, headers: { 'content-type': 'application/json' } });
    const error = await failsWith(
      new KlusterClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', fetch: fakeFetch }).listModels(),
      'invalid_response',
    );
    assert.match(error.message, /data\[0\]\.id/);
  });

  it('an HTML page instead of JSON says so', async () => {
    const fakeFetch: typeof fetch = async () =>
      new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const error = await failsWith(
      new KlusterClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', fetch: fakeFetch }).getBatch('b'),
      'invalid_response',
    );
    assert.match(error.message, /not JSON \(text\/html\)/);
  });
});

describe('free tier', () => {
  const f = useEmulator({ tier: 'free', limits: { freeTierMaxLines: 3 } });

  it('refuses a batch file at the line cap, and accepts one under it', async () => {
    const atCap = await writeLines(f.dir, 'cap.jsonl', [requestLine('a', '1'), requestLine('b', '2'), requestLine('c', '3')]);
    const error = await failsWith(f.client().uploadFile(atCap), 'bad_request');
    assert.match(error.message, /fewer than 3 requests; this one has 3/);
    const under = await writeLines(f.dir, 'under.jsonl', [requestLine('a', '1'), requestLine('b', '2')]);
    assert.strictEqual((await f.client().uploadFile(under)).purpose, 'batch');
  });
});
