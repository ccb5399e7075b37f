import * as assert from 'assert';
import { validateText } from '../../../src/core/jsonl';
import { codesAndText, diagnose, OPTIONS, request, VALID } from './helpers';

type Case = [value: unknown, code: string | undefined];

/** Each parameter with values on and just past its documented bounds, and wrong types. */
const RANGES: Record<string, Case[]> = {
  temperature: [
    [0, undefined],
    [2, undefined],
    [1.25, undefined],
    [null, undefined],
    [-0.01, 'kluster.temperatureRange'],
    [2.01, 'kluster.temperatureRange'],
    ['0.5', 'kluster.invalidType'],
    [true, 'kluster.invalidType'],
  ],
  top_p: [
    [0, undefined],
    [1, undefined],
    [1.5, 'kluster.topPRange'],
    [-1, 'kluster.topPRange'],
    ['1', 'kluster.invalidType'],
  ],
  frequency_penalty: [
    [-2, undefined],
    [2, undefined],
    [-2.5, 'kluster.frequencyPenaltyRange'],
    [3, 'kluster.frequencyPenaltyRange'],
    ['0', 'kluster.invalidType'],
  ],
  presence_penalty: [
    [-2, undefined],
    [2, undefined],
    [-2.01, 'kluster.presencePenaltyRange'],
    [2.01, 'kluster.presencePenaltyRange'],
    [[1], 'kluster.invalidType'],
  ],
  max_completion_tokens: [
    [1, undefined],
    [200, undefined],
    [0, 'kluster.maxCompletionTokensRange'],
    [1.5, 'kluster.invalidType'],
    ['200', 'kluster.invalidType'],
  ],
  seed: [
    [42, undefined],
    [-1, undefined],
    [4.2, 'kluster.invalidType'],
  ],
  stream: [
    [false, undefined],
    ['false', 'kluster.invalidType'],
  ],
  logprobs: [
    [true, undefined],
    [1, 'kluster.invalidType'],
  ],
};

describe('request line: documented parameter ranges', () => {
  for (const [name, cases] of Object.entries(RANGES)) {
    for (const [value, code] of cases) {
      it(`${name} = ${JSON.stringify(value)} → ${code ?? 'ok'}`, () => {
        const line = request({ [name]: value });
        const expected = code ? [[code, JSON.stringify(value)]] : [];
        assert.deepStrictEqual(codesAndText(line), expected);
      });
    }
  }

  it('says what the range is and what it got', () => {
    const text = `${VALID}\n${request({ temperature: 3, top_p: '0.9' })}`;
    const messages = validateText(text, OPTIONS).diagnostics.map((d) => d.message);
    assert.deepStrictEqual(messages, [
      '`temperature` must be a number from 0 to 2, not 3.',
      '`top_p` must be a number from 0 to 1, not the string "0.9".',
    ]);
  });
});

describe('request line: logprobs and logit_bias', () => {
  it('allows top_logprobs 0 and 20 with logprobs true', () => {
    assert.deepStrictEqual(diagnose(request({ logprobs: true, top_logprobs: 0 })), []);
    assert.deepStrictEqual(diagnose(request({ logprobs: true, top_logprobs: 20 })), []);
  });

  it('rejects top_logprobs outside 0–20 at its value', () => {
    assert.deepStrictEqual(codesAndText(request({ logprobs: true, top_logprobs: 21 })), [['kluster.topLogprobsRange', '21']]);
    assert.deepStrictEqual(codesAndText(request({ logprobs: true, top_logprobs: -1 })), [['kluster.topLogprobsRange', '-1']]);
    assert.deepStrictEqual(codesAndText(request({ logprobs: true, top_logprobs: 2.5 })), [['kluster.invalidType', '2.5']]);
  });

  it('requires logprobs: true for top_logprobs, reported at the top_logprobs key', () => {
    assert.deepStrictEqual(codesAndText(request({ top_logprobs: 5 })), [['kluster.topLogprobsWithoutLogprobs', '"top_logprobs"']]);
    assert.deepStrictEqual(codesAndText(request({ logprobs: false, top_logprobs: 5 })), [
      ['kluster.topLogprobsWithoutLogprobs', '"top_logprobs"'],
    ]);
    assert.deepStrictEqual(diagnose(request({ top_logprobs: null })), []);
  });

  it('accepts logit_bias values from -100 to 100', () => {
    assert.deepStrictEqual(diagnose(request({ logit_bias: { '50256': -100, '11': 100, '7': 0.5 } })), []);
  });

  it('rejects each logit_bias value outside -100..100 at that value', () => {
    const line = request({ logit_bias: { '1': 101, '2': 0, '3': -100.5 } });
    assert.deepStrictEqual(codesAndText(line), [
      ['kluster.logitBiasRange', '101'],
      ['kluster.logitBiasRange', '-100.5'],
    ]);
    assert.deepStrictEqual(codesAndText(request({ logit_bias: { '1': '5' } })), [['kluster.invalidType', '"5"']]);
    assert.deepStrictEqual(codesAndText(request({ logit_bias: [1] })), [['kluster.invalidType', '[1]']]);
  });
});

