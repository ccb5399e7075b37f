import * as assert from 'assert';
import { redact } from '../../src/core/util/redact';

describe('redact', () => {
  it('removes every occurrence of a known secret', () => {
    const key = 'sk-live-1234567890abcdef';
    assert.strictEqual(redact(`key=${key} again ${key}`, [key]), 'key=[redacted] again [redacted]');
  });

  it('removes bearer tokens even when the secret is not known', () => {
    assert.strictEqual(redact('Authorization: Bearer abc.def-123'), 'Authorization: Bearer [redacted]');
  });

  it('leaves text alone when short values would blank out ordinary words', () => {
    assert.strictEqual(redact('the status is ok', ['ok']), 'the status is ok');
  });

  it('removes the key URL-encoded, JSON-escaped and in any letter case', () => {
    const key = 'sk-Live/Key+1234"x\\y';
    const json = JSON.stringify(key).slice(1, -1);
    const text = `url ?key=${encodeURIComponent(key)} lower-hex ${encodeURIComponent(key).toLowerCase()} json {"k":"${json}"} slash ${json.replace(/\//g, '\\/')} upper ${key.toUpperCase()} lower ${key.toLowerCase()}`;
    assert.strictEqual(
      redact(text, [key]),
      'url ?key=[redacted] lower-hex [redacted] json {"k":"[redacted]"} slash [redacted] upper [redacted] lower [redacted]',
    );
  });
});
