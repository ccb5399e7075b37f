import * as assert from 'assert';
import { fixesFor, summarizeLine, uniqueCustomId, validateText, type LineFix } from '../../../src/core/jsonl';
import { closestModels } from '../../../src/core/jsonl/suggest';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import { OPTIONS, request, VALID } from './helpers';

function apply(text: string, fix: LineFix): string {
  let out = text;
  for (const edit of [...fix.edits].sort((a, b) => b.startColumn - a.startColumn)) {
    out = out.slice(0, edit.startColumn) + edit.newText + out.slice(edit.endColumn);
  }
  return out;
}

/** The fixes for the `code` diagnostic of `line` validated as line 2 after VALID. */
function fixesOf(line: string, code: string, taken: string[] = []): LineFix[] {
  const result = validateText(`${VALID}\n${line}`, OPTIONS);
  const diagnostic = result.diagnostics.find((d) => d.line === 1 && d.code === code);
  assert.ok(diagnostic, `no ${code} in ${JSON.stringify(result.diagnostics)}`);
  return fixesFor(line, diagnostic, {
    line: 1,
    isCustomIdTaken: (id) => id === 'anchor' || taken.includes(id),
    knownModels: DOCUMENTED_MODEL_IDS,
  });
}

/** Applies the first fix for `code`, returns the fixed line and its new codes. */
function fixLine(line: string, code: string, taken: string[] = []): { title: string; fixed: string; codes: string[] } {
  const fix = fixesOf(line, code, taken)[0];
  assert.ok(fix, `no fix for ${code}`);
  const fixed = apply(line, fix);
  const codes = validateText(`${VALID}\n${fixed}`, OPTIONS).diagnostics.map((d) => d.code);
  return { title: fix.title, fixed, codes };
}

