// Retry Failed Requests on an experiment in a real VS Code against the emulator: a request that fails once
// ([[fail-once]]) shows as an error cell in the comparison; the retry submits exactly that request line, from
// the right part of a split batch, its result merges into the experiment's results, and the open comparison
// scores again by itself: the cell passes and the pass rate is updated. The judge batch retries the same way.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import type { RetryOutcome } from '../../../src/batches/retry';
import type { ComparisonSnapshot } from '../../../src/comparison/comparisonPanel';
import type { JudgeOutcome } from '../../../src/comparison/judge';
import type { ComparisonFilter } from '../../../src/core/experiments';
import type { ComparisonOutcome, ExperimentSubmitOutcome } from '../../../src/experiments/commands';
import { FAIL_ONCE_TRIGGER } from '../../../src/emulator';
import { emulatorSuite, waitFor, workspaceDir } from '../batchesFixture';

const TIMING = { validatingMs: 100, inProgressMs: 400, finalizingMs: 100, cancellingMs: 100 };
const SMALL = 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo';
const BIG = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';

const snapshot = async () => vscode.commands.executeCommand<ComparisonSnapshot | undefined>(Commands.comparisonSnapshot);

/** Waits until the comparison of `experiment` reports `check` true of what its webview shows. */
async function reports(what: string, experiment: string, check: (s: ComparisonSnapshot) => boolean): Promise<ComparisonSnapshot> {
  let last: ComparisonSnapshot | undefined;
  return waitFor(
    what,
    async () => {
      last = await snapshot();
      return last?.experiment === experiment && last.report && last.summary && check(last) ? last : undefined;
    },
    60_000,
    () => ({ report: last?.report, columns: last?.summary?.columns, problem: last?.problem }),
  );
}

type Row = { custom_id: string; status: string; input_file?: string; input_line: number; attempts?: number };
const rowsOf = async (file: string): Promise<Row[]> =>
  (await fs.readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);

