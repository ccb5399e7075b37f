// A person opens a broken experiment file: squiggles on the exact YAML nodes, the CodeLenses above the first line.
import * as assert from 'assert';
import * as fs from 'fs';
import { openWorkbench, type Workbench } from './workbench';

const EXPERIMENT = `description: Movie review sentiment
prompts:
  - label: terse
    messages:
      - role: system
        content: "Answer with one word: positive, negative or neutral."
      - role: user
        content: "Review: {{reveiw}}"
providers:
  - deepseek-ai/DeepSeek-V9
  - id: klusterai/Meta-Llama-3.3-70B-Instruct-Turbo
    label: llama-70b
    config: {temperature: 5, max_completion_tokens: 10}
tests: file://reviews.csv
defaultTest:
  assert:
    - type: icontain
      value: "{{label}}"
    - type: regex
      value: "(positive"
`;
const CSV = 'review,label\n"Loved it, ""great""",positive\nDull,negative\n';

describe('E2E: experiment file', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench('experiments', { files: { 'reviews.experiment.yaml': EXPERIMENT, 'reviews.csv': CSV } });
  });
  after(async () => {
    await workbench?.close();
  });

  it('shows the problems of an experiment file on their YAML nodes and the four CodeLenses', async () => {
    const { page } = workbench;
    await workbench.openFile('reviews.experiment.yaml');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: 15_000 });
    const lens = editor.locator('.codelens-decoration');
    for (const title of ['Build Batch', 'Preview 5 Rows', 'Submit', 'Open Comparison'])
      await lens.locator('a', { hasText: title }).first().waitFor({ timeout: 30_000 });

    await page.keyboard.press('Control+Shift+M'); // View: Problems
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ timeout: 15_000 });
    for (const text of [
      'No test row defines `reveiw`. Did you mean `review`?',
      'Unknown assertion type `icontain`. Did you mean `icontains`?',
      'Invalid regular expression',
      '`temperature` must be a number from 0 to 2',
      'is not in the kluster.ai model list',
    ]) {
      await problems.locator('.monaco-list-row', { hasText: text }).first().waitFor({ timeout: 15_000 });
    }
    const shot = await workbench.screenshot('e2e-experiment-diagnostics-codelens');
    assert.ok(fs.statSync(shot).size > 10_000, 'screenshot has content');
    const titles = await lens.locator('a').allInnerTexts();
    assert.deepStrictEqual(titles.map((t) => t.trim()).filter(Boolean), ['Build Batch', 'Preview 5 Rows', 'Submit', 'Open Comparison']);
  });
});
