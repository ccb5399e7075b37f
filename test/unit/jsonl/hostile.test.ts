// Lines built to break the validator: nesting deeper than any parser's stack, integers beyond 2^53 and keys
// repeated inside one object. Each gets at most its own diagnostics, and the lines around it are still checked.
import * as assert from 'assert';
import { JsonlDocumentValidator, fixesFor, validateText } from '../../../src/core/jsonl';
import { codesAndText, diagnose, OPTIONS, request, VALID } from './helpers';

const DEEP = 8000;
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
/** A request with `value` as its `field` (JSON.stringify recurses, so the deep text is spliced in). */
const withRaw = (field: string, value: string) => request({ [field]: 0 }).replace(`"${field}":0`, `"${field}":${value}`);
const deepMetadata = () => withRaw('metadata', `{"deep":${deepArray(DEEP)}}`);

describe('deeply nested lines', () => {
  const lines: [string, string][] = [
    ['unclosed arrays', '['.repeat(DEEP)],
    ['unclosed objects', '{"a":'.repeat(DEEP)],
    ['a valid array', deepArray(DEEP)],
    ['a request whose metadata nests deeply', deepMetadata()],
    ['a request with a deep bad value', withRaw('temperature', deepArray(DEEP))],
    ['a deep line with a syntax error at its end', `${deepMetadata()},`],
  ];
  for (const [name, line] of lines) {
    it(`${name}: at most its own diagnostics, and the next line is still checked`, () => {
      const text = `${VALID}\n${line}\n${request({ temperature: 5 }, { custom_id: 'after' })}\n`;
      const result = validateText(text, OPTIONS);
      assert.ok(
        result.diagnostics.every((d) => d.line === 1 || d.line === 2),
        JSON.stringify(result.diagnostics.map((d) => d.line)),
      );
      assert.deepStrictEqual(
        result.diagnostics.filter((d) => d.line === 2).map((d) => d.code),
        ['kluster.temperatureRange'],
      );
      assert.ok(result.diagnostics.filter((d) => d.line === 1).length <= 1);
    });
  }

  it('says where an unclosed deep line ends', () => {
    const [diagnostic] = diagnose('['.repeat(DEEP));
    assert.deepStrictEqual(diagnostic?.slice(0, 1), ['kluster.invalidJson']);
    assert.strictEqual(diagnostic?.[3], DEEP);
  });

  it('a deep value is not an object, with the squiggle on the line', () => {
    assert.deepStrictEqual(
      diagnose(deepArray(DEEP)).map(([code, , start, end]) => [code, start, end]),
      [['kluster.notAnObject', 0, DEEP * 2]],
    );
  });

  it('finds no quick fix in a deep duplicate instead of crashing', () => {
    const line = deepMetadata();
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load([line, line]);
    validator.checkPending();
    const found: unknown[] = [];
    validator.visit((l, d) => {
      if (d.fix) found.push(fixesFor(line, d, { line: l, isCustomIdTaken: () => false }));
    });
    assert.deepStrictEqual(found, [[]]);
  });
});

describe('integers beyond 2^53', () => {
  const raw = (literal: string) => withRaw('seed', literal);
  for (const literal of ['12345678901234567', '9223372036854775807', '-9223372036854775808', '1e20', '1.0', '2.50e1']) {
    it(`seed ${literal} is an integer`, () => assert.deepStrictEqual(codesAndText(raw(literal)), []));
  }
  for (const literal of ['12345678901234567.5', '1.00000000000000001', '100000000000000000000.5']) {
    it(`seed ${literal} is not, though its double is`, () => {
      assert.deepStrictEqual(
        diagnose(raw(literal)).map(([code, covered]) => [code, covered]),
        [['kluster.invalidType', literal]],
      );
      const messages = validateText(`${VALID}\n${raw(literal)}`, OPTIONS).diagnostics.map((d) => d.message);
      assert.deepStrictEqual(messages, [`\`seed\` must be an integer, not ${literal}.`]);
    });
  }
  it('max_completion_tokens is checked on its source too', () => {
    const line = request({ max_completion_tokens: 1 }).replace('"max_completion_tokens":1', '"max_completion_tokens":100000000000000000.5');
    assert.deepStrictEqual(codesAndText(line), [['kluster.invalidType', '100000000000000000.5']]);
  });
});

describe('a key repeated inside one object', () => {
  it('warns on the earlier custom_id and uses the last one, as JSON.parse and kluster.ai do', () => {
    const line = request().replace('"custom_id":"req-1"', '"custom_id":"k3","custom_id":"k1"');
    const text = `${request({}, { custom_id: 'k1' })}\n${line}\n${request({}, { custom_id: 'k3' })}\n`;
    const result = validateText(text, OPTIONS);
    const lines = text.split('\n');
    const shown = result.diagnostics.map((d) => [d.line, d.code, lines[d.line]!.slice(d.startColumn, d.endColumn)]);
    assert.deepStrictEqual(shown, [
      [1, 'kluster.duplicateKey', '"custom_id"'],
      [1, 'kluster.duplicateCustomId', '"k1"'],
    ]);
    const [warning] = result.diagnostics;
    assert.strictEqual(warning?.severity, 'warning');
    assert.match(warning!.message, /^Duplicate key `custom_id`: only its last value counts \(column 19\); this one is ignored\.$/);
  });

  it('points other diagnostics at the value that counts', () => {
    const line = request({ temperature: 1 }).replace('"temperature":1', '"temperature":1,"temperature":7');
    assert.deepStrictEqual(codesAndText(line), [
      ['kluster.duplicateKey', '"temperature"'],
      ['kluster.temperatureRange', '7'],
    ]);
  });

  it('finds repeats in nested objects and under escaped names, in any kind of file', () => {
    const line = request().replace('"role":"user"', '"role":"user","r\\u006fle":"user"');
    assert.deepStrictEqual(codesAndText(line), [['kluster.duplicateKey', '"role"']]);
    const unknown = validateText('{"a":1,"a":2}\n', OPTIONS);
    assert.deepStrictEqual(
      unknown.diagnostics.map((d) => [d.code, d.startColumn, d.endColumn]),
      [['kluster.duplicateKey', 1, 4]],
    );
  });

  it('leaves equal keys in different objects alone', () => {
    assert.deepStrictEqual(codesAndText(request({ metadata: { model: 'x', body: { model: 'y' } } })), []);
  });

  it('the quick fix renames the custom_id that counts', () => {
    const line = request().replace('"custom_id":"req-1"', '"custom_id":"k3","custom_id":"k1"');
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load([request({}, { custom_id: 'k1' }), line]);
    validator.checkPending();
    let edits: unknown;
    validator.visit((l, d) => {
      if (d.code === 'kluster.duplicateCustomId') edits = fixesFor(line, d, { line: l, isCustomIdTaken: (id) => id === 'k1' })[0]?.edits;
    });
    const at = line.indexOf('"k1"');
    assert.deepStrictEqual(edits, [{ startColumn: at, endColumn: at + 4, newText: '"k1-2"' }]);
  });
});
