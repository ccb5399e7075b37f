import * as assert from 'assert';
import { closestName } from '../../../src/core/jsonl/suggest';

describe('closestName', () => {
  it('suggests the candidate within two edits', () => {
    assert.strictEqual(closestName('custom_di', ['custom_id', 'method', 'url', 'body']), 'custom_id');
    assert.strictEqual(closestName('metod', ['custom_id', 'method']), 'method');
  });

  it('suggests nothing for a name far from every candidate', () => {
    assert.strictEqual(closestName('completely_else', ['custom_id', 'method']), undefined);
  });

  it('ignores case on both sides and returns the candidate as it is spelled', () => {
    assert.strictEqual(closestName('Questoin', ['Question', 'Answer']), 'Question');
    assert.strictEqual(closestName('questoin', ['Question', 'Answer']), 'Question');
    assert.strictEqual(closestName('defaultTets', ['defaultTest', 'tests']), 'defaultTest');
  });
});
