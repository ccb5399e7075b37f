import * as assert from 'assert';
import { LineSplitter, splitLines, validateText } from '../../../src/core/jsonl';
import { OPTIONS, seen, VALID } from './helpers';

describe('JSONL line splitting', () => {
  it('splits LF lines and ignores the final newline', () => {
    assert.deepStrictEqual(splitLines('a\nb\n'), ['a', 'b']);
  });

  it('keeps a last line that has no final newline', () => {
    assert.deepStrictEqual(splitLines('a\nb'), ['a', 'b']);
  });

  it('strips CR from CRLF line endings', () => {
    assert.deepStrictEqual(splitLines('a\r\nb\r\n'), ['a', 'b']);
  });

  it('drops a leading BOM from line 1 only', () => {
    assert.deepStrictEqual(splitLines('\uFEFFa\n\uFEFFb'), ['a', '\uFEFFb']);
  });

  it('keeps blank and whitespace-only lines in place', () => {
    assert.deepStrictEqual(splitLines('a\n\n  \t\nb\n'), ['a', '', '  \t', 'b']);
  });

  it('returns no lines for empty text', () => {
    assert.deepStrictEqual(splitLines(''), []);
    assert.deepStrictEqual(splitLines('\uFEFF'), []);
  });

  it('ends a line at a lone CR, as VS Code does', () => {
    assert.deepStrictEqual(splitLines('a\rb\r'), ['a', 'b']);
    assert.deepStrictEqual(splitLines('a\r\rb'), ['a', '', 'b']);
    assert.deepStrictEqual(splitLines('a\r\n\rb\n\r'), ['a', '', 'b', '']);
    assert.deepStrictEqual(splitLines('\n\r'), ['', '']);
    assert.deepStrictEqual(splitLines('\uFEFF\ra'), ['', 'a']);
  });

  it("agrees with VS Code's line model on every mix of CR, LF and CRLF, streamed at any chunk boundary", () => {
    // VS Code breaks lines at CRLF, CR and LF; a final line ending does not start a line here.
    const vscodeLines = (text: string): string[] => {
      const lines = text.split(/\r\n|\r|\n/);
      return /[\r\n]$/.test(text) ? lines.slice(0, -1) : text === '' ? [] : lines;
    };
    const alphabet = ['a', '\r', '\n', '{}'];
    let texts = [''];
    const all: string[] = [''];
    for (let length = 1; length <= 6; length++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      all.push(...texts);
    }
    let runs = 0;
    for (const text of all) {
      const expected = vscodeLines(text);
      assert.deepStrictEqual(splitLines(text), expected, JSON.stringify(text));
      for (let cut1 = 0; cut1 <= text.length; cut1++) {
        for (let cut2 = cut1; cut2 <= text.length; cut2++) {
          const lines: string[] = [];
          const splitter = new LineSplitter((line) => lines.push(line));
          for (const part of [text.slice(0, cut1), text.slice(cut1, cut2), text.slice(cut2)]) splitter.push(part);
          splitter.end();
          assert.deepStrictEqual(lines, expected, `${JSON.stringify(text)} cut at ${cut1}, ${cut2}`);
          runs++;
        }
      }
    }
    assert.ok(runs > 100_000, `${runs} chunkings checked`);
  });

  it('splits streamed text exactly like whole text, wherever the chunks break', () => {
    const text = '\uFEFF{"a":1}\r\n\r\n  \n{"b":"é"}\n{"c":2}';
    for (let cut1 = 0; cut1 <= text.length; cut1++) {
      for (let cut2 = cut1; cut2 <= text.length; cut2 += 3) {
        const lines: string[] = [];
        const splitter = new LineSplitter((line) => lines.push(line));
        splitter.push(text.slice(0, cut1));
        splitter.push(text.slice(cut1, cut2));
        splitter.push(text.slice(cut2));
        splitter.end();
        assert.deepStrictEqual(lines, splitLines(text), `cuts at ${cut1}, ${cut2}`);
      }
    }
  });
});

describe('JSONL line endings in validation', () => {
  const broken = '{"custom_id":"x",}';

  it('reports the same lines and columns for LF, CRLF, lone CR and BOM files', () => {
    for (const text of [`${VALID}\n${broken}\n`, `${VALID}\r\n${broken}\r\n`, `${VALID}\r${broken}\r`, `\uFEFF${VALID}\n${broken}`]) {
      const result = validateText(text, OPTIONS);
      const bom = text.startsWith('\uFEFF') ? [['kluster.byteOrderMark', '{', 0, 1, 'warning']] : [];
      assert.deepStrictEqual(seen(text, result.diagnostics), [...bom, ['kluster.invalidJson', ',', 16, 17, 'error']], JSON.stringify(text));
    }
  });

  it('warns about a blank line between requests, with its exact extent', () => {
    const text = `${VALID}\n   \n${VALID.replace('anchor', 'other')}\n`;
    const result = validateText(text, OPTIONS);
    assert.deepStrictEqual(
      result.diagnostics.map((d) => [d.line, d.code, d.startColumn, d.endColumn, d.severity]),
      [[1, 'kluster.blankLine', 0, 3, 'warning']],
    );
  });

  it('does not treat the final newline as a blank line', () => {
    assert.deepStrictEqual(validateText(`${VALID}\n`, OPTIONS).diagnostics, []);
    assert.deepStrictEqual(validateText(VALID, OPTIONS).diagnostics, []);
  });

  it('calls a file of only whitespace empty, without warnings', () => {
    const result = validateText('\n  \n\n', OPTIONS);
    assert.strictEqual(result.kind, 'empty');
    assert.deepStrictEqual(result.diagnostics, []);
  });
});
