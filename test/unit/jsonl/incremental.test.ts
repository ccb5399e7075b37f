import * as assert from 'assert';
import {
  compareDiagnostics,
  JsonlDocumentValidator,
  JsonlStreamValidator,
  LineSplitter,
  splitLines,
  validateText,
  type JsonlDiagnostic,
} from '../../../src/core/jsonl';
import { OPTIONS, request } from './helpers';

function collect(validator: JsonlDocumentValidator): JsonlDiagnostic[] {
  const out: JsonlDiagnostic[] = [];
  validator.visit((line, d, related) => out.push(related ? { ...d, line, related } : { ...d, line }));
  return out.sort(compareDiagnostics);
}

/** Deterministic pseudo-random numbers (same sequence on every run). */
function rng(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const POOL = [
  request({}, { custom_id: 'a' }),
  request({}, { custom_id: 'b' }),
  request({ temperature: 5 }, { custom_id: 'c' }),
  request({ max_tokens: 5 }, { custom_id: 'a' }),
  '{"custom_id":"d",',
  '',
  '   ',
  JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }),
  JSON.stringify({ custom_id: 'r', response: { status_code: 200, body: {} } }),
  request({ model: 'nope' }, { custom_id: 'e' }),
  '[1]',
];

describe('incremental validation', () => {
  it('matches a full validation after every one of 400 random edits', () => {
    const random = rng(7);
    const pick = () => POOL[Math.floor(random() * POOL.length)]!;
    let lines = Array.from({ length: 30 }, pick);
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load(lines);
    validator.checkPending();
    for (let step = 0; step < 400; step++) {
      const start = Math.floor(random() * (lines.length + 1));
      const deleted = Math.min(lines.length - start, Math.floor(random() * 3));
      const added = Array.from({ length: Math.floor(random() * 3) }, pick);
      lines = [...lines.slice(0, start), ...added, ...lines.slice(start + deleted)];
      validator.applyEdit(start, deleted, added);
      validator.checkPending();
      const expected = validateText(lines.join('\n'), OPTIONS);
      assert.strictEqual(validator.kind, expected.kind, `kind after step ${step}`);
      assert.deepStrictEqual(collect(validator), expected.diagnostics, `diagnostics after step ${step}`);
    }
  });

  it('keeps the line that crosses the size cap right through 600 random edits (crossing, moving, falling under)', () => {
    const random = rng(11);
    const pick = () => POOL[Math.floor(random() * POOL.length)]!;
    let lines = Array.from({ length: 40 }, pick);
    const options = { ...OPTIONS, maxFileBytes: 6000 };
    const validator = new JsonlDocumentValidator(options);
    validator.load(lines);
    validator.checkPending();
    let over = 0;
    for (let step = 0; step < 600; step++) {
      const start = Math.floor(random() * (lines.length + 1));
      const deleted = Math.min(lines.length - start, Math.floor(random() * 4));
      const added = Array.from({ length: Math.floor(random() * 4) }, pick);
      lines = [...lines.slice(0, start), ...added, ...lines.slice(start + deleted)];
      validator.applyEdit(start, deleted, added);
      validator.checkPending();
      const fresh = new JsonlDocumentValidator(options);
      fresh.load(lines);
      fresh.checkPending();
      const expected = collect(fresh).filter((d) => d.code === 'kluster.fileTooLarge');
      const found = collect(validator).filter((d) => d.code === 'kluster.fileTooLarge');
      assert.deepStrictEqual(found, expected, `size cap after step ${step}`);
      over += expected.length;
    }
    assert.ok(over > 100 && over < 500, `the document was over the cap after ${over} of 600 edits: both states must be exercised`);
  });

  it('re-checks only the edited line and keeps other lines’ diagnostic objects', () => {
    const lines = [request({ temperature: 9 }, { custom_id: 'x' }), request({}, { custom_id: 'y' }), request({}, { custom_id: 'z' })];
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load(lines);
    validator.checkPending();
    const before = new Map<number, object>();
    validator.visit((line, d) => before.set(line, d));
    validator.applyEdit(2, 1, [request({}, { custom_id: 'x' })]);
    const after = new Map<number, object>();
    validator.visit((line, d) => (line === 0 ? after.set(line, d) : undefined));
    assert.strictEqual(after.get(0), before.get(0), 'line 0 was not re-checked');
    assert.deepStrictEqual(
      collect(validator).map((d) => [d.line, d.code]),
      [
        [0, 'kluster.temperatureRange'],
        [2, 'kluster.duplicateCustomId'],
      ],
    );
  });

  it('moves a duplicate to the later line when the first use is deleted', () => {
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load([
      request({}, { custom_id: 'q' }),
      request({}, { custom_id: 'w' }),
      request({}, { custom_id: 'q' }),
      request({}, { custom_id: 'q' }),
    ]);
    validator.checkPending();
    assert.deepStrictEqual(
      collect(validator).map((d) => [d.line, d.related?.[0]?.line]),
      [
        [2, 0],
        [3, 0],
      ],
    );
    validator.applyEdit(0, 1, []);
    assert.deepStrictEqual(
      collect(validator).map((d) => [d.line, d.related?.[0]?.line]),
      [[2, 1]],
    );
    validator.applyEdit(1, 1, [request({}, { custom_id: 'new' })]);
    assert.deepStrictEqual(collect(validator), []);
  });

  it('checks a big document in slices and reports nothing for unchecked lines', () => {
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load(Array.from({ length: 1000 }, (_, i) => request({ temperature: 7 }, { custom_id: `id${i}` })));
    assert.strictEqual(validator.pendingLines, 1000);
    assert.strictEqual(validator.checkPending(300), 700);
    assert.strictEqual(collect(validator).length, 300);
    // An edit during the slices is checked at once; the remaining lines stay pending.
    validator.applyEdit(999, 1, [request({}, { custom_id: 'id999' })]);
    assert.strictEqual(validator.pendingLines, 699);
    assert.strictEqual(validator.checkPending(), 0);
    assert.strictEqual(collect(validator).length, 999);
  });

  it('re-checks everything when an edit changes the file kind', () => {
    const convo = JSON.stringify({ messages: [{ role: 'user', content: 'x' }] });
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load([convo, convo]);
    validator.checkPending();
    assert.strictEqual(validator.kind, 'finetune');
    assert.strictEqual(validator.applyEdit(0, 2, [request({}, { custom_id: '1' }), convo, request({}, { custom_id: '2' })]), true);
    assert.strictEqual(validator.kind, 'batch');
    validator.checkPending();
    assert.deepStrictEqual(
      collect(validator)
        .map((d) => [d.line, d.code])
        .slice(0, 1),
      [[1, 'kluster.missingBody']],
    );
  });
});

