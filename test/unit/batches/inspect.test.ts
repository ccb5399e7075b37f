import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspectBatchFile, modelsLine, summaryHeadline } from '../../../src/core/batches/inspect';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';

const OPTIONS = { knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard' as const };
const A = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';
const B = 'deepseek-ai/DeepSeek-R1';

function request(id: string, model: string, content: string): string {
  return JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content }] } });
}

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
    const text = '\uFEFF' + [request('a', A, 'x'.repeat(40)), request('b', A, 'y'.repeat(8)), request('c', B, 'hello')].join('\r\n') + '\r\n';
    await fs.writeFile(file, text);
    const summary = await inspectBatchFile(file, OPTIONS);
    assert.strictEqual(summary.validation.kind, 'batch');
    assert.strictEqual(summary.errors, 0);
    assert.strictEqual(summary.requests, 3);
    assert.deepStrictEqual([...summary.models], [[A, 2], [B, 1]]);
    assert.strictEqual(summary.estimatedInputTokens, 10 + 2 + 2);
    assert.strictEqual(summaryHeadline(summary), '3 requests · 2 models · ~14 input tokens');
    assert.strictEqual(modelsLine(summary, 1), `${A} (2), and 1 more`);
  });

  it('reports the validator errors with their lines', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await fs.writeFile(file, [request('a', A, 'x'), '{"custom_id": "b", "method": "GET"', request('a', A, 'z')].join('\n'));
    const summary = await inspectBatchFile(file, OPTIONS);
    assert.ok(summary.errors >= 2, `errors: ${JSON.stringify(summary.validation.diagnostics)}`);
    const lines = new Set(summary.validation.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line));
    assert.deepStrictEqual([...lines].sort(), [1, 2], 'broken JSON on line 2 and a duplicate id on line 3 (0-based)');
    assert.strictEqual(summary.requests, 3);
  });

  it('treats an empty file as empty with no requests', async () => {
    const file = path.join(dir, 'empty.jsonl');
    await fs.writeFile(file, '');
    const summary = await inspectBatchFile(file, OPTIONS);
    assert.strictEqual(summary.validation.kind, 'empty');
    assert.strictEqual(summary.requests, 0);
  });
});
