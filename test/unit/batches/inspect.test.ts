import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspectBatchFile, modelRows, summaryHeadline } from '../../../src/core/batches/inspect';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import { requestLine } from '../../fixtures/requests';

const OPTIONS = { knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard' as const };
const A = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';
const B = 'deepseek-ai/DeepSeek-R1';

const request = (id: string, model: string, content: string): string => requestLine(id, content, { model });

describe('inspectBatchFile', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inspect-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('counts requests, models and estimated tokens of a valid file (CRLF, BOM)', async () => {
    const file = path.join(dir, 'ok.jsonl');
    const text =
      '\uFEFF' + [request('a', A, 'x'.repeat(40)), request('b', A, 'y'.repeat(8)), request('c', B, 'hello')].join('\r\n') + '\r\n';
    await fs.writeFile(file, text);
    const summary = await inspectBatchFile(file, OPTIONS);
    assert.strictEqual(summary.kind, 'batch');
    assert.strictEqual(summary.errors, 0);
    assert.strictEqual(summary.requests, 3);
    assert.deepStrictEqual(
      [...summary.models],
      [
        [A, 2],
        [B, 1],
      ],
    );
    assert.strictEqual(summary.estimatedInputTokens, 10 + 2 + 2);
    assert.strictEqual(summaryHeadline(summary), '3 requests · 2 models · ~14 input tokens');
    assert.deepStrictEqual(modelRows(summary), [
      { label: A, description: '2 requests' },
      { label: B, description: '1 request' },
    ]);
    assert.deepStrictEqual(modelRows(summary, 1), [
      { label: A, description: '2 requests' },
      { label: 'and 1 more model', description: '1 request' },
    ]);
  });

  it('reports the validator errors with their lines', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await fs.writeFile(file, [request('a', A, 'x'), '{"custom_id": "b", "method": "GET"', request('a', A, 'z')].join('\n'));
    const summary = await inspectBatchFile(file, OPTIONS);
    // Broken JSON on line 2 and a duplicate id on line 3 (0-based 1 and 2): counted, and the first one kept.
    assert.strictEqual(summary.errors, 2);
    assert.deepStrictEqual([summary.firstError?.line, summary.firstError?.code], [1, 'kluster.invalidJson']);
    assert.strictEqual(summary.requests, 3);
  });

  it('counts the bytes on disk for the size cap, also when the line endings change after the first read chunk', async () => {
    const file = path.join(dir, 'mixed-endings.jsonl');
    // Over 1 MiB of LF lines, then CRLF lines: guessing the ending width from the first chunk would undercount.
    const lines = Array.from({ length: 1400 }, (_, i) => request(`r-${i}`, A, `${'w '.repeat(400)}${i}`));
    const text = lines.map((line, i) => line + (i < 1100 ? '\n' : '\r\n')).join('');
    await fs.writeFile(file, text);
    const size = (await fs.stat(file)).size;
    const throughLine = (n: number) =>
      Buffer.byteLength(
        lines
          .slice(0, n + 1)
          .map((line, i) => line + (i < 1100 ? '\n' : '\r\n'))
          .join(''),
      );
    assert.ok(throughLine(1099) > 1 << 20, 'the LF part fills the first read chunk');
    const tooLarge = async (cap: number) =>
      (await inspectBatchFile(file, { ...OPTIONS, maxFileBytes: cap })).refused
        .filter((d) => d.code === 'kluster.fileTooLarge')
        .map((d) => d.line);
    // 50 bytes short of line 1300's end: counting its 201 CRLF endings as one byte each would blame line 1301.
    assert.deepStrictEqual(await tooLarge(throughLine(1300) - 50), [1300]);
    assert.deepStrictEqual(await tooLarge(size), []);
    assert.strictEqual((await inspectBatchFile(file, OPTIONS)).bytes, size);
  });

  it('lists as refused the warnings the service would refuse the file for, and no other finding', async () => {
    const file = path.join(dir, 'refused.jsonl');
    // 1000 valid requests, an unknown model on the first, a duplicate id on the last: one warning, one error of another kind.
    const lines = Array.from({ length: 1000 }, (_, i) => request(`r-${i}`, i === 0 ? 'no/such-model' : A, 'hello'));
    lines[999] = request('r-0', A, 'again');
    await fs.writeFile(file, lines.join('\n') + '\n');
    const codesOf = (summary: Awaited<ReturnType<typeof inspectBatchFile>>) => summary.refused.map((d) => [d.code, d.line]);

    const standard = await inspectBatchFile(file, OPTIONS);
    assert.strictEqual(standard.errors, 1);
    assert.ok(standard.warnings >= 1, 'the unknown model warns');
    assert.deepStrictEqual(codesOf(standard), [], 'a warning the service accepts does not stop a submission');

    const free = await inspectBatchFile(file, { ...OPTIONS, tier: 'free', maxFileBytes: 1000 });
    let total = 0;
    const crossing = lines.findIndex((line) => (total += Buffer.byteLength(line) + 1) > 1000);
    assert.deepStrictEqual(codesOf(free).sort(), [
      ['kluster.fileTooLarge', crossing],
      ['kluster.freeTierLineCap', 999],
    ]);
    assert.ok(free.refused.every((d) => d.severity === 'warning'));
  });

  it('treats an empty file as empty with no requests', async () => {
    const file = path.join(dir, 'empty.jsonl');
    await fs.writeFile(file, '');
    const summary = await inspectBatchFile(file, OPTIONS);
    assert.strictEqual(summary.kind, 'empty');
    assert.strictEqual(summary.requests, 0);
  });
});
