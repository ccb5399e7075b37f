import * as assert from 'assert';
import { isPlainValidRequest, requestLineSchema } from '../../../src/core/jsonl/schema';

// The validator skips zod for lines isPlainValidRequest accepts, so it must never accept one zod refuses.
describe('request line: the quick check before zod', () => {
  const base = () => ({
    custom_id: 'req-1',
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model: 'deepseek-ai/DeepSeek-V3',
      temperature: 0.5,
      max_completion_tokens: 200,
      messages: [
        { role: 'system', content: 'Classify the genre.' },
        { role: 'user', content: 'A detective in the rain.' },
      ],
    } as Record<string, unknown>,
  });
  const values: unknown[] = [
    undefined,
    null,
    '',
    'x',
    'POST',
    '/v1/chat/completions',
    'user',
    'system',
    'assistant',
    'tool',
    0,
    -0,
    1,
    2,
    2.0000001,
    -2,
    -2.5,
    0.5,
    1.5,
    20,
    21,
    -1,
    1e20,
    Infinity,
    -Infinity,
    true,
    false,
    [],
    [1],
    ['a'],
    [{ role: 'user', content: 'hi' }],
    {},
    { a: 1 },
    { type: 'text', text: 'x' },
  ];
  const bodyKeys = [
    'model',
    'messages',
    'frequency_penalty',
    'presence_penalty',
    'temperature',
    'top_p',
    'logprobs',
    'top_logprobs',
    'logit_bias',
    'stop',
    'max_completion_tokens',
    'max_tokens',
    'seed',
    'stream',
    'metadata',
    'n',
  ];
  type Mutation = (line: ReturnType<typeof base>, value: unknown) => void;
  // Sets (or, for undefined, deletes) a key where a mutation before left an object or array to set it on.
  const set = (target: unknown, key: string, value: unknown) => {
    if (typeof target !== 'object' || target === null) return;
    if (value === undefined) delete (target as Record<string, unknown>)[key];
    else (target as Record<string, unknown>)[key] = value;
  };
  const messages = (line: ReturnType<typeof base>) => (line.body?.messages ?? []) as unknown[];
  const mutations: Mutation[] = [
    ...['custom_id', 'method', 'url', 'body', 'extra'].map(
      (key): Mutation =>
        (line, v) =>
          set(line, key, v),
    ),
    ...bodyKeys.map(
      (key): Mutation =>
        (line, v) =>
          set(line.body, key, v),
    ),
    (line, v) => set(messages(line), '1', v),
    (line, v) => set(messages(line)[0], 'role', v),
    (line, v) => set(messages(line)[1], 'content', v),
    (line, v) => set(messages(line)[1], 'name', v),
  ];

  it('accepts the common valid line, and only lines zod accepts too', () => {
    assert.strictEqual(isPlainValidRequest(base()), true);
    assert.strictEqual(requestLineSchema.safeParse(base()).success, true);
    let seed = 11;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const outcomes = { quick: 0, zodOnly: 0, neither: 0 };
    for (let k = 0; k < 20000; k++) {
      const line = base();
      for (let m = 1 + random(3); m > 0; m--) mutations[random(mutations.length)]!(line, values[random(values.length)]);
      const quick = isPlainValidRequest(line);
      const zod = requestLineSchema.safeParse(line).success;
      if (quick) assert.strictEqual(zod, true, JSON.stringify(line));
      outcomes[quick ? 'quick' : zod ? 'zodOnly' : 'neither']++;
    }
    // Each outcome is common, so the assertion above was put to the test.
    for (const [outcome, n] of Object.entries(outcomes)) assert.ok(n > 100, `${outcome}: ${n}`);
  });
});
