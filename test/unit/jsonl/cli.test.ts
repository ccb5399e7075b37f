import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCaptured } from '../cli/helpers';
import { runCli } from '../../../src/cli/main';
import { validateFile, type JsonFileReport } from '../../../src/cli/validate';
import { OPTIONS, request, VALID } from './helpers';

const cli = (...argv: string[]) => runCaptured(argv);

describe('CLI validate', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kluster-validate-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a clean file and says what it checked', async () => {
    const file = write('ok.jsonl', `${VALID}\n${request()}\n`);
    const { code, out } = await cli('validate', file);
    assert.strictEqual(code, 0);
    assert.strictEqual(out, `${file}: batch requests; 0 errors, 0 warnings\n`);
  });

  it('prints file:line:col diagnostics (1-based) and exits 1 on errors', async () => {
    const file = write('bad.jsonl', `${VALID}\n{"custom_id":"x",}\n`);
    const { code, out } = await cli('validate', file);
    assert.strictEqual(code, 1);
    assert.strictEqual(out.split('\n')[0], `${file}:2:17: error kluster.invalidJson: Invalid JSON: trailing comma before }`);
  });

  it('exits 0 when there are only warnings', async () => {
    const file = write('warn.jsonl', `${request({ max_tokens: 5 })}\n`);
    const { code, out } = await cli('validate', file);
    assert.strictEqual(code, 0);
    assert.match(out, /:1:\d+: warning kluster\.deprecatedMaxTokens: /);
  });

  it('writes the documented JSON shape with --format json', async () => {
    const bad = write('json-bad.jsonl', `${VALID}\n${request({ temperature: 2.5 })}\n`);
    const results = write('results.jsonl', `${JSON.stringify({ id: 'b1', custom_id: 'a', response: { status_code: 200, body: {} } })}\n`);
    const { code, out } = await cli('validate', bad, results, '--format', 'json');
    assert.strictEqual(code, 1);
    const reports = JSON.parse(out) as JsonFileReport[];
    const column = request({ temperature: 2.5 }).indexOf('2.5') + 1;
    assert.deepStrictEqual(reports, [
      {
        file: bad,
        kind: 'batch',
        diagnostics: [
          {
            line: 2,
            column,
            endLine: 2,
            endColumn: column + 3,
            severity: 'error',
            code: 'kluster.temperatureRange',
            message: '`temperature` must be a number from 0 to 2, not 2.5.',
          },
        ],
      },
      { file: results, kind: 'results', diagnostics: [] },
    ]);
  });

  it('applies the free-tier cap with --tier free', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => request({}, { custom_id: `r${i}` })).join('\n');
    const file = write('many.jsonl', lines);
    const standard = await cli('validate', file, '--json');
    assert.deepStrictEqual((JSON.parse(standard.out) as JsonFileReport[])[0]!.diagnostics, []);
    const free = await cli('validate', file, '--tier', 'free', '--format', 'json');
    assert.strictEqual(free.code, 0, 'a warning, not an error');
    assert.deepStrictEqual(
      (JSON.parse(free.out) as JsonFileReport[])[0]!.diagnostics.map((d) => [d.line, d.code, d.severity]),
      [[1000, 'kluster.freeTierLineCap', 'warning']],
    );
  });

  it('reads CRLF files with a BOM, warns about the BOM and reports the same columns', async () => {
    const file = write('crlf.jsonl', `\uFEFF${VALID}\r\n{"custom_id":"x",}\r\n`);
    const { out } = await cli('validate', file);
    assert.deepStrictEqual(out.split('\n').slice(0, 2), [
      `${file}:1:1: warning kluster.byteOrderMark: The file starts with a UTF-8 byte order mark (BOM): kluster.ai would read it as part of line 1, which is then not valid JSON. Save the file as UTF-8 without BOM.`,
      `${file}:2:17: error kluster.invalidJson: Invalid JSON: trailing comma before }`,
    ]);
  });

  it('ends lines at a lone CR as the editor does, even when a read ends between CR and LF', async () => {
    const broken = '{"custom_id":"x",}';
    const expected = (file: string) => `${file}:3:17: error kluster.invalidJson: Invalid JSON: trailing comma before }`;
    const cr = write('cr.jsonl', `${VALID}\r${request({}, { custom_id: 'two' })}\r${broken}\r`);
    assert.strictEqual((await cli('validate', cr)).out.split('\n')[0], expected(cr));
    // Mixed endings, with a CRLF pair straddling the 1 MiB read buffer.
    const filler = request({ messages: [{ role: 'user', content: 'x' }] }, { custom_id: 'big' });
    const head = `${VALID}\n${filler}`;
    const pad = (1 << 20) - 1 - Buffer.byteLength(head);
    const padded = head.replace('"x', `"${'x'.repeat(pad)}x`);
    assert.strictEqual(Buffer.byteLength(padded), (1 << 20) - 1, 'the CR is the last byte of the first read');
    const mixed = write('mixed.jsonl', `${padded}\r\n${broken}\r${VALID.replace('anchor', 'three')}\n`);
    const run = await cli('validate', mixed);
    assert.strictEqual(run.out.split('\n')[0], expected(mixed));
    assert.match(run.out, /mixed\.jsonl: batch requests; 1 error, 0 warnings/);
  });

  it('points a duplicate custom_id at the line and column of its first use', async () => {
    const first = JSON.stringify({ method: 'POST', url: '/v1/chat/completions', custom_id: 'dup', body: JSON.parse(request()).body });
    const file = write('dup.jsonl', `${first}\n${request({}, { custom_id: 'dup' })}\n`);
    const firstColumn = first.indexOf('"dup"') + 1;
    const text = await cli('validate', file);
    assert.strictEqual(text.code, 1);
    assert.strictEqual(
      text.out.split('\n')[0],
      `${file}:2:14: error kluster.duplicateCustomId: Duplicate custom_id "dup": first used on line 1, column ${firstColumn}. Each request needs its own.`,
    );
    const json = JSON.parse((await cli('validate', file, '--format', 'json')).out) as JsonFileReport[];
    assert.deepStrictEqual(json[0]!.diagnostics[0]!.related, [
      { line: 1, column: firstColumn, endLine: 1, endColumn: firstColumn + 5, message: 'First use of custom_id "dup"' },
    ]);
  });

  it('reports unreadable files on stderr with exit 5, after checking the others', async () => {
    const ok = write('fine.jsonl', `${VALID}\n`);
    const { code, out, err } = await cli('validate', path.join(dir, 'missing.jsonl'), ok);
    assert.strictEqual(code, 5);
    assert.match(err, /^kluster: Cannot read .*missing\.jsonl: no such file\.$/m);
    assert.match(out, /fine\.jsonl: batch requests; 0 errors, 0 warnings/);
  });

  it('checks a line nested 8000 deep like any other, and the rest of the file too (validate and submit)', async () => {
    const deep = '['.repeat(8000);
    const file = write('deep.jsonl', `${VALID}\n${deep}\n${request({ temperature: 9 }, { custom_id: 'after' })}\n`);
    const { code, out } = await cli('validate', file);
    assert.strictEqual(code, 1);
    assert.deepStrictEqual(out.split('\n').slice(0, 3), [
      `${file}:2:8000: error kluster.invalidJson: Invalid JSON: Unexpected end of JSON input`,
      `${file}:3:${request({ temperature: 9 }).indexOf('9') + 1}: error kluster.temperatureRange: \`temperature\` must be a number from 0 to 2, not 9.`,
      `${file}: batch requests; 2 errors, 0 warnings`,
    ]);
    const submit = await cli('submit', file);
    assert.strictEqual(submit.code, 1);
    assert.match(submit.err, /deep\.jsonl was not submitted: it has 2 errors\./);
  });

  for (const format of ['text', 'json']) {
    it(`streams ${format} diagnostics out while the file is still being read, as well-formed output`, async () => {
      // A FIFO: the writer holds the end of the file back until the CLI has printed something.
      const fifo = path.join(dir, `stream-${format}.jsonl`);
      execFileSync('mkfifo', [fifo]);
      let out = '';
      const run = runCli(
        ['validate', fifo, '--format', format],
        { out: (t) => void (out += t.endsWith('\n') ? t : `${t}\n`), err: () => undefined },
        {},
      );
      const writer = fs.createWriteStream(fifo);
      const problems = Array.from({ length: 5000 }, (_, i) => `{"custom_id":"${i}"}`).join('\n');
      writer.write(`${problems}\n`);
      const deadline = Date.now() + 10_000;
      while (out.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const printedBeforeTheEnd = out.length;
      writer.end(`${request({}, { custom_id: 'last' })}\n`);
      assert.strictEqual(await run, 1);
      assert.ok(printedBeforeTheEnd > 0, 'nothing was printed before the file ended');
      if (format === 'json') {
        const [report] = JSON.parse(out) as JsonFileReport[];
        assert.deepStrictEqual([report!.file, report!.kind, report!.diagnostics.length], [fifo, 'batch', 15000]);
        assert.deepStrictEqual(report!.diagnostics[0], {
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 13,
          severity: 'error',
          code: 'kluster.missingBody',
          message: 'Missing `body`: expected an object with the chat completion request.',
        });
      } else {
        const lines = out.trimEnd().split('\n');
        assert.strictEqual(lines.length, 15001);
        assert.strictEqual(lines[lines.length - 1], `${fifo}: batch requests; 15,000 errors, 0 warnings`);
      }
    });
  }

  it('keeps --format json well formed for several files, one of them unreadable', async () => {
    const ok = write('json-ok.jsonl', `${VALID}\n`);
    const bad = write('json-bad2.jsonl', `${VALID}\n{"custom_id":"x",}\n`);
    const { code, out } = await cli('validate', ok, path.join(dir, 'nope.jsonl'), bad, '--format', 'json');
    assert.strictEqual(code, 5);
    const reports = JSON.parse(out) as JsonFileReport[];
    assert.deepStrictEqual(
      reports.map((r) => [r.file, r.diagnostics.map((d) => d.code)]),
      [
        [ok, []],
        [bad, ['kluster.invalidJson']],
      ],
    );
  });

  it('rejects bad usage with exit 2', async () => {
    assert.strictEqual((await cli('validate')).code, 2);
    assert.strictEqual((await cli('validate', 'x.jsonl', '--tier', 'gold')).code, 2);
    assert.strictEqual((await cli('validate', 'x.jsonl', '--format', 'xml')).code, 2);
  });
});

