import * as assert from 'assert';
import { validateText } from '../../../src/core/jsonl';
import { diagnose, OPTIONS, request, VALID } from './helpers';

// Each malformed line with the exact range its error must cover. Columns are 0-based UTF-16 offsets.
const CASES: [name: string, line: string, covered: string, start: number, end: number, message: RegExp][] = [
  ['trailing comma in an object', '{"custom_id":"a",}', ',', 16, 17, /trailing comma before \}/],
  ['trailing comma in an array', '{"custom_id":"a","x":[1,2,]}', ',', 25, 26, /trailing comma before \]/],
  ['unclosed object', '{"custom_id":"a"', '"', 15, 16, /'\}'/],
  ['unclosed array', '{"x":[1,2}', '}', 9, 10, /.+/],
  ['missing colon', '{"custom_id" "a"}', '"a"', 13, 16, /':'/],
  ['missing comma between properties', '{"a":1 "b":2}', '"b"', 7, 10, /','/],
  ['single-quoted key', "{'custom_id':'a'}", "'custom_id'", 1, 12, /unexpected token "'custom_id'"/],
  ['unquoted key', '{custom_id:"a"}', 'custom_id', 1, 10, /unexpected token "custom_id"/],
  ['bare word value', '{"a":tru}', 'tru', 5, 8, /unexpected token "tru"/],
  ['NaN', '{"a":NaN}', 'NaN', 5, 8, /unexpected token "NaN"/],
  ['unterminated string', '{"a":"abc', '"abc', 5, 9, /unterminated string/],
  ['raw tab inside a string', '{"a":"x\ty"}', '\t', 7, 8, /control character/],
  ['invalid escape', '{"a":"\\q"}', '"\\q"', 5, 9, /invalid escape/],
  ['bad unicode escape', '{"a":"\\u12"}', '"\\u12"', 5, 11, /invalid \\u escape/],
  ['two values on a line', '{"a":1} {"b":2}', '{', 8, 9, /exactly one value/],
  ['trailing text', '{"a":1}x', 'x', 7, 8, /unexpected token|exactly one value/],
  ['line comment', '{"a":1} // note', '// note', 8, 15, /comments are not allowed/],
  ['block comment', '{/* c */"a":1}', '/* c */', 1, 8, /comments are not allowed/],
  ['leading zero', '{"a":01}', '1', 6, 7, /','/],
  ['lone closing brace', '}', '}', 0, 1, /expected a value/],
  ['lone opening brace', '{', '{', 0, 1, /'\}'/],
];

describe('JSONL syntax errors', () => {
  for (const [name, line, covered, start, end] of CASES) {
    it(`${name}: ${JSON.stringify(line)}`, () => {
      const found = diagnose(line);
      assert.deepStrictEqual(
        found.map(([code, text, s, e, severity]) => [code, text, s, e, severity]),
        [['kluster.invalidJson', covered, start, end, 'error']],
      );
    });
  }

  it('explains each error in words, prefixed with "Invalid JSON"', () => {
    for (const [name, line, , , , message] of CASES) {
      const d = validateText(`${VALID}\n${line}`, OPTIONS).diagnostics.find((x) => x.line === 1)!;
      assert.match(d.message, /^Invalid JSON: /, name);
      assert.match(d.message, message, `${name}: ${d.message}`);
    }
  });

  it('keeps checking the lines after a broken one', () => {
    const text = [VALID, '{"custom_id":', request({ temperature: 3 }, { custom_id: 'later' })].join('\n');
    const result = validateText(text, OPTIONS);
    assert.deepStrictEqual(
      result.diagnostics.map((d) => [d.line, d.code]),
      [
        [1, 'kluster.invalidJson'],
        [2, 'kluster.temperatureRange'],
      ],
    );
  });
});
