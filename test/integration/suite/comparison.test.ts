// The experiment comparison in a real VS Code against the emulator: the model-comparison example is built as
// one batch, submitted and joined through the editor's own commands, and the comparison webview reports the
// pass rates per column its bars show; filters change the rows it shows; an edit of the assertions is scored
// again without a new batch; Judge Replies runs the judge batch and its scores appear.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import type { ComparisonSnapshot } from '../../../src/comparison/comparisonPanel';
import type { JudgeOutcome } from '../../../src/comparison/judge';
import type { ComparisonFilter } from '../../../src/core/experiments';
import { buildBatch, loadExperiment } from '../../../src/core/experiments';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import type { ResultsOutcome } from '../../../src/batches/results';
import type { SubmitOutcome } from '../../../src/batches/submit';
import { batchRequests, useEmulator, waitFor, workspaceDir } from '../batchesFixture';

const TIMING = { validatingMs: 100, inProgressMs: 400, finalizingMs: 100, cancellingMs: 100 };

const snapshot = async () => vscode.commands.executeCommand<ComparisonSnapshot | undefined>(Commands.comparisonSnapshot);

/** Waits until the webview reports `check` true of what it shows. */
async function reports(what: string, check: (s: ComparisonSnapshot) => boolean, timeoutMs = 30_000): Promise<ComparisonSnapshot> {
  let last: ComparisonSnapshot | undefined;
  return waitFor(
    what,
    async () => {
      last = await snapshot();
      return last?.report && check(last) ? last : undefined;
    },
    timeoutMs,
    () => ({ report: last?.report, problem: last?.problem, scored: last?.scored }),
  );
}

