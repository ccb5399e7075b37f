import * as assert from 'assert';
import { fixFor, summarizeLine, uniqueCustomId, validateText, type LineFix } from '../../../src/core/jsonl';
import { OPTIONS, request, VALID } from './helpers';

function apply(text: string, fix: LineFix): string {
  let out = text;
  for (const edit of [...fix.edits].sort((a, b) => b.startColumn - a.startColumn)) {
    out = out.slice(0, edit.startColumn) + edit.newText + out.slice(edit.endColumn);
  }
  return out;
}

/** Validates `line` as line 2 after VALID, applies the fix for `code`, returns the fixed line and its new codes. */
function fixLine(line: string, code: string, taken: string[] = []): { title: string; fixed: string; codes: string[] } {
  const result = validateText(`${VALID}\n${line}`, OPTIONS);
  const diagnostic = result.diagnostics.find((d) => d.line === 1 && d.code === code);
  assert.ok(diagnostic, `no ${code} in ${JSON.stringify(result.diagnostics)}`);
  const fix = fixFor(line, diagnostic, { line: 1, isCustomIdTaken: (id) => id === 'anchor' || taken.includes(id) });
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
    const fix = fixFor(
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
