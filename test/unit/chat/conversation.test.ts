import * as assert from 'assert';
import {
  checkParams,
  customIdBase,
  deleteTurn,
  editTurn,
  fromRequestLine,
  isHttpUrl,
  RequestLineError,
  retryTurn,
  toRequestBody,
  toRequestLine,
  turnsForRequest,
  TurnRuleError,
  type Conversation,
  type TurnLike,
} from '../../../src/core/chat/conversation';
import { validateText } from '../../../src/core/jsonl';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import { conversationForSave, conversationOf, newestState, stateFromConversation, type ChatState } from '../../../src/chat/protocol';

const MODEL = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';
const VISION = 'google/gemma-3-27b-it';

const conversation = (overrides: Partial<Conversation['settings']> = {}): Conversation => ({
  settings: {
    model: MODEL,
    system: 'Be terse.',
    params: { temperature: 0.3, top_p: 0.9, max_completion_tokens: 200, stop: ['\n\n', 'END'] },
    ...overrides,
  },
  messages: [
    { role: 'user', text: 'What is 2+2?' },
    { role: 'assistant', text: '4' },
    { role: 'user', text: 'And this image?', imageUrl: 'https://example.com/cat.png' },
  ],
});

describe('Chat conversation conversions', () => {
  it('builds the request body: system first, image as an image_url part, only the parameters that are set', () => {
    const body = toRequestBody(conversation({ model: VISION }));
    assert.deepStrictEqual(body, {
      model: VISION,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: '4' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And this image?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          ],
        },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 200,
      stop: ['\n\n', 'END'],
    });
    const bare = toRequestBody({ settings: { model: MODEL, system: '  ', params: {} }, messages: [{ role: 'user', text: 'hi' }] });
    assert.deepStrictEqual(
      bare,
      { model: MODEL, messages: [{ role: 'user', content: 'hi' }] },
      'blank system prompt and unset parameters are left out',
    );
  });

  it('writes a request line that the batch validator accepts without errors or warnings', () => {
    const file =
      [toRequestLine(conversation(), 'chat-1'), toRequestLine(conversation({ model: VISION, params: {} }), 'chat-2')].join('\n') + '\n';
    const result = validateText(file, { knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard' });
    assert.strictEqual(result.kind, 'batch');
    assert.deepStrictEqual(result.diagnostics, []);
    const line = JSON.parse(file.split('\n')[0]!);
    assert.strictEqual(line.custom_id, 'chat-1');
    assert.strictEqual(line.method, 'POST');
    assert.strictEqual(line.url, '/v1/chat/completions');
  });

  it('reads a request line back into the same conversation', () => {
    const original = conversation();
    const loaded = fromRequestLine(toRequestLine(original, 'req-7'));
    assert.strictEqual(loaded.customId, 'req-7');
    assert.deepStrictEqual(loaded.conversation, original);
    assert.deepStrictEqual(loaded.ignored, []);
  });

  it('reads max_tokens, a string stop, content-part text and reports options it does not carry over', () => {
    const line = JSON.stringify({
      custom_id: 'x',
      method: 'POST',
      url: '/v1/chat/completions',
      body: {
        model: MODEL,
        max_tokens: 50,
        stop: 'STOP',
        seed: 3,
        logprobs: true,
        messages: [
          { role: 'system', content: 'S' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      },
    });
    const loaded = fromRequestLine(line);
    assert.deepStrictEqual(loaded.conversation, {
      settings: { model: MODEL, system: 'S', params: { max_completion_tokens: 50, stop: ['STOP'] } },
      messages: [{ role: 'user', text: 'a\nb' }],
    });
    assert.deepStrictEqual(loaded.ignored, ['seed', 'logprobs']);
  });

  it('refuses lines the panel cannot hold, saying why', () => {
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['[1]', /not a JSON object/],
      [JSON.stringify({ body: { messages: [{ role: 'user', content: 'x' }] } }), /no model/],
      [JSON.stringify({ body: { model: MODEL, messages: [] } }), /no messages/],
      [JSON.stringify({ body: { model: MODEL, messages: [{ role: 'tool', content: 'x' }] } }), /role "tool"/],
      [
        JSON.stringify({
          body: {
            model: MODEL,
            messages: [
              { role: 'user', content: 'x' },
              { role: 'system', content: 'late' },
            ],
          },
        }),
        /system message after/,
      ],
      [
        JSON.stringify({ body: { model: MODEL, temperature: 'hot', messages: [{ role: 'user', content: 'x' }] } }),
        /temperature must be a number/,
      ],
    ];
    for (const [line, message] of cases) {
      assert.throws(
        () => fromRequestLine(line),
        (error: unknown) => error instanceof RequestLineError && message.test(error.message),
        line,
      );
    }
  });

  it('checks parameters against the documented ranges', () => {
    assert.deepStrictEqual(checkParams({ temperature: 2, top_p: 0, max_completion_tokens: 1, stop: ['a', 'b', 'c', 'd'] }), []);
    assert.strictEqual(
      checkParams({ temperature: 2.1, top_p: 1.5, max_completion_tokens: 0.5, stop: ['1', '2', '3', '4', '5'] }).length,
      4,
    );
    assert.strictEqual(checkParams({ temperature: Number.NaN }).length, 1);
  });

  it('accepts only http(s) URLs', () => {
    assert.ok(isHttpUrl('https://example.com/a.png'));
    assert.ok(isHttpUrl('http://localhost:8080/x'));
    for (const bad of [
      'javascript:alert(1)',
      'data:image/svg+xml,<svg onload=alert(1)>',
      'file:///etc/passwd',
      'vscode://x',
      'not a url',
      ' JAVASCRIPT:alert(1)',
    ]) {
      assert.ok(!isHttpUrl(bad), bad);
    }
  });

  it('names custom_ids after the time', () => {
    assert.strictEqual(customIdBase(new Date(2025, 2, 4, 9, 5, 7)), 'chat-20250304-090507');
  });
});

describe('Chat panel state and conversations', () => {
  const state: ChatState = {
    version: 1,
    settings: { model: MODEL, system: '', params: {} },
    turns: [
      { id: 'u1', role: 'user', text: 'first' },
      { id: 'a1', role: 'assistant', text: 'partial', status: 'stopped' },
      { id: 'u2', role: 'user', text: 'second' },
      { id: 'a2', role: 'assistant', text: '', status: 'error', error: { message: 'boom', transient: true } },
      { id: 'u3', role: 'user', text: 'third' },
      { id: 'a3', role: 'assistant', text: 'stre', status: 'streaming' },
    ],
    draft: '  ',
    draftImageUrl: '',
  };

  it('sends finished turns only: a message whose reply failed goes with its failure, streaming replies are left out, stopped ones kept', () => {
    assert.deepStrictEqual(conversationOf(state).messages, [
      { role: 'user', text: 'first' },
      { role: 'assistant', text: 'partial' },
      { role: 'user', text: 'third' },
    ]);
  });

  it('saves the draft as the last user message when there is one', () => {
    assert.strictEqual(conversationForSave(state).messages.length, 3, 'a blank draft is not saved');
    const withDraft = conversationForSave({ ...state, draft: 'next question', draftImageUrl: 'https://example.com/i.png' });
    assert.deepStrictEqual(withDraft.messages.at(-1), { role: 'user', text: 'next question', imageUrl: 'https://example.com/i.png' });
  });

  it('opens a request with its last user message in the composer, ready to send', () => {
    const loaded = stateFromConversation(conversation());
    assert.deepStrictEqual(
      loaded.turns.map((t) => [t.role, t.text, t.status]),
      [
        ['user', 'What is 2+2?', undefined],
        ['assistant', '4', 'done'],
      ],
    );
    assert.strictEqual(loaded.draft, 'And this image?');
    assert.strictEqual(loaded.draftImageUrl, 'https://example.com/cat.png');
    assert.strictEqual(new Set(loaded.turns.map((t) => t.id)).size, loaded.turns.length, 'turn ids are unique');
  });

  it('restores the most recently saved copy of the state; an unstamped copy is the oldest', () => {
    const older = { ...state, draft: 'older', savedAt: 1000 };
    const newer = { ...state, draft: 'newer', savedAt: 2000 };
    const unstamped = { ...state, draft: 'unstamped' };
    assert.strictEqual(newestState(older, newer), newer);
    assert.strictEqual(newestState(newer, older), newer);
    assert.strictEqual(newestState(unstamped, older), older);
    assert.strictEqual(newestState(older, undefined), older);
    assert.strictEqual(newestState(undefined, newer), newer);
    assert.strictEqual(newestState(undefined, undefined), undefined);
    assert.strictEqual(newestState(older, { ...older, draft: 'same time' }), older, 'a tie keeps the first (the workbench copy)');
  });
});

describe('Chat turn rules: edit, delete, retry', () => {
  const turns: TurnLike[] = [
    { id: 'u1', role: 'user', text: 'This must fail [[fail]]' },
    { id: 'a1', role: 'assistant', text: '', status: 'error' },
    { id: 'u2', role: 'user', text: 'Hello' },
    { id: 'a2', role: 'assistant', text: 'Hi', status: 'done' },
  ];
  const ids = (list: readonly TurnLike[]) => list.map((t) => t.id);

  it('a failed message does not poison later requests: it and its failure are left out', () => {
    assert.deepStrictEqual(ids(turnsForRequest(turns)), ['u2', 'a2']);
    assert.deepStrictEqual(ids(turnsForRequest([...turns, { id: 'u3', role: 'user', text: 'next' }])), ['u2', 'a2', 'u3']);
  });

  it('Retry resends exactly the failed turn: the failure goes and the failed message is sent again', () => {
    const failedLast: TurnLike[] = [
      ...turns,
      { id: 'u3', role: 'user', text: 'again [[fail]]' },
      { id: 'a3', role: 'assistant', text: '', status: 'error' },
    ];
    const retried = retryTurn(failedLast, 'a3');
    assert.deepStrictEqual(ids(retried), ['u1', 'a1', 'u2', 'a2', 'u3']);
    assert.deepStrictEqual(ids(turnsForRequest(retried)), ['u2', 'a2', 'u3'], 'the earlier failure stays out, the retried message goes');
    assert.deepStrictEqual(ids(retryTurn(turns, 'a2')), ['u1', 'a1', 'u2'], 'Regenerate of a finished reply is the same rule');
    assert.throws(() => retryTurn(turns, 'a1'), TurnRuleError, 'only the last reply');
    assert.throws(() => retryTurn(turns, 'u2'), TurnRuleError, 'not a user message');
  });

  it('Edit of a user turn keeps the turns before it, gives it the new text and drops what came after', () => {
    const edited = editTurn(turns, 'u1', 'This is fine');
    assert.deepStrictEqual(edited, [{ id: 'u1', role: 'user', text: 'This is fine' }]);
    assert.deepStrictEqual(ids(turnsForRequest(edited)), ['u1'], 'the edited message is sent (it has no failed reply any more)');
    assert.deepStrictEqual(
      editTurn(turns, 'u2', 'Hello again').map((t) => t.text),
      ['This must fail [[fail]]', '', 'Hello again'],
    );
    assert.strictEqual(turns[0]!.text, 'This must fail [[fail]]', 'the input list is not changed');
    assert.throws(() => editTurn(turns, 'a2', 'x'), /Only your own messages/);
    assert.throws(() => editTurn(turns, 'gone', 'x'), /no longer in the conversation/);
  });

  it('Delete removes a reply alone, and a user message with its reply', () => {
    assert.deepStrictEqual(ids(deleteTurn(turns, 'a2')), ['u1', 'a1', 'u2']);
    assert.deepStrictEqual(ids(deleteTurn(turns, 'u1')), ['u2', 'a2']);
    assert.deepStrictEqual(ids(deleteTurn(deleteTurn(turns, 'a2'), 'u2')), ['u1', 'a1'], 'a message without a reply goes alone');
    assert.deepStrictEqual(
      ids(
        deleteTurn(
          [
            { id: 'u', role: 'user', text: 'a' },
            { id: 'v', role: 'user', text: 'b' },
          ],
          'u',
        ),
      ),
      ['v'],
      'never the next user message',
    );
  });
});
