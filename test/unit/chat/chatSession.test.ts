import * as assert from 'assert';
import { KlusterClient, MissingApiKeyError } from '../../../src/core/api';
import type { Conversation } from '../../../src/core/chat/conversation';
import { ChatSession } from '../../../src/chat/chatSession';
import type { HostMessage } from '../../../src/chat/protocol';
import { STREAM_USAGE_TRIGGER } from '../../../src/emulator';
import { useEmulator } from '../api/helpers';

const MODEL = 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo';
const ask = (text: string): Conversation => ({
  settings: { model: MODEL, system: 'Be brief.', params: {} },
  messages: [{ role: 'user', text }],
});
const quiet = { info: () => undefined, error: () => undefined };

function collect(): { messages: HostMessage[]; post: (m: HostMessage) => void; text: (id: string) => string } {
  const messages: HostMessage[] = [];
  return {
    messages,
    post: (m) => messages.push(m),
    text: (id) => messages.map((m) => (m.type === 'chunk' && m.id === id ? m.delta : '')).join(''),
  };
}

describe('ChatSession against the emulator', function () {
  this.timeout(20_000);
  const f = useEmulator();
  let client: KlusterClient;
  // No retries, so a fault shows as the error it is; the client's own timeout, as in the product.
  before(() => (client = f.client({ maxRetries: 0, timeoutMs: undefined })));

  const session = (coalesceMs = 0) => new ChatSession({ client: async () => client, log: quiet, coalesceMs });

  it('streams {id, delta} chunks that add up to the reply, then {id, done, usage}', async () => {
    const chat = session();
    const sink = collect();
    chat.connect(sink.post);
    await chat.start('a1', ask('What is a batch?'));
    const expected = (
      await client.chat({
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'What is a batch?' },
        ],
      })
    ).choices[0]!.message.content;
    assert.strictEqual(sink.text('a1'), expected);
    assert.ok(
      sink.messages.some((m) => m.type === 'chunk'),
      'streamed as chunks (deltas arriving together are merged)',
    );
    const done = sink.messages.at(-1)!;
    assert.ok(done.type === 'done' && done.id === 'a1' && !done.stopped);
    assert.strictEqual(done.finishReason, 'stop');
    assert.ok(done.usage.completion > 0);
    assert.ok(!chat.busy);
  });

  it('reports the usage the stream sends, and an estimate (marked so) only when it sends none', async () => {
    const chat = session();
    const sink = collect();
    chat.connect(sink.post);
    const request = {
      model: MODEL,
      messages: [
        { role: 'system' as const, content: 'Be brief.' },
        { role: 'user' as const, content: `count me ${STREAM_USAGE_TRIGGER}` },
      ],
    };
    const expected = (await client.chat(request)).usage!;
    await chat.start('u1', ask(`count me ${STREAM_USAGE_TRIGGER}`));
    const done = sink.messages.at(-1)!;
    assert.ok(done.type === 'done');
    assert.deepStrictEqual(done.usage, {
      prompt: expected.prompt_tokens,
      completion: expected.completion_tokens,
      total: expected.total_tokens,
      estimated: false,
    });
    const streamed = f.emulator.state.requests.at(-1)?.body as { stream?: unknown; stream_options?: unknown };
    assert.deepStrictEqual([streamed.stream, streamed.stream_options], [true, undefined], 'a stream that did not ask for usage');

    await chat.start('u2', ask('count me'));
    const estimated = sink.messages.at(-1)!;
    assert.ok(estimated.type === 'done' && estimated.usage.estimated === true && estimated.usage.prompt === undefined);
  });

  it('cancel aborts the matching stream mid-way: the text so far is kept and it ends as stopped', async () => {
    f.emulator.faults.next({ kind: 'slow', path: '/v1/chat/completions', delayMs: 100 });
    const chat = session();
    const sink = collect();
    chat.connect(sink.post);
    const running = chat.start('a2', ask('one two three four five six seven eight nine ten eleven twelve'));
    const other = chat.cancel('not-a-stream');
    while (sink.messages.filter((m) => m.type === 'chunk').length < 3) await new Promise((r) => setTimeout(r, 20));
    assert.ok(chat.busy);
    assert.strictEqual(chat.cancel('a2'), true);
    await running;
    assert.strictEqual(other, false, 'cancelling an unknown id does nothing');
    const done = sink.messages.at(-1)!;
    assert.ok(done.type === 'done' && done.stopped, JSON.stringify(done));
    const partial = sink.text('a2');
    assert.ok(partial.startsWith('Emulated answer'), partial);
    assert.ok(!partial.includes('twelve'), 'stopped before the end');
    assert.ok(done.usage.estimated && done.usage.completion > 0);
  });

  it('reports a failure as an inline error, and the same request succeeds when retried', async () => {
    f.emulator.faults.next({ kind: 'server_error', path: '/v1/chat/completions', status: 503 });
    const chat = session();
    const sink = collect();
    chat.connect(sink.post);
    await chat.start('a3', ask('retry me'));
    const failed = sink.messages.at(-1)!;
    assert.ok(failed.type === 'error' && failed.id === 'a3', JSON.stringify(failed));
    assert.match(failed.error.message, /server error \(503/);
    assert.strictEqual(failed.error.transient, true);
    await chat.start('a4', ask('retry me'));
    assert.ok(sink.text('a4').endsWith('to: retry me'));
    assert.strictEqual(sink.messages.at(-1)!.type, 'done');
  });

  it('a dropped connection mid-stream keeps the partial text and says the answer is incomplete', async () => {
    f.emulator.faults.next({ kind: 'drop', path: '/v1/chat/completions', afterBytes: 3 });
    const chat = session();
    const sink = collect();
    chat.connect(sink.post);
    await chat.start('a5', ask('drop this please now'));
    const failed = sink.messages.at(-1)!;
    assert.ok(failed.type === 'error', JSON.stringify(failed));
    assert.strictEqual(failed.error.transient, true);
    assert.ok(sink.text('a5').length > 0, 'partial text was streamed before the drop');
  });

  it('a refused key gets the Set API Key remedy; a missing one too', async () => {
    const wrong = new ChatSession({
      client: async () => new KlusterClient({ baseUrl: f.emulator.url, apiKey: 'wrong', maxRetries: 0 }),
      log: quiet,
    });
    const sink = collect();
    wrong.connect(sink.post);
    await wrong.start('a6', ask('hi'));
    const refused = sink.messages.at(-1)!;
    assert.ok(refused.type === 'error' && refused.error.remedy === 'setApiKey' && /API key was refused/.test(refused.error.message));

    const missing = new ChatSession({
      client: async () => {
        throw new MissingApiKeyError();
      },
      log: quiet,
    });
    missing.connect(sink.post);
    await missing.start('a7', ask('hi'));
    const none = sink.messages.at(-1)!;
    assert.ok(none.type === 'error' && none.error.remedy === 'setApiKey' && !none.error.transient);
  });

  it('keeps streaming while the webview is away and replays text and outcome when it is back', async () => {
    f.emulator.faults.next({ kind: 'slow', path: '/v1/chat/completions', delayMs: 30 });
    const chat = session(5);
    const first = collect();
    chat.connect(first.post);
    const running = chat.start('a8', ask('alpha beta gamma delta'));
    while (first.messages.length < 2) await new Promise((r) => setTimeout(r, 10));
    chat.disconnect();
    await running;
    const second = collect();
    const { live, deliverMissed } = chat.connect(second.post);
    assert.strictEqual(live.length, 1);
    assert.strictEqual(live[0]!.id, 'a8');
    assert.ok(live[0]!.text.startsWith(first.text('a8')), 'the replayed text continues what was shown');
    assert.ok(live[0]!.text.endsWith('alpha beta gamma delta'), live[0]!.text);
    deliverMissed();
    assert.strictEqual(second.messages.length, 1);
    assert.strictEqual(second.messages[0]!.type, 'done');
    assert.strictEqual(chat.connect(second.post).live.length, 0, 'delivered outcomes are forgotten');
  });
});
