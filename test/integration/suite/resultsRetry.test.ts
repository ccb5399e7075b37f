// Retry Failed Requests in a real VS Code against the emulator: a batch with failures ends, the retry submits
// exactly the failed request lines (byte for byte, as the emulator received them), and when the retry ends its
// results merge back into the original results file, which the grid then shows.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as vscode from 'vscode';
import { FAIL_ONCE_TRIGGER, FAIL_TRIGGER } from '../../../src/emulator';
import { Commands } from '../../../src/constants';
import type { ResultsOutcome } from '../../../src/batches/results';
import type { RetryOutcome } from '../../../src/batches/retry';
import { RESULTS_VIEW_TYPE } from '../../../src/results/protocol';
import type { ResultsSnapshot } from '../../../src/results/resultsPanel';
import { batchItem, emulatorSuite, MODEL, requestLine, submit, waitFor, writeWorkspaceFile } from '../batchesFixture';

const TIMING = { validatingMs: 200, inProgressMs: 500, finalizingMs: 100, cancellingMs: 200 };

type Row = { custom_id: string; status: string; attempts?: number; origin?: string; error?: { message?: string } | null };
const rowsOf = async (file: string): Promise<Row[]> =>
  (await fs.readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);

describe('Results: Retry Failed Requests', function () {
  this.timeout(180_000);
  const session = emulatorSuite({ timing: TIMING });

  const retry = (arg: unknown) =>
    vscode.commands.executeCommand<RetryOutcome>(Commands.retryFailed, arg, { confirm: false }).then((o) => o!);
  const uploadedInput = async (batchId: string) => {
    const batch = session.emulator.state.batch(batchId)!;
    return fs.readFile(session.emulator.state.store.files.get(batch.inputFileId)!.path, 'utf8');
  };
  async function ended(batchId: string, contextValue: string): Promise<void> {
    let last: string | undefined;
    await waitFor(
      `batch ${batchId} to show as ${contextValue}`,
      async () => (last = (await batchItem(batchId))?.contextValue) === contextValue,
      60_000,
      () => last,
    );
  }

  it('submits exactly the failed lines, then merges their results back into the results file and the grid', async () => {
    // r4 is written by hand (spacing, key order, a non-ASCII character): a copy that re-serialised it would differ.
    const r4 = `{"custom_id":"r4",  "method": "POST", "url": "/v1/chat/completions", "body": {"messages": [{"role": "user", "content": "Grüße ${FAIL_ONCE_TRIGGER}"}], "model": "${MODEL}"}}`;
    const lines = [requestLine('r1', 'one'), requestLine('r2', `two ${FAIL_ONCE_TRIGGER}`), requestLine('r3', 'three'), r4];
    const input = await writeWorkspaceFile('retry/run.jsonl', lines);
    const first = await submit(input);
    assert.strictEqual(first.status, 'submitted', JSON.stringify(first));
    if (first.status !== 'submitted') return;
    await ended(first.batchId, 'batch:completed:failures');
    const joined = await vscode.commands.executeCommand<ResultsOutcome>(Commands.openResults, first.batchId, { confirm: false });
    assert.strictEqual(joined?.status, 'written', JSON.stringify(joined));
    if (joined?.status !== 'written') return;
    assert.deepStrictEqual(
      (await rowsOf(joined.path)).map((r) => `${r.custom_id}:${r.status}`),
      ['r1:succeeded', 'r2:failed', 'r3:succeeded', 'r4:failed'],
    );
    const before = await fs.readFile(joined.path, 'utf8');
    const results = vscode.Uri.file(joined.path);
    await vscode.commands.executeCommand('vscode.openWith', results, RESULTS_VIEW_TYPE);
    const snapshot = async () => vscode.commands.executeCommand<ResultsSnapshot | undefined>(Commands.resultsSnapshot);
    await waitFor('the grid to show two failures', async () => (await snapshot())?.byStatus.failed === 2);

    // From the grid (its toolbar button runs the command on the file in front).
    const outcome = await retry(undefined);
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.strictEqual(outcome.results, joined.path);
    assert.deepStrictEqual(outcome.selection.lines, [2, 4]);
    const expected = `${lines[1]}\n${r4}\n`;
    assert.strictEqual(await fs.readFile(outcome.retryFile, 'utf8'), expected, 'the retry file holds the failed lines as they are');
    assert.strictEqual(await uploadedInput(outcome.batchId), expected, 'the emulator received exactly those lines');
    // Once validated, the retry batch runs just those two.
    await waitFor('the retry batch to be validated', () => session.emulator.state.batch(outcome.batchId)!.outcomes.length || undefined);
    assert.strictEqual(session.emulator.state.batch(outcome.batchId)!.outcomes.length, 2);

    // The retry ends; its results merge into run.results.jsonl, the old file kept beside it.
    let rows: Row[] = [];
    await waitFor(
      'the retry to merge every row as succeeded',
      async () => {
        rows = await rowsOf(joined.path);
        return rows.every((r) => r.status === 'succeeded');
      },
      60_000,
      () => rows,
    );
    assert.deepStrictEqual(
      rows.map((r) => [r.custom_id, r.attempts ?? 1, r.origin ?? null]),
      [
        ['r1', 1, null],
        ['r2', 2, outcome.batchId],
        ['r3', 1, null],
        ['r4', 2, outcome.batchId],
      ],
    );
    const after = (await fs.readFile(joined.path, 'utf8')).split('\n');
    assert.strictEqual(after[0], before.split('\n')[0], 'a row the retry did not touch stays byte for byte');
    const backup = joined.path.replace(/\.jsonl$/, `.before-${outcome.batchId}.jsonl`);
    assert.strictEqual(await fs.readFile(backup, 'utf8'), before, 'the results as they were are kept beside');

    let last: ResultsSnapshot | undefined;
    await waitFor(
      'the grid to follow the merged file: all succeeded, attempts and origin shown',
      async () => {
        last = await snapshot();
        return (
          last?.complete &&
          last.byStatus.succeeded === 4 &&
          last.byStatus.failed === 0 &&
          last.columns.includes('attempts') &&
          last.columns.includes('origin')
        );
      },
      30_000,
      () => last && { byStatus: last.byStatus, columns: last.columns },
    );
  });

  it('retries from the batch (joining its results first); a request that fails again keeps the newer error and counts attempts', async () => {
    const input = await writeWorkspaceFile('retry/again.jsonl', [requestLine('a1', 'fine'), requestLine('a2', `always ${FAIL_TRIGGER}`)]);
    const first = await submit(input);
    assert.strictEqual(first.status, 'submitted');
    if (first.status !== 'submitted') return;
    await ended(first.batchId, 'batch:completed:failures');

    // As the Batches view's context menu passes it: the batch node.
    const outcome = await retry({ kind: 'batch', batchId: first.batchId });
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.ok(outcome.results.endsWith('again.results.jsonl'), outcome.results);
    assert.strictEqual(await uploadedInput(outcome.batchId), `${requestLine('a2', `always ${FAIL_TRIGGER}`)}\n`);

    let rows: Row[] = [];
    await waitFor(
      'the failed-again row to be merged',
      async () => {
        rows = await rowsOf(outcome.results);
        return rows[1]?.attempts === 2 ? rows : undefined;
      },
      60_000,
      () => rows,
    );
    assert.deepStrictEqual(
      rows.map((r) => [r.custom_id, r.status, r.attempts ?? 1, r.origin ?? null]),
      [
        ['a1', 'succeeded', 1, null],
        ['a2', 'failed', 2, outcome.batchId],
      ],
    );
    assert.match(rows[1]!.error?.message ?? '', /\[\[fail\]\]/);
  });
});
