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

describe('syntax error messages stay short and printable', () => {
  it('cuts a 2 MB bad token to 40 characters and an ellipsis, while the range still covers all of it', () => {
    const token = 'x'.repeat(2_000_000);
    const line = `{"a":${token}}`;
    const d = validateText(`${VALID}\n${line}\n`, OPTIONS).diagnostics.find((x) => x.line === 1)!;
    assert.strictEqual(d.code, 'kluster.invalidJson');
    assert.strictEqual(d.message, `Invalid JSON: unexpected token "${'x'.repeat(40)}…"`);
    assert.deepStrictEqual([d.startColumn, d.endColumn], [5, 5 + token.length]);
  });

  it('escapes control characters from binary input instead of printing NUL runs', () => {
    const line = '\u0000\u0000\u0001PK\u0003\u0004';
    const d = validateText(`${VALID}\n${line}\n`, OPTIONS).diagnostics.find((x) => x.line === 1)!;
    assert.strictEqual(d.code, 'kluster.invalidJson');
    assert.ok(![...d.message].some((c) => c.charCodeAt(0) < 0x20), JSON.stringify(d.message));
    assert.match(d.message, /\\u0000/);
    assert.ok(d.message.length < 300, `${d.message.length} characters`);
  });

  it('never splits a surrogate pair when cutting', () => {
    const token = `${'y'.repeat(39)}😀${'y'.repeat(10)}`;
    const d = validateText(`${VALID}\n{"a":${token}}\n`, OPTIONS).diagnostics.find((x) => x.line === 1)!;
    assert.strictEqual(d.message, `Invalid JSON: unexpected token "${'y'.repeat(39)}…"`);
  });

  it('quotes a long custom_id and unknown key in bounded form', () => {
    const id = 'i'.repeat(5000);
    const key = `k\u0000${'k'.repeat(5000)}`;
    const text = `${request({}, { custom_id: id })}\n${request({}, { custom_id: id, [key]: 1 })}\n`;
    const found = validateText(text, OPTIONS).diagnostics;
    assert.deepStrictEqual(
      found.map((d) => [d.code, d.message.length < 200]),
      [
        ['kluster.duplicateCustomId', true],
        ['kluster.unknownField', true],
      ],
    );
    assert.match(found[0]!.message, new RegExp(`^Duplicate custom_id "${'i'.repeat(40)}…": first used on line 1`));
    assert.match(found[0]!.related![0]!.message, new RegExp(`^First use of custom_id "${'i'.repeat(40)}…"$`));
    assert.match(found[1]!.message, /^Unknown field `k\\u0000k{38}…`/);
  });
});