describe('Experiment retry: Retry Failed Requests updates the comparison', function () {
  this.timeout(240_000);
  const session = emulatorSuite({ timing: TIMING });
  let dir: string;

  before(async () => {
    dir = path.join(workspaceDir(), 'experiment-retry');
    await fs.mkdir(dir, { recursive: true });
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('kluster').update('tier', undefined, vscode.ConfigurationTarget.Global);
  });

  const uploaded = async (batchId: string) => {
    const batch = session.emulator.state.batch(batchId)!;
    return fs.readFile(session.emulator.state.store.files.get(batch.inputFileId)!.path, 'utf8');
  };

  /** Submit on the experiment, then Open Comparison once every part has ended (it joins their results). */
  async function submitAndCompare(experiment: vscode.Uri): Promise<{ batchIds: string[]; results: string }> {
    const submitted = (await vscode.commands.executeCommand<ExperimentSubmitOutcome>(Commands.experimentSubmit, experiment, {
      confirm: false,
      overwrite: true,
      completionWindow: '1h',
    }))!;
    assert.strictEqual(submitted.status, 'submitted', JSON.stringify(submitted));
    if (submitted.status !== 'submitted') throw new Error('not submitted');
    const opened = await waitFor(
      'every batch of the experiment to end and the comparison to open on its results',
      async () => {
        await vscode.commands.executeCommand(Commands.refreshBatches);
        const outcome = (await vscode.commands.executeCommand<ComparisonOutcome>(Commands.experimentOpenComparison, experiment, {
          confirm: false,
        }))!;
        if (outcome.status === 'failed' || outcome.status === 'cancelled') assert.fail(JSON.stringify(outcome));
        return outcome.status === 'opened' ? outcome : undefined;
      },
      90_000,
    );
    assert.strictEqual(opened.via, 'comparison');
    return { batchIds: submitted.batchIds, results: opened.results };
  }

  it('a request that failed once: an error cell, then Retry Failed Requests from the palette, then a pass', async () => {
    const file = path.join(dir, 'reviews.experiment.yaml');
    await fs.writeFile(
      file,
      [
        'prompts: ["{{review}}"]',
        'providers:',
        `  - {id: ${SMALL}, label: small}`,
        `  - {id: ${BIG}, label: big}`,
        'tests: file://reviews.csv',
        'defaultTest:',
        '  assert:',
        '    - {type: icontains, value: "{{label}}"}',
        '',
      ].join('\n'),
    );
    await fs.writeFile(
      path.join(dir, 'reviews.csv'),
      [
        'review,label',
        '"Loved it [[answer:positive]]",positive',
        `"Dull [[answer:negative]] ${FAIL_ONCE_TRIGGER}",negative`,
        '"Fine [[answer:neutral]]",neutral',
        '',
      ].join('\n'),
    );
    const { results } = await submitAndCompare(vscode.Uri.file(file));
    assert.strictEqual(results, path.join(dir, 'reviews.results.jsonl'));
    const before = await reports(
      'row 2 an error cell in both columns',
      file,
      (s) =>
        s.report!.passRates.join() === '66.7%,66.7%' &&
        s.report!.outcomes.map((o) => o.join(' ')).join() === 'pass pass,error error,pass pass',
    );
    assert.deepStrictEqual(
      before.summary!.columns.map((c) => [c.passed, c.failed, c.errors]),
      [
        [2, 0, 1],
        [2, 0, 1],
      ],
    );

    // From the palette, with the comparison in front: its results file.
    const outcome = (await vscode.commands.executeCommand<RetryOutcome>(Commands.retryFailed, undefined, { confirm: false }))!;
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.strictEqual(outcome.results, results, "the comparison's results file");
    assert.strictEqual(path.basename(outcome.retryFile), 'reviews.batch.retry.jsonl');
    assert.deepStrictEqual(outcome.selection.lines, [3, 4]);
    const batchLines = (await fs.readFile(path.join(dir, 'reviews.batch.jsonl'), 'utf8')).split('\n');
    assert.strictEqual(await uploaded(outcome.batchId), `${batchLines[2]}\n${batchLines[3]}\n`, 'exactly the failed request lines');

    await reports(
      'the retried cells passing and the pass rates recounted',
      file,
      // The bars are recounted at once; the cells once the rescored rows' page has arrived.
      (s) =>
        s.scored > before.scored &&
        s.report!.passRates.join() === '100.0%,100.0%' &&
        s.report!.outcomes.map((o) => o.join(' ')).join() === 'pass pass,pass pass,pass pass',
    );
    assert.deepStrictEqual(
      (await rowsOf(results)).map((r) => [r.custom_id, r.status, r.attempts ?? 1]),
      [
        ['exp-r1-p1-m1', 'succeeded', 1],
        ['exp-r1-p1-m2', 'succeeded', 1],
        ['exp-r2-p1-m1', 'succeeded', 2],
        ['exp-r2-p1-m2', 'succeeded', 2],
        ['exp-r3-p1-m1', 'succeeded', 1],
        ['exp-r3-p1-m2', 'succeeded', 1],
      ],
    );
  });

  it('a batch split in parts: the failed request is found in its part, and the joined comparison recounts', async () => {
    await vscode.workspace.getConfiguration('kluster').update('tier', 'free', vscode.ConfigurationTarget.Global);
    const file = path.join(dir, 'many.experiment.yaml');
    await fs.writeFile(
      file,
      [
        'prompts: ["{{review}}"]',
        `providers: [${SMALL}]`,
        'tests: file://many.csv',
        'defaultTest:',
        '  assert:',
        '    - {type: equals, value: "{{label}}"}',
        '',
      ].join('\n'),
    );
    // 1,002 rows: the free tier's cap of 999 requests puts rows 1000-1002 in part 2; row 1001 fails once.
    const rows = Array.from({ length: 1002 }, (_, i) => `"Row ${i + 1} [[answer:ok]]${i === 1000 ? ` ${FAIL_ONCE_TRIGGER}` : ''}",ok`);
    await fs.writeFile(path.join(dir, 'many.csv'), ['review,label', ...rows, ''].join('\n'));

    const { batchIds, results } = await submitAndCompare(vscode.Uri.file(file));
    assert.strictEqual(batchIds.length, 2, 'two parts, submitted together');
    const failedRow = (await rowsOf(results)).find((r) => r.status !== 'succeeded');
    assert.deepStrictEqual(failedRow && [failedRow.custom_id, failedRow.input_file, failedRow.input_line], [
      'exp-r1001-p1-m1',
      'many.batch.part-2.jsonl',
      2,
    ]);
    await reports('1,001 of 1,002 passing', file, (s) => s.summary!.columns[0]!.errors === 1 && s.report!.passRates.join() === '99.9%');
    await vscode.commands.executeCommand(Commands.comparisonSetFilter, { kind: 'failures' } satisfies ComparisonFilter);
    const failures = await reports('the failures filter: row 1001 only', file, (s) => s.report!.rows.join() === '1001');
    assert.deepStrictEqual(failures.report!.outcomes, [['error']]);

    // As the comparison's toolbar button runs it: on the comparison's results file.
    const outcome = (await vscode.commands.executeCommand<RetryOutcome>(Commands.retryFailed, vscode.Uri.file(results), {
      confirm: false,
    }))!;
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.strictEqual(path.basename(outcome.retryFile), 'many.batch.retry.jsonl');
    assert.deepStrictEqual(
      [outcome.selection.lines, outcome.selection.files.map((f) => path.basename(f))],
      [[2], ['many.batch.part-2.jsonl']],
    );
    const part2 = (await fs.readFile(path.join(dir, 'many.batch.part-2.jsonl'), 'utf8')).split('\n');
    assert.strictEqual(await uploaded(outcome.batchId), `${part2[1]}\n`);

    await reports('every row passing after the merge', file, (s) => s.summary!.columns[0]!.passed === 1002 && s.report!.rows.length === 0);
    const merged = (await rowsOf(results)).find((r) => r.custom_id === 'exp-r1001-p1-m1')!;
    assert.deepStrictEqual(
      [merged.status, merged.input_file, merged.input_line, merged.attempts],
      ['succeeded', 'many.batch.part-2.jsonl', 2, 2],
    );
  });

  it("from the experiment's batch in the Batches view: into the experiment's results, which the comparison shows", async () => {
    const file = path.join(dir, 'fromBatch.experiment.yaml');
    await fs.writeFile(
      file,
      [
        'prompts: ["{{q}}"]',
        `providers: [${SMALL}]`,
        'tests:',
        '  - vars: {q: "one [[answer:yes]]"}',
        `  - vars: {q: "two [[answer:yes]] ${FAIL_ONCE_TRIGGER}"}`,
        'defaultTest:',
        '  assert:',
        '    - {type: equals, value: "yes"}',
        '',
      ].join('\n'),
    );
    const { batchIds, results } = await submitAndCompare(vscode.Uri.file(file));
    const before = await reports('row 2 an error', file, (s) => s.report!.passRates.join() === '50.0%');
    // As the Batches view's context menu passes it: the batch node.
    const outcome = (await vscode.commands.executeCommand<RetryOutcome>(
      Commands.retryFailed,
      { kind: 'batch', batchId: batchIds[0] },
      {
        confirm: false,
      },
    ))!;
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.strictEqual(outcome.results, results, "the experiment's results, not fromBatch.batch.results.jsonl");
    assert.deepStrictEqual(outcome.selection.lines, [2]);
    await reports('row 2 passing', file, (s) => s.scored > before.scored && s.report!.passRates.join() === '100.0%');
    await assert.rejects(fs.stat(path.join(dir, 'fromBatch.batch.results.jsonl')), 'no second results file beside the batch');
  });

  it('the judge batch: a judge request that failed once is retried, and its score appears', async () => {
    const file = path.join(dir, 'judged.experiment.yaml');
    await fs.writeFile(
      file,
      [
        'prompts: ["{{q}}"]',
        `providers: [${SMALL}]`,
        'tests:',
        '  - vars: {q: "one [[answer:Fine <<verdict:pass 0.8>>]]", rubric: "Helpful"}',
        `  - vars: {q: "two [[answer:Good <<verdict:pass 1>>]]", rubric: "Helpful ${FAIL_ONCE_TRIGGER}"}`,
        'defaultTest:',
        '  assert:',
        '    - {type: llm-rubric, value: "{{rubric}}"}',
        'kluster:',
        '  judge: {model: deepseek-ai/DeepSeek-V3}',
        '',
      ].join('\n'),
    );
    await submitAndCompare(vscode.Uri.file(file));
    const judged = (await vscode.commands.executeCommand<JudgeOutcome>(Commands.comparisonJudge, { confirm: false }))!;
    assert.strictEqual(judged.status, 'judged', JSON.stringify(judged));
    if (judged.status !== 'judged') return;
    const before = await reports(
      "row 2's judge request failed: an error, row 1 judged",
      file,
      (s) => s.report!.judgeScores.join() === '0.80' && s.report!.outcomes.map((o) => o.join()).join(' ') === 'pass error',
    );

    const outcome = (await vscode.commands.executeCommand<RetryOutcome>(Commands.retryFailed, vscode.Uri.file(judged.judgeResults), {
      confirm: false,
    }))!;
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.strictEqual(path.basename(outcome.retryFile), 'judged.judge.retry.jsonl');
    assert.deepStrictEqual(outcome.selection.lines, [2]);
    await reports(
      'the retried judge verdict: both rows pass, the mean over both',
      file,
      (s) =>
        s.scored > before.scored &&
        s.report!.judgeScores.join() === '0.90' &&
        s.report!.outcomes.map((o) => o.join()).join(' ') === 'pass pass',
    );
  });
});