describe('request line: stop', () => {
  it('accepts a string or up to 4 strings', () => {
    assert.deepStrictEqual(diagnose(request({ stop: '\n' })), []);
    assert.deepStrictEqual(diagnose(request({ stop: ['a', 'b', 'c', 'd'] })), []);
    assert.deepStrictEqual(diagnose(request({ stop: null })), []);
  });

  it('rejects 5 sequences over the whole array', () => {
    assert.deepStrictEqual(codesAndText(request({ stop: ['a', 'b', 'c', 'd', 'e'] })), [['kluster.invalidStop', '["a","b","c","d","e"]']]);
  });

  it('rejects non-strings, pointing at the wrong element', () => {
    assert.deepStrictEqual(codesAndText(request({ stop: ['a', 7] })), [['kluster.invalidStop', '7']]);
    assert.deepStrictEqual(codesAndText(request({ stop: 7 })), [['kluster.invalidStop', '7']]);
  });
});

describe('request line: unsupported, deprecated and unknown parameters', () => {
  for (const name of [
    'n',
    'tools',
    'tool_choice',
    'response_format',
    'store',
    'modalities',
    'service_tier',
    'stream_options',
    'parallel_tool_calls',
  ]) {
    it(`warns that ${name} is unsupported, at its key`, () => {
      const found = diagnose(request({ [name]: 1 }));
      assert.deepStrictEqual(
        found.map((d) => [d[0], d[1], d[4]]),
        [['kluster.unsupportedParameter', `"${name}"`, 'warning']],
      );
    });
  }

  for (const name of ['name', 'refusal', 'audio', 'tool_calls']) {
    it(`warns that messages[].${name} is unsupported`, () => {
      const found = diagnose(request({ messages: [{ role: 'assistant', content: 'x', [name]: 'y' }] }));
      assert.deepStrictEqual(
        found.map((d) => [d[0], d[1], d[4]]),
        [['kluster.unsupportedParameter', `"${name}"`, 'warning']],
      );
    });
  }

  it('warns that functions, function_call and messages[].function_call are deprecated', () => {
    assert.deepStrictEqual(codesAndText(request({ functions: [], function_call: 'auto' })), [
      ['kluster.deprecatedParameter', '"functions"'],
      ['kluster.deprecatedParameter', '"function_call"'],
    ]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'assistant', content: 'x', function_call: {} }] })), [
      ['kluster.deprecatedParameter', '"function_call"'],
    ]);
  });

  it('warns that max_tokens is deprecated, with a fix hint', () => {
    const found = diagnose(request({ max_tokens: 100 }));
    assert.deepStrictEqual(
      found.map((d) => [d[0], d[1], d[4]]),
      [['kluster.deprecatedMaxTokens', '"max_tokens"', 'warning']],
    );
    assert.deepStrictEqual(codesAndText(request({ max_tokens: '100' })), [
      ['kluster.deprecatedMaxTokens', '"max_tokens"'],
      ['kluster.invalidType', '"100"'],
    ]);
  });

  it('notes an undocumented parameter, suggesting the documented one it resembles', () => {
    const found = diagnose(request({ temprature: 0.3 }));
    assert.deepStrictEqual(
      found.map((d) => [d[0], d[1], d[4]]),
      [['kluster.unknownParameter', '"temprature"', 'info']],
    );
  });
});