describe('Experiment comparison', function () {
  this.timeout(180_000);
  let session: Awaited<ReturnType<typeof useEmulator>>;
  let dir: string;

  /** Builds the experiment's batch (core, as the CLI does), submits it and joins its results beside it. */
  async function runExperiment(experiment: string): Promise<vscode.Uri> {
    const loaded = await loadExperiment(experiment, { knownModels: DOCUMENTED_MODEL_IDS });
    assert.deepStrictEqual(
      loaded.problems.filter((p) => p.severity === 'error'),
      [],
    );
    const batch = experiment.replace(/\.experiment\.yaml$/, '.batch.jsonl');
    await buildBatch(loaded.experiment!, loaded.tests, batch, { knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard', overwrite: true });
    const submitted = (await vscode.commands.executeCommand<SubmitOutcome>(Commands.submitBatch, vscode.Uri.file(batch), {
      confirm: false,
    }))!;
    assert.strictEqual(submitted.status, 'submitted', JSON.stringify(submitted));
    if (submitted.status !== 'submitted') throw new Error('not submitted');
    const joined = await waitFor(
      'the batch to complete and its results to be joined',
      async () => {
        await vscode.commands.executeCommand(Commands.refreshBatches);
        const outcome = await vscode.commands.executeCommand<ResultsOutcome>(Commands.openResults, submitted.batchId, {
          confirm: false,
          overwrite: true,
          show: false,
        });
        return outcome?.status === 'written' ? outcome : undefined;
      },
      60_000,
    );
    return vscode.Uri.file(joined.path);
  }

  before(async () => {
    session = await useEmulator({ timing: TIMING });
    dir = path.join(workspaceDir(), 'comparison');
    await fs.mkdir(dir, { recursive: true });
    const examples = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'media', 'examples', 'model-comparison');
    for (const name of ['movies.emulator.experiment.yaml', 'movies.emulator.csv'])
      await fs.copyFile(path.join(examples, name), path.join(dir, name));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.dispose();
  });

  it('opens the comparison of the model-comparison example with the pass rate per column the bars show', async () => {
    const experiment = vscode.Uri.file(path.join(dir, 'movies.emulator.experiment.yaml'));
    const results = await runExperiment(experiment.fsPath);
    assert.strictEqual(path.basename(results.fsPath), 'movies.emulator.batch.results.jsonl', 'the results beside the experiment');
    assert.strictEqual(await vscode.commands.executeCommand(Commands.openComparison, experiment, results), true);
    const snap = await reports(
      'the pass rates of 8B, 70B and 405B, and the five rows',
      (s) => s.report!.passRates.join() === '60.0%,80.0%,100.0%' && s.report!.rows.join() === '1,2,3,4,5',
    );
    assert.deepStrictEqual(
      snap.summary!.columns.map((c) => [c.prompt, c.provider, c.passed, c.failed, c.errors, c.total]),
      [
        ['genre', '8B', 3, 2, 0, 5],
        ['genre', '70B', 4, 1, 0, 5],
        ['genre', '405B', 5, 0, 0, 5],
      ],
    );
    assert.deepStrictEqual(snap.report!.columns, [0, 1, 2]);
    assert.strictEqual(snap.summary!.priced, false, 'no kluster.pricing: no cost');
  });

  it('filters: failures only, disagreements, one column against another', async () => {
    const apply = (filter: ComparisonFilter) => vscode.commands.executeCommand(Commands.comparisonSetFilter, filter);
    await apply({ kind: 'failures' });
    await reports('the rows some column fails', (s) => s.report!.rows.join() === '2,4,5');
    await apply({ kind: 'disagreements' });
    await reports(
      'the rows where the columns disagree',
      (s) => s.report!.rows.join() === '2,4,5' && s.state.filter.kind === 'disagreements',
    );
    await apply({ kind: 'versus', a: 1, b: 2 });
    const versus = await reports('70B against 405B', (s) => s.report!.rows.join() === '5' && s.report!.columns.join() === '1,2');
    assert.deepStrictEqual(versus.report!.passRates, ['80.0%', '100.0%'], 'the bars of the two columns compared');
    await apply({ kind: 'all' });
    await reports('every row again', (s) => s.report!.rows.join() === '1,2,3,4,5');
  });

  it('prices each column from kluster.pricing', async () => {
    const config = vscode.workspace.getConfiguration('kluster');
    await config.update(
      'pricing',
      { 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo': { input: 1, output: 2 } },
      vscode.ConfigurationTarget.Global,
    );
    try {
      const snap = await reports('a cost for the 8B column only', (s) => s.summary?.priced === true);
      const [small, mid] = snap.summary!.columns;
      assert.ok(small!.cost! > 0);
      assert.strictEqual(small!.cost, (small!.promptTokens * 1 + small!.completionTokens * 2) / 1e6);
      assert.strictEqual(mid!.cost, null);
    } finally {
      await config.update('pricing', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('scores again after an edit of the assertions, without a new batch', async () => {
    const before = batchRequests(session.emulator);
    const scored = (await snapshot())!.scored;
    const file = path.join(dir, 'movies.emulator.experiment.yaml');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text + 'defaultTest:\n  assert:\n    - type: not-equals\n      value: Drama\n');
    const snap = await reports(
      'row 1 (every column answers Drama) failing now',
      (s) => s.scored > scored && s.report!.passRates.join() === '40.0%,60.0%,80.0%',
    );
    assert.strictEqual(snap.summary!.columns[0]!.failed, 3);
    assert.strictEqual(batchRequests(session.emulator), before, 'no batch request was made');
    await fs.writeFile(file, text);
    await reports('the old pass rates once the edit is undone', (s) => s.report!.passRates.join() === '60.0%,80.0%,100.0%');
  });

  it('Judge Replies runs the judge batch and its scores appear; a malformed verdict is an error', async () => {
    const file = path.join(dir, 'judged.experiment.yaml');
    await fs.writeFile(
      file,
      [
        'prompts: ["{{q}}"]',
        'providers:',
        '  - {id: klusterai/Meta-Llama-3.1-8B-Instruct-Turbo, label: small}',
        '  - {id: klusterai/Meta-Llama-3.3-70B-Instruct-Turbo, label: big}',
        'tests:',
        '  - vars: {q: "one [[answer:Fine <<verdict:pass 0.8>>]]"}',
        '  - vars: {q: "two [[answer:Meh <<verdict:fail 0.2>>]] [[answer@70B:Great <<verdict:pass 1>>]]"}',
        '  - vars: {q: "three [[answer:Odd <<verdict:malformed>>]]"}',
        'defaultTest:',
        '  assert:',
        '    - {type: llm-rubric, value: "The answer is helpful"}',
        'kluster:',
        '  judge: {model: deepseek-ai/DeepSeek-V3}',
        '',
      ].join('\n'),
    );
    const results = await runExperiment(file);
    assert.strictEqual(await vscode.commands.executeCommand(Commands.openComparison, vscode.Uri.file(file), results), true);
    const unjudged = await reports(
      'every cell an error before judging',
      (s) => s.experiment === file && s.summary?.columns.every((c) => c.errors === 3) === true,
    );
    assert.deepStrictEqual(unjudged.report!.judgeScores, ['', '']);

    const outcome = (await vscode.commands.executeCommand<JudgeOutcome>(Commands.comparisonJudge, { confirm: false }))!;
    assert.strictEqual(outcome.status, 'judged', JSON.stringify(outcome));
    if (outcome.status !== 'judged') return;
    assert.strictEqual(outcome.requests, 6);
    assert.strictEqual(path.basename(outcome.judgeResults), 'judged.judge.results.jsonl');
    const snap = await reports('the judge means in the bars', (s) => s.report!.judgeScores.join() === '0.50,0.90');
    assert.deepStrictEqual(
      snap.summary!.columns.map((c) => [c.passed, c.failed, c.errors, c.judged]),
      [
        [1, 1, 1, 2],
        [2, 0, 1, 2],
      ],
      'the malformed verdict stays an error in both columns',
    );
    assert.strictEqual(snap.judgeResults, outcome.judgeResults);
  });
});