describe('validateFile: the size cap counts the bytes on disk', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kluster-validate-size-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Over 1 MiB of LF lines (more than the first read chunk), then CRLF lines: a guess from the first chunk
  // would count every CRLF as one byte.
  const lines = Array.from({ length: 1400 }, (_, i) =>
    request({ temperature: 0.5, messages: [{ role: 'user', content: `${'w '.repeat(400)}${i}` }] }, { custom_id: `r-${i}` }),
  );
  const firstCrlf = 1100;
  const text = lines.map((line, i) => line + (i < firstCrlf ? '\n' : '\r\n')).join('');
  /** Bytes on disk through the end of line `n` (0-based), its ending included. */
  const through = (n: number): number =>
    Buffer.byteLength(
      text.slice(
        0,
        text
          .split(/(?<=\n)/)
          .slice(0, n + 1)
          .join('').length,
      ),
    );
  const tooLarge = async (file: string, cap: number) =>
    (await validateFile(file, { ...OPTIONS, maxFileBytes: cap })).diagnostics
      .filter((d) => d.code === 'kluster.fileTooLarge')
      .map((d) => [d.line, d.message]);

  it('finds the exact line that crosses the cap after the endings change', async () => {
    const file = path.join(dir, 'mixed.jsonl');
    fs.writeFileSync(file, text);
    assert.ok(through(firstCrlf - 1) > 1 << 20, 'the LF part must fill the first read chunk');
    const size = fs.statSync(file).size;
    const message = (cap: number) =>
      `The file is ${size.toLocaleString('en-US')} bytes; kluster.ai accepts batch files up to ${cap.toLocaleString('en-US')} bytes. This line crosses the limit; split the file.`;
    // The cap ends exactly at line 1300's CRLF: line 1301 is the first over it.
    const cap = through(1300);
    assert.deepStrictEqual(await tooLarge(file, cap), [[1301, message(cap)]]);
    assert.deepStrictEqual(await tooLarge(file, cap - 1), [[1300, message(cap - 1)]]);
    // 50 bytes short of line 1300's end: counting its 201 CRLF endings as one byte each would blame line 1301.
    assert.deepStrictEqual(await tooLarge(file, cap - 50), [[1300, message(cap - 50)]]);
    // The whole file is one byte over, or exactly at the cap.
    assert.deepStrictEqual(await tooLarge(file, size - 1), [[1399, message(size - 1)]]);
    assert.deepStrictEqual(await tooLarge(file, size), []);
  });

  it('counts a BOM and a lone-CR ending', async () => {
    const file = path.join(dir, 'bom.jsonl');
    fs.writeFileSync(file, `\uFEFF${VALID}\r${request()}`);
    const size = fs.statSync(file).size;
    assert.strictEqual(size, 3 + Buffer.byteLength(VALID) + 1 + Buffer.byteLength(request()));
    assert.deepStrictEqual(
      (await tooLarge(file, size - 1)).map(([line]) => line),
      [1],
    );
    assert.deepStrictEqual(await tooLarge(file, size), []);
    // Line 1 with its BOM and CR is 3 + length + 1 bytes: one byte less and line 1 crosses.
    assert.deepStrictEqual(
      (await tooLarge(file, 3 + Buffer.byteLength(VALID))).map(([line]) => line),
      [0],
    );
  });
});
