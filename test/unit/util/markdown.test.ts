import * as assert from 'assert';
import { codeSpan } from '../../../src/core/util/markdown';

describe('markdown code spans', () => {
  it('keeps the text as it is, without backslash escapes that a code span would show', () => {
    assert.strictEqual(codeSpan('klusterai/Meta-Llama-3.3-70B-Instruct-Turbo'), '`klusterai/Meta-Llama-3.3-70B-Instruct-Turbo`');
    assert.strictEqual(codeSpan('a_b*c[d]'), '`a_b*c[d]`');
  });

  it('fences backticks in the text with a longer run, padded at the ends', () => {
    assert.strictEqual(codeSpan('a`b'), '``a`b``');
    assert.strictEqual(codeSpan('x``y`'), '``` x``y` ```');
    assert.strictEqual(codeSpan('two\nlines'), '`two lines`');
  });
});