describe('quick fixes', () => {
  it('adds a missing custom_id named after the line', () => {
    const line =
      '{"method":"POST","url":"/v1/chat/completions","body":{"model":"deepseek-ai/DeepSeek-V3","messages":[{"role":"user","content":"x"}]}}';
    const { title, fixed, codes } = fixLine(line, 'kluster.missingCustomId');
    assert.strictEqual(title, 'Add "custom_id": "request-2"');
    assert.strictEqual(fixed, '{"custom_id":"request-2",' + line.slice(1));
    assert.deepStrictEqual(codes, []);
  });

  it('keeps the spacing style of the line', () => {
    const line =
      '{"method": "POST", "url": "/v1/chat/completions", "body": {"model": "deepseek-ai/DeepSeek-V3", "messages": [{"role": "user", "content": "x"}]}}';
    assert.strictEqual(fixLine(line, 'kluster.missingCustomId').fixed, '{"custom_id": "request-2", ' + line.slice(1));
  });

  it('picks a free id when the obvious one is taken', () => {
    const line = request({}, { custom_id: undefined });
    assert.match(fixLine(line, 'kluster.missingCustomId', ['request-2']).fixed, /^\{"custom_id":"request-2-2",/);
  });

  it('makes a duplicate custom_id unique', () => {
    const { title, fixed, codes } = fixLine(request({}, { custom_id: 'anchor' }), 'kluster.duplicateCustomId', ['anchor-2']);
    assert.strictEqual(title, 'Rename custom_id to "anchor-3"');
    assert.ok(fixed.startsWith('{"custom_id":"anchor-3",'));
    assert.deepStrictEqual(codes, []);
  });

  it('renames max_tokens to max_completion_tokens, keeping its value', () => {
    const { fixed, codes } = fixLine(request({ max_tokens: 300 }), 'kluster.deprecatedMaxTokens');
    assert.strictEqual(fixed, request({ max_completion_tokens: 300 }));
    assert.deepStrictEqual(codes, []);
  });

  it('removes max_tokens when max_completion_tokens is already set', () => {
    const { title, fixed, codes } = fixLine(request({ max_tokens: 300, max_completion_tokens: 100 }), 'kluster.deprecatedMaxTokens');
    assert.strictEqual(title, 'Remove max_tokens (max_completion_tokens is set)');
    assert.strictEqual(fixed, request({ max_completion_tokens: 100 }));
    assert.deepStrictEqual(codes, []);
  });

  it('adds method and url after custom_id, in order', () => {
    const line = request({}, { method: undefined, url: undefined });
    const withMethod = fixLine(line, 'kluster.missingMethod').fixed;
    assert.ok(withMethod.startsWith('{"custom_id":"req-1","method":"POST","body"'), withMethod);
    const withUrl = fixLine(withMethod, 'kluster.missingUrl');
    assert.ok(withUrl.fixed.startsWith('{"custom_id":"req-1","method":"POST","url":"/v1/chat/completions","body"'), withUrl.fixed);
    assert.deepStrictEqual(withUrl.codes, []);
  });

  it('replaces a wrong method or url', () => {
    assert.strictEqual(fixLine(request({}, { method: 'GET' }), 'kluster.invalidMethod').fixed, request());
    assert.strictEqual(fixLine(request({}, { url: '/v1/completions' }), 'kluster.invalidUrl').fixed, request());
  });

  it('adds a property to an empty object without a stray comma', () => {
    const [fix] = fixesFor(
      '{}',
      {
        startColumn: 0,
        endColumn: 1,
        severity: 'error',
        code: 'kluster.missingCustomId',
        message: '',
        fix: { kind: 'insertProperty', key: 'custom_id' },
      },
      { line: 0, isCustomIdTaken: () => false },
    );
    assert.strictEqual(apply('{}', fix!), '{"custom_id":"request-1"}');
  });

  it('writes a number given as a string as a number, for every numeric parameter', () => {
    for (const [key, value, literal] of [
      ['temperature', '0.5', '0.5'],
      ['top_p', ' 1 ', '1'],
      ['frequency_penalty', '-1.5', '-1.5'],
      ['presence_penalty', '2e-1', '2e-1'],
      ['max_completion_tokens', '300', '300'],
      ['seed', '12345678901234567', '12345678901234567'],
    ] as const) {
      const { title, fixed, codes } = fixLine(request({ [key]: value }), 'kluster.invalidType');
      assert.strictEqual(title, `Write ${literal} as a number`);
      assert.strictEqual(fixed, request({ [key]: 0 }).replace(`"${key}":0`, `"${key}":${literal}`), key);
      assert.deepStrictEqual(codes, [], `${key} is fixed: ${fixed}`);
    }
    const { fixed, codes } = fixLine(request({ logit_bias: { '50256': '-100' } }), 'kluster.invalidType');
    assert.ok(fixed.includes('"logit_bias":{"50256":-100}'), fixed);
    assert.deepStrictEqual(codes, []);
  });

  it('offers no number fix for a string that is not a number of the right kind', () => {
    assert.deepStrictEqual(fixesOf(request({ temperature: 'warm' }), 'kluster.invalidType'), []);
    assert.deepStrictEqual(fixesOf(request({ temperature: '0x1' }), 'kluster.invalidType'), []);
    assert.deepStrictEqual(fixesOf(request({ temperature: '' }), 'kluster.invalidType'), []);
    assert.deepStrictEqual(fixesOf(request({ max_completion_tokens: '12.5' }), 'kluster.invalidType'), [], 'not an integer');
    assert.deepStrictEqual(fixesOf(request({ logprobs: 'true' }), 'kluster.invalidType'), [], 'a boolean parameter');
  });

  it('a number out of range in quotes is unquoted first, then clamped', () => {
    const unquoted = fixLine(request({ temperature: '5' }), 'kluster.invalidType');
    assert.deepStrictEqual(unquoted.codes, ['kluster.temperatureRange']);
    assert.strictEqual(fixLine(unquoted.fixed, 'kluster.temperatureRange').fixed, request({ temperature: 2 }));
  });

  it('clamps a value out of range to the nearest bound', () => {
    for (const [key, value, bound, side] of [
      ['temperature', 2.5, 2, 'maximum'],
      ['temperature', -0.1, 0, 'minimum'],
      ['top_p', 1.2, 1, 'maximum'],
      ['frequency_penalty', -3, -2, 'minimum'],
      ['presence_penalty', 9, 2, 'maximum'],
      ['top_logprobs', 25, 20, 'maximum'],
      ['max_completion_tokens', 0, 1, 'minimum'],
    ] as const) {
      const extra = key === 'top_logprobs' ? { logprobs: true } : {};
      const code = `kluster.${key === 'max_completion_tokens' ? 'maxCompletionTokens' : key.replace(/_(.)/g, (_, c: string) => c.toUpperCase())}Range`;
      const { title, fixed, codes } = fixLine(request({ ...extra, [key]: value }), code);
      assert.strictEqual(title, `Set ${key} to ${bound} (the ${side})`);
      assert.strictEqual(fixed, request({ ...extra, [key]: bound }));
      assert.deepStrictEqual(codes, [], key);
    }
    const bias = fixLine(request({ logit_bias: { '50256': 150 } }), 'kluster.logitBiasRange');
    assert.strictEqual(bias.title, 'Set logit_bias["50256"] to 100 (the maximum)');
    assert.strictEqual(bias.fixed, request({ logit_bias: { '50256': 100 } }));
  });

  it('clamps the value JSON.parse keeps when the key is written twice', () => {
    const line = request({ temperature: 1 }).replace('"temperature":1', '"temperature":1,"temperature":7');
    const { fixed, codes } = fixLine(line, 'kluster.temperatureRange');
    assert.ok(fixed.includes('"temperature":1,"temperature":2'), fixed);
    assert.deepStrictEqual(codes, ['kluster.duplicateKey']);
  });

  it('offers the closest known models for an unknown model, best first', () => {
    const titles = (model: string) => fixesOf(request({ model }), 'kluster.unknownModel').map((f) => f.title);
    assert.deepStrictEqual(titles('klusterai/Meta-Llama-3.3-70B-Instruct'), [
      'Change the model to "klusterai/Meta-Llama-3.3-70B-Instruct-Turbo"',
      'Change the model to "klusterai/Meta-Llama-3.1-8B-Instruct-Turbo"',
      'Change the model to "klusterai/Meta-Llama-3.1-405B-Instruct-Turbo"',
    ]);
    assert.deepStrictEqual(titles('deepseek-v3'), [
      'Change the model to "deepseek-ai/DeepSeek-V3"',
      'Change the model to "deepseek-ai/DeepSeek-V3-0324"',
      'Change the model to "deepseek-ai/DeepSeek-R1"',
    ]);
    assert.deepStrictEqual(titles('gemma-3'), ['Change the model to "google/gemma-3-27b-it"']);
    assert.deepStrictEqual(titles('gpt-4o'), [], 'nothing alike: no guess');
    const { fixed, codes } = fixLine(request({ model: 'Qwen2.5-VL' }), 'kluster.unknownModel');
    assert.strictEqual(fixed, request({ model: 'Qwen/Qwen2.5-VL-7B-Instruct' }));
    assert.deepStrictEqual(codes, []);
  });

  it('matches models against the list it is given (the catalog of the base URL in use)', () => {
    assert.deepStrictEqual(closestModels('my-org/llama-ft', ['my-org/llama-ft-v2', 'deepseek-ai/DeepSeek-V3']), ['my-org/llama-ft-v2']);
    assert.deepStrictEqual(closestModels('x', []), []);
    const line = request({ model: 'deepseek-v3' });
    const diagnostic = validateText(`${VALID}\n${line}`, OPTIONS).diagnostics.find((d) => d.code === 'kluster.unknownModel')!;
    assert.deepStrictEqual(fixesFor(line, diagnostic, { line: 1, isCustomIdTaken: () => false }), [], 'no list, no guess');
  });

  it('numbers unique ids from 2', () => {
    assert.strictEqual(
      uniqueCustomId('x', () => false),
      'x',
    );
    assert.strictEqual(
      uniqueCustomId('x', () => false, true),
      'x-2',
    );
    assert.strictEqual(
      uniqueCustomId('x', (id) => id === 'x' || id === 'x-2'),
      'x-3',
    );
  });
});

describe('line summary', () => {
  it('gives model, message count and an estimate of prompt tokens', () => {
    const line = request({
      messages: [
        { role: 'system', content: 'a'.repeat(40) },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'b'.repeat(21) },
            { type: 'image_url', image_url: { url: 'u' } },
          ],
        },
      ],
      max_completion_tokens: 50,
    });
    assert.deepStrictEqual(summarizeLine(line), {
      customId: 'req-1',
      model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo',
      messageCount: 2,
      imageCount: 1,
      estimatedTokens: 16,
      maxCompletionTokens: 50,
    });
  });

  it('has nothing to say about broken or unrelated lines', () => {
    assert.strictEqual(summarizeLine('{"custom_id":'), undefined);
    assert.strictEqual(summarizeLine('{"a":1}'), undefined);
  });
});
