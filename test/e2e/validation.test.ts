// A person opens a broken batch file: squiggles in the editor, every problem listed in the Problems panel.
import * as assert from 'assert';
import * as fs from 'fs';
import { openWorkbench, type Workbench } from './workbench';

const MODEL = 'deepseek-ai/DeepSeek-V3';
const request = (id: string, body: Record<string, unknown> = {}, top: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model: MODEL,
      messages: [
        { role: 'system', content: 'Classify the genre.' },
        { role: 'user', content: 'A heist goes wrong.' },
      ],
      ...body,
    },
    ...top,
  });
const BROKEN =
  [
    request('movie-1'),
    request('movie-2', { temperature: 3 }),
    '{"custom_id": "movie-3", "method": "POST",}',
    request('movie-1', { max_tokens: 100 }),
    request('movie-5', { model: 'gpt-4o', n: 2 }, { method: 'GET' }),
  ].join('\n') + '\n';

describe('E2E: batch file validation', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench('validation', { files: { 'broken-batch.jsonl': BROKEN } });
  });
  after(async () => {
    await workbench?.close();
  });

  it('shows squiggles on a broken batch file and lists each problem in the Problems panel', async () => {
    const { page } = workbench;
    await workbench.openFile('broken-batch.jsonl');

    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: 15_000 });

    await page.keyboard.press('Control+Shift+M'); // View: Problems
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ timeout: 15_000 });
    for (const text of [
      'Duplicate custom_id "movie-1"',
      '`temperature` must be a number from 0 to 2',
      'Invalid JSON: trailing comma',
      '`method` must be "POST"',
      '`max_tokens` is deprecated',
      'kluster.ai does not support `n`',
    ]) {
      await problems.locator('.monaco-list-row', { hasText: text }).first().waitFor({ timeout: 15_000 });
    }
    // The duplicate's related information: a child row pointing at the first use.
    await problems.locator('.monaco-list-row', { hasText: 'First use of custom_id "movie-1"' }).first().waitFor({ timeout: 15_000 });
    const shot = await workbench.screenshot('e2e-validation-problems');
    assert.ok(fs.statSync(shot).size > 10_000, 'screenshot has content');
    // 4 errors (range, JSON, duplicate, method) and 3 warnings (max_tokens, unknown model, n): one row each,
    // shown with their code.
    const texts = await problems.locator('.monaco-list-row').allInnerTexts();
    // Each row reads "message  kluster(kluster.code)  [Ln, Col]"; messages may mention "kluster.ai" too.
    const codes = texts.flatMap((t) => (t.match(/kluster\.[A-Za-z]+/g) ?? []).filter((c) => c !== 'kluster.ai')).sort();
    assert.deepStrictEqual(
      codes,
      [
        'kluster.deprecatedMaxTokens',
        'kluster.duplicateCustomId',
        'kluster.invalidJson',
        'kluster.invalidMethod',
        'kluster.temperatureRange',
        'kluster.unknownModel',
        'kluster.unsupportedParameter',
      ],
      JSON.stringify(texts),
    );
  });
});
