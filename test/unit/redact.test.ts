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
});
