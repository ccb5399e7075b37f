import * as assert from 'assert';
import { codesAndText, diagnose, MODEL, request } from './helpers';

describe('request line: custom_id, method, url, body', () => {
  it('accepts a documented request line', () => {
    assert.deepStrictEqual(diagnose(request()), []);
  });

  it('reports a missing custom_id from the opening brace to the first key, wide enough to see and hover', () => {
    const line = request({}, { custom_id: undefined });
    assert.deepStrictEqual(diagnose(line), [['kluster.missingCustomId', '{"method"', 0, 9, 'error']]);
    assert.deepStrictEqual(
      diagnose('{ }').filter((d) => d[0] === 'kluster.missingCustomId'),
      [['kluster.missingCustomId', '{ }', 0, 3, 'error']],
    );
  });

  it('rejects an empty or non-string custom_id at its value', () => {
    assert.deepStrictEqual(codesAndText(request({}, { custom_id: '' })), [['kluster.invalidCustomId', '""']]);
    assert.deepStrictEqual(codesAndText(request({}, { custom_id: 7 })), [['kluster.invalidCustomId', '7']]);
    assert.deepStrictEqual(codesAndText(request({}, { custom_id: null })), [['kluster.invalidCustomId', 'null']]);
  });

  it('requires method POST', () => {
    assert.deepStrictEqual(codesAndText(request({}, { method: 'GET' })), [['kluster.invalidMethod', '"GET"']]);
    assert.deepStrictEqual(codesAndText(request({}, { method: 'post' })), [['kluster.invalidMethod', '"post"']]);
    assert.deepStrictEqual(codesAndText(request({}, { method: undefined })), [['kluster.missingMethod', '{"custom_id"']]);
  });

  it('requires url /v1/chat/completions', () => {
    assert.deepStrictEqual(codesAndText(request({}, { url: '/v1/completions' })), [['kluster.invalidUrl', '"/v1/completions"']]);
    assert.deepStrictEqual(codesAndText(request({}, { url: 'v1/chat/completions' })), [['kluster.invalidUrl', '"v1/chat/completions"']]);
    assert.deepStrictEqual(codesAndText(request({}, { url: undefined })), [['kluster.missingUrl', '{"custom_id"']]);
  });

  it('requires body to be an object', () => {
    assert.deepStrictEqual(codesAndText(request({}, { body: undefined })), [['kluster.missingBody', '{"custom_id"']]);
    assert.deepStrictEqual(codesAndText(request({}, { body: '{}' })), [['kluster.invalidBody', '"{}"']]);
    assert.deepStrictEqual(codesAndText(request({}, { body: [] })), [['kluster.invalidBody', '[]']]);
  });

  it('reports a line that is not an object over the whole value', () => {
    assert.deepStrictEqual(diagnose('  [1, 2]  '), [['kluster.notAnObject', '[1, 2]', 2, 8, 'error']]);
    assert.deepStrictEqual(codesAndText('"text"'), [['kluster.notAnObject', '"text"']]);
    assert.deepStrictEqual(codesAndText('null'), [['kluster.notAnObject', 'null']]);
    assert.deepStrictEqual(codesAndText('42'), [['kluster.notAnObject', '42']]);
  });

  it('warns about unknown top-level fields, suggesting the likely one', () => {
    const found = diagnose(request({}, { customid: 'x' }));
    assert.deepStrictEqual(found, [['kluster.unknownField', '"customid"', found[0]![2], found[0]![3], 'warning']]);
  });

  it('reports every problem of a line, each at its own place', () => {
    const line = '{"method":"GET","url":"/x","body":{"model":5,"messages":[]}}';
    assert.deepStrictEqual(diagnose(line), [
      ['kluster.missingCustomId', '{"method"', 0, 9, 'error'],
      ['kluster.invalidMethod', '"GET"', 10, 15, 'error'],
      ['kluster.invalidUrl', '"/x"', 22, 26, 'error'],
      ['kluster.invalidModel', '5', 43, 44, 'error'],
      ['kluster.invalidMessages', '[]', 56, 58, 'error'],
    ]);
  });
});

describe('request line: model and messages', () => {
  it('requires a model string, reported at body when missing', () => {
    assert.deepStrictEqual(codesAndText(request({ model: undefined })), [['kluster.missingModel', '"body"']]);
    assert.deepStrictEqual(codesAndText(request({ model: '' })), [['kluster.invalidModel', '""']]);
    assert.deepStrictEqual(codesAndText(request({ model: ['a'] })), [['kluster.invalidModel', '["a"]']]);
  });

  it('warns about a model kluster does not list, at the model value', () => {
    assert.deepStrictEqual(
      diagnose(request({ model: 'gpt-4o' })).map((d) => [d[0], d[1], d[4]]),
      [['kluster.unknownModel', '"gpt-4o"', 'warning']],
    );
  });

  it('accepts a model when the live list has it', () => {
    const options = { knownModels: new Set(['my-org/fine-tuned-1']), tier: 'standard' as const };
    assert.deepStrictEqual(diagnose(request({ model: 'my-org/fine-tuned-1' }), options), []);
    assert.deepStrictEqual(codesAndText(request({ model: MODEL }), options), [['kluster.unknownModel', JSON.stringify(MODEL)]]);
  });

  it('requires a non-empty messages array', () => {
    assert.deepStrictEqual(codesAndText(request({ messages: undefined })), [['kluster.missingMessages', '"body"']]);
    assert.deepStrictEqual(codesAndText(request({ messages: [] })), [['kluster.invalidMessages', '[]']]);
    assert.deepStrictEqual(codesAndText(request({ messages: 'hi' })), [['kluster.invalidMessages', '"hi"']]);
  });

  it('accepts system, user and assistant messages', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://x/y.png' } },
        ],
      },
    ];
    assert.deepStrictEqual(diagnose(request({ messages })), []);
  });

  it('rejects other roles and messages that are not objects', () => {
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'tool', content: 'x' }] })), [['kluster.invalidRole', '"tool"']]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'developer', content: 'x' }] })), [
      ['kluster.invalidRole', '"developer"'],
    ]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ content: 'x' }] })), [['kluster.invalidRole', '{"content"']]);
    assert.deepStrictEqual(codesAndText(request({ messages: ['hello'] })), [['kluster.invalidMessage', '"hello"']]);
  });

  it('checks content: a string or an array of text / image_url parts', () => {
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'user' }] })), [['kluster.missingContent', '{"role"']]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'user', content: 5 }] })), [['kluster.invalidContent', '5']]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'user', content: { text: 'x' } }] })), [
      ['kluster.invalidContent', '{"text":"x"}'],
    ]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'user', content: [{ type: 'audio', text: 'x' }] }] })), [
      ['kluster.invalidContentPart', '"audio"'],
    ]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'user', content: [{ type: 'text' }] }] })), [
      ['kluster.invalidContentPart', '{"type"'],
    ]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'u' }] }] })), [
      ['kluster.invalidContentPart', '"u"'],
    ]);
    assert.deepStrictEqual(codesAndText(request({ messages: [{ role: 'user', content: ['plain'] }] })), [
      ['kluster.invalidContentPart', '"plain"'],
    ]);
  });

  it('points at the failing message by index', () => {
    const messages = [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'robot', content: 'c' },
    ];
    const line = request({ messages });
    const [found] = diagnose(line);
    assert.strictEqual(found![1], '"robot"');
    assert.strictEqual(line.indexOf('"robot"'), found![2]);
  });
});