describe('streaming validation', () => {
  it('gives the same diagnostics as whole-text validation, for any chunking', () => {
    const random = rng(11);
    const lines = Array.from({ length: 60 }, () => POOL[Math.floor(random() * POOL.length)]!);
    const text = lines.join('\r\n');
    const expected = validateText(text, OPTIONS).diagnostics.map(({ related: _related, ...d }) => d);
    for (const size of [1, 7, 64, 100000]) {
      const validator = new JsonlStreamValidator(OPTIONS, 2);
      const splitter = new LineSplitter((line) => validator.push(line));
      for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
      splitter.end();
      const result = validator.finish();
      assert.strictEqual(result.kind, validateText(text, OPTIONS).kind);
      assert.deepStrictEqual(
        result.diagnostics.map(({ related: _related, ...d }) => d),
        expected,
        `chunk size ${size}`,
      );
    }
    assert.strictEqual(splitLines(text).length, 60);
  });

  it('numbers lines like VS Code for any mix of CR, LF and CRLF, at any chunk boundary', () => {
    const random = rng(23);
    const endings = ['\n', '\r\n', '\r'];
    const lines = Array.from({ length: 40 }, () => POOL[Math.floor(random() * POOL.length)]!);
    const text = lines.map((line) => line + endings[Math.floor(random() * endings.length)]).join('');
    assert.ok(text.includes('\r\n') && /\r(?!\n)/.test(text) && /[^\r]\n/.test(text), 'all three endings occur');
    // The editor's line model: the same lines, whatever ended them.
    const expected = validateText(lines.join('\n'), OPTIONS);
    assert.ok(expected.diagnostics.length > 10);
    assert.deepStrictEqual(validateText(text, OPTIONS).diagnostics, expected.diagnostics);
    const strip = (ds: readonly JsonlDiagnostic[]) => ds.map(({ related: _related, ...d }) => d);
    for (const size of [1, 2, 3, 5, 64, 100000]) {
      const validator = new JsonlStreamValidator(OPTIONS);
      const splitter = new LineSplitter((line) => validator.push(line));
      for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
      splitter.end();
      const result = validator.finish();
      assert.strictEqual(result.kind, expected.kind);
      assert.deepStrictEqual(strip(result.diagnostics), strip(expected.diagnostics), `chunk size ${size}`);
    }
  });
});
