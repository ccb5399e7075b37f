import * as assert from 'assert';
import { validateText } from '../../../src/core/jsonl';
import { OPTIONS, request, seen, VALID } from './helpers';

const lines = (...items: string[]): string => items.join('\n') + '\n';

describe('custom_id uniqueness', () => {
  it('reports every repeat at its value, each pointing at the first use', () => {
    const text = lines(
      request({}, { custom_id: 'a' }),
      request({}, { custom_id: 'b' }),
      request({}, { custom_id: 'a' }),
      request({}, { custom_id: 'a' }),
    );
    const result = validateText(text, OPTIONS);
    assert.deepStrictEqual(
      result.diagnostics.map((d) => [d.line, d.code, d.startColumn, d.endColumn, d.message, d.related]),
      [2, 3].map((line) => [
        line,
        'kluster.duplicateCustomId',
        13,
        16,
        'Duplicate custom_id "a": first used on line 1, column 14. Each request needs its own.',
        [{ line: 0, startColumn: 13, endColumn: 16, message: 'First use of custom_id "a"' }],
      ]),
    );
  });

  it('compares ids exactly: case and escapes matter as JSON values', () => {
    const text = lines(
      request({}, { custom_id: 'A' }),
      request({}, { custom_id: 'a' }),
      '{"custom_id":"\\u0061","method":"POST","url":"/v1/chat/completions","body":{"model":"deepseek-ai/DeepSeek-V3","messages":[{"role":"user","content":"x"}]}}',
    );
    const result = validateText(text, OPTIONS);
    assert.deepStrictEqual(seen(text, result.diagnostics), [['kluster.duplicateCustomId', '"\\u0061"', 13, 21, 'error']]);
  });
});

describe('file kinds', () => {
  const result = {
    id: 'batch-req-1',
    custom_id: 'request-1',
    response: { status_code: 200, request_id: 'r', body: { choices: [] } },
    error: null,
  };

  it('treats a results file with its own schema and never flags request fields', () => {
    const text = lines(
      JSON.stringify(result),
      JSON.stringify({ ...result, custom_id: 'request-1' }),
      JSON.stringify({ custom_id: 'request-3', response: null, error: { code: 'x', message: 'failed' } }),
    );
    const found = validateText(text, OPTIONS);
    assert.strictEqual(found.kind, 'results');
    assert.deepStrictEqual(found.diagnostics, []);
  });

  it('reports a broken results line with the results schema', () => {
    const text = lines(JSON.stringify(result), JSON.stringify({ custom_id: 'x', response: { status_code: '200' } }));
    const found = validateText(text, OPTIONS);
    assert.deepStrictEqual(seen(text, found.diagnostics), [['kluster.missingResultFields', '"200"', 43, 48, 'error']]);
  });

  it('treats messages-only lines as a fine-tuning dataset', () => {
    const convo = JSON.stringify({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
    });
    const text = lines(convo, convo, JSON.stringify({ messages: [{ role: 'bot', content: 'x' }] }));
    const found = validateText(text, OPTIONS);
    assert.strictEqual(found.kind, 'finetune');
    assert.deepStrictEqual(seen(text, found.diagnostics), [
      ['kluster.finetuneTooFewExamples', convo, 0, convo.length, 'warning'],
      ['kluster.invalidRole', '"bot"', 21, 26, 'error'],
    ]);
  });

  it('checks only syntax in JSONL of an unknown kind', () => {
    const text = lines('{"name":"a"}', '{"name":"b"}', '[1,2]', '{"name":');
    const found = validateText(text, OPTIONS);
    assert.strictEqual(found.kind, 'unknown');
    assert.deepStrictEqual(
      found.diagnostics.map((d) => [d.line, d.code]),
      [[3, 'kluster.invalidJson']],
    );
  });

  it('goes by the majority of the first lines, so one stray line in a batch file is checked as a request', () => {
    const stray = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });
    const text = lines(stray, VALID, request({}, { custom_id: 'b' }));
    const found = validateText(text, OPTIONS);
    assert.strictEqual(found.kind, 'batch');
    assert.deepStrictEqual(
      seen(text, found.diagnostics).map((d) => d[0]),
      [
        // Missing fields are all reported at the opening brace, then sorted by code.
        'kluster.missingBody',
        'kluster.missingCustomId',
        'kluster.missingMethod',
        'kluster.missingUrl',
        'kluster.unknownField',
      ],
    );
  });

  it('calls a file of broken lines a batch file, with only syntax errors', () => {
    const found = validateText(lines('{"custom_id":', '{"a"'), OPTIONS);
    assert.strictEqual(found.kind, 'batch');
    assert.deepStrictEqual(
      found.diagnostics.map((d) => d.code),
      ['kluster.invalidJson', 'kluster.invalidJson'],
    );
  });
});

describe('tier and size caps', () => {
  function requests(n: number): string {
    return Array.from({ length: n }, (_, i) => request({}, { custom_id: `r${i}` })).join('\n') + '\n';
  }

  it('accepts 999 requests on the free tier', () => {
    assert.deepStrictEqual(validateText(requests(999), { ...OPTIONS, tier: 'free' }).diagnostics, []);
  });

  it('warns at request 1000 on the free tier, over that whole line', () => {
    const text = requests(1200);
    const found = validateText(text, { ...OPTIONS, tier: 'free' }).diagnostics;
    assert.deepStrictEqual(
      found.map((d) => [d.line, d.code, d.severity, d.startColumn, d.endColumn]),
      [[999, 'kluster.freeTierLineCap', 'warning', 0, text.split('\n')[999]!.length]],
    );
    assert.match(found[0]!.message, /fewer than 1,000 requests; this is request 1,000 of 1,200/);
  });

  it('has no line cap on the standard tier', () => {
    assert.deepStrictEqual(validateText(requests(1200), OPTIONS).diagnostics, []);
  });

  it('warns on the line that crosses 100 MB', () => {
    const pad = ' '.repeat(1024 * 1024 - 1);
    // One request, then 101 lines of 1 MiB each (whitespace, so each is also a blank line).
    const text = [VALID, ...Array.from({ length: 101 }, () => pad)].join('\n');
    const found = validateText(text, OPTIONS).diagnostics.filter((d) => d.code === 'kluster.fileTooLarge');
    const expectedLine = 100; // VALID + 99 full MiB lines stay under; the 100th pad line crosses.
    assert.deepStrictEqual(
      found.map((d) => [d.line, d.severity]),
      [[expectedLine, 'warning']],
    );
    assert.match(found[0]!.message, /accepts batch files up to 100 MB \(104,857,600 bytes\)/);
  });
});
