import * as assert from 'assert';
import { asyncChatReply, awaitingAsync, queuedTurnIds } from '../../../src/core/chat/asyncReply';
import { asyncLabelOf, replyMessage } from '../../../src/chat/asyncTurns';

const output = (content: unknown, extra: object = {}) =>
  JSON.stringify({
    id: 'r-1',
    custom_id: 'async-1',
    response: {
      status_code: 200,
      body: {
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
      },
    },
    error: null,
    ...extra,
  });

describe('async chat replies', () => {
  it("reads the reply text, usage and finish reason from the batch's output line", () => {
    assert.deepStrictEqual(asyncChatReply('completed', ['', output('Forty-two'), '']), {
      status: 'done',
      text: 'Forty-two',
      usage: { prompt: 12, completion: 5, total: 17, estimated: false },
      finishReason: 'stop',
    });
  });

  it('says why there is no reply: a failed request, a batch that ended without one, an unreadable line', () => {
    const failedLine = JSON.stringify({ id: 'r', custom_id: 'x', response: null, error: { message: 'model overloaded' } });
    assert.deepStrictEqual(asyncChatReply('completed', [failedLine]), { status: 'error', message: 'The request failed: model overloaded' });
    assert.deepStrictEqual(asyncChatReply('expired', []), {
      status: 'error',
      message: "The async request's batch ended expired without a reply.",
    });
    assert.deepStrictEqual(asyncChatReply('cancelled', []), {
      status: 'error',
      message: "The async request's batch ended cancelled without a reply.",
    });
    assert.deepStrictEqual(asyncChatReply('failed', [], 'Line 1: the model is not available (invalid_request)'), {
      status: 'error',
      message: "The async request's batch ended failed without a reply: Line 1: the model is not available (invalid_request).",
    });
    assert.deepStrictEqual(asyncChatReply('completed', ['{oops']), { status: 'error', message: 'The result line is not valid JSON.' });
    assert.deepStrictEqual(asyncChatReply('completed', [output(null)]), {
      status: 'error',
      message: 'The response has no reply text (choices[0].message.content).',
    });
  });

  it('takes the first reply when the output holds one, whatever the error file adds', () => {
    const errorLine = JSON.stringify({ id: 'e', custom_id: 'async-1', response: null, error: { message: 'late duplicate' } });
    assert.strictEqual((asyncChatReply('completed', [errorLine, output('ok')]) as { text?: string }).text, 'ok');
  });

  it('knows which turns wait for an async reply, and that the conversation waits while its last one does', () => {
    const turns = [
      { id: 'u1', role: 'user' as const, text: 'a' },
      { id: 'a1', role: 'assistant' as const, text: '', status: 'queued', async: { batchId: 'b1', window: '1h' as const } },
      { id: 'u2', role: 'user' as const, text: 'b' },
      { id: 'a2', role: 'assistant' as const, text: 'done', status: 'done', async: { batchId: 'b2', window: '24h' as const } },
    ];
    assert.deepStrictEqual(queuedTurnIds(turns), new Map([['a1', 'b1']]));
    assert.strictEqual(awaitingAsync(turns), undefined);
    assert.deepStrictEqual(awaitingAsync(turns.slice(0, 2)), turns[1]);
    // Still being submitted (no batch yet): waiting too, but not a turn a reply can be matched to yet.
    const submitting = [{ id: 'a3', role: 'assistant' as const, text: '', status: 'queued', async: { window: '3h' as const } }];
    assert.deepStrictEqual(queuedTurnIds(submitting), new Map());
    assert.deepStrictEqual(awaitingAsync(submitting), submitting[0]);
  });
});

describe('async chat turns on the host', () => {
  const settings = { model: 'm', system: '', params: {} };
  it('names the message a reply answers, short and on one line', () => {
    assert.strictEqual(
      asyncLabelOf({ settings, messages: [{ role: 'user', text: 'What is\n six times seven?' }] }),
      'What is six times seven?',
    );
    assert.strictEqual(asyncLabelOf({ settings, messages: [{ role: 'user', text: 'x'.repeat(60) }] }), `${'x'.repeat(39)}…`);
    assert.strictEqual(asyncLabelOf({ settings, messages: [{ role: 'user', text: ' ', imageUrl: 'https://e.example/a.png' }] }), 'image');
  });

  it('fills a turn with the reply, or shows why there is none as its error', () => {
    const usage = { prompt: 1, completion: 2, total: 3, estimated: false as const };
    assert.deepStrictEqual(replyMessage('a1', { status: 'done', text: 'hi', usage, finishReason: 'length' }), {
      type: 'asyncReply',
      id: 'a1',
      text: 'hi',
      usage,
      finishReason: 'length',
    });
    assert.deepStrictEqual(replyMessage('a1', { status: 'error', message: 'expired' }), {
      type: 'error',
      id: 'a1',
      error: { message: 'expired', transient: false },
    });
  });
});
