import * as assert from 'assert';
import { customIdSpan } from '../../../src/core/jsonl/customId';
import { LineTree } from '../../../src/core/jsonl/locate';
import { repeatsKeys } from '../../../src/core/jsonl/structure';
import { request } from './helpers';

describe('custom_id location', () => {
  const lines = [
    request({}, { custom_id: 'plain' }),
    '{ "custom_id" :\t"spaced" , "method":"POST"}',
    JSON.stringify({
      method: 'POST',
      body: { custom_id: 'nested', messages: [{ role: 'user', content: '"custom_id": "in text"' }] },
      custom_id: 'top',
    }),
    JSON.stringify({ url: 'a\\"b\\\\', custom_id: 'after \\ escapes "quoted"' }),
    JSON.stringify({ list: ['custom_id', { custom_id: 'deep' }], custom_id: 'last' }),
    '{"custom\\u005fid":"escaped key"}',
    '{"custom_id":"first","custom_id":"second"}',
  ];

  it('finds the same span as the syntax tree the editor uses (the last of repeated keys, which counts)', () => {
    for (const line of lines) {
      assert.deepStrictEqual(
        customIdSpan(line, repeatsKeys(line, JSON.parse(line))),
        new LineTree(line).valueOrNearest(['custom_id']),
        line,
      );
    }
  });

  it('spans the quoted top-level value', () => {
    const line = lines[2]!;
    const span = customIdSpan(line);
    assert.strictEqual(line.slice(span.start, span.end), '"top"');
    const spaced = customIdSpan(lines[1]!);
    assert.strictEqual(lines[1]!.slice(spaced.start, spaced.end), '"spaced"');
  });
});
