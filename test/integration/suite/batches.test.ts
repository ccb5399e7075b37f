import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { FAIL_TRIGGER } from '../../../src/emulator';
import { Commands } from '../../../src/constants';
import type { ResultsOutcome } from '../../../src/batches/results';
import {
  batchItem,
  batchRequests,
  emulatorSuite,
  requestLine,
  snapshot,
  submit,
  waitFor,
  workspaceDir,
  writeWorkspaceFile,
} from '../batchesFixture';

const TIMING = { validatingMs: 300, inProgressMs: 2500, finalizingMs: 200, cancellingMs: 300 };

describe('Batches: submit, track, results beside', function () {
  this.timeout(120_000);
  const session = emulatorSuite({ timing: TIMING });

  const results = (batchId: string, options: object = {}) =>
    vscode.commands.executeCommand<ResultsOutcome>(Commands.openResults, batchId, { confirm: false, ...options }).then((o) => o!);
  /** Waits until the tree shows the batch with `contextValue`; on timeout, says which state it showed last. */
  async function waitForStatus(batchId: string, contextValue: string): Promise<void> {
    let last: string | undefined;
    await waitFor(
      `batch ${batchId} to show as ${contextValue}`,
      async () => (last = (await batchItem(batchId))?.contextValue) === contextValue,
      30_000,
      () => last,
    );
  }

  it('submits the open file, shows it running, polls it to completed and joins results beside it in input order', async () => {
    const ids = ['q-01', 'q-02', 'q-03', 'q-04', 'q-05', 'q-06', 'q-07'];
    const lines = ids.map((id, i) => requestLine(id, i === 4 ? `please ${FAIL_TRIGGER}` : `question ${i}`));
    const uri = await writeWorkspaceFile('sub/requests.jsonl', lines);
    await vscode.window.showTextDocument(uri);

    const outcome = await submit(uri, { completionWindow: '6h' });
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    const stored = session.emulator.state.batch(outcome.batchId)!;
    const folder = vscode.workspace.workspaceFolders![0]!.name;
    assert.deepStrictEqual(
      stored.metadata,
      { input_file: 'sub/requests.jsonl', input_folder: folder, source: 'vscode' },
      'metadata names the folder and the file in it',
    );
    assert.strictEqual(stored.completionWindow, '6h');

    const running = await snapshot();
    const item = running.items[0]!;
    assert.strictEqual(item.id, `batch:${outcome.batchId}`, 'the new batch is at the top');
    assert.strictEqual(item.label, 'requests.jsonl');
    // Running: validating, or already in progress with a count by the time the list is read.
    assert.match(item.description!, /^(validating|in progress|finalizing)( · \d\/\d)?( · 1 failed)? · (just now|\ds ago)$/);
    assert.match(item.contextValue!, /^batch:(validating|in_progress|finalizing)$/);
    assert.match(item.icon!, /~spin$/);
    assert.ok(item.tooltip!.includes(outcome.inputFileId), 'the tooltip lists every field');
    assert.match(running.statusBar ?? '', /requests\.jsonl/);
    assert.strictEqual(running.polling, true);
    assert.strictEqual(running.inputFiles[outcome.batchId], uri.fsPath);

    const seen = new Set<string>();
    const done = await waitFor(
      'the batch to complete',
      async () => {
        const current = await batchItem(outcome.batchId);
        if (current?.contextValue) seen.add(current.contextValue);
        // q-05 failed: a completed batch with failures is marked so, for Retry Failed Requests.
        return current?.contextValue === 'batch:completed:failures' ? current : undefined;
      },
      30_000,
      () => [...seen],
    );
    assert.ok(
      [...seen].some((s) => !s.startsWith('batch:completed')),
      'the tree showed it running before it completed',
    );
    assert.ok(
      session.emulator.state.requests.some((r) => r.method === 'GET' && r.path === `/v1/batches/${outcome.batchId}`),
      'the poller fetched the batch',
    );
    // One request of seven failed: not the clean check of a batch where every request succeeded.
    assert.match(done.description!, /^completed · 1 failed of 7 · /);
    assert.strictEqual(done.icon, 'warning');
    const children = done.children!.map((c) => c.label);
    assert.deepStrictEqual(children, ['Input file', 'Output file', 'Error file', 'Requests: 6 completed, 1 failed']);
    const after = await snapshot();
    assert.strictEqual(after.statusBar, undefined, 'the status bar item hides when nothing runs');

    const written = await results(outcome.batchId);
    assert.strictEqual(written.status, 'written', JSON.stringify(written));
    if (written.status !== 'written') return;
    const resultsPath = path.join(workspaceDir(), 'sub', 'requests.results.jsonl');
    assert.strictEqual(written.path, resultsPath);
    const joined = (await fs.readFile(resultsPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      joined.map((r) => r.custom_id),
      ids,
      'results are in input order',
    );
    assert.deepStrictEqual(
      joined.map((r) => r.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded'],
    );
    for (const r of joined) assert.ok(r.response || r.error, `${r.custom_id} has a response or an error`);
    assert.ok(joined[0].response.body.choices[0].message.content, 'responses carry the completion');
    assert.deepStrictEqual([written.summary.succeeded, written.summary.failed, written.summary.missing], [6, 1, 0]);
    assert.match(written.message, /^requests\.results\.jsonl: 6 succeeded, 1 failed · [\d,]+ tokens/);

    // The service wrote its output in another order: the join did the work.
    const outputFile = session.emulator.state.store.files.get(stored.outputFileId!)!;
    const serviceOrder = (await fs.readFile(outputFile.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).custom_id);
    assert.notDeepStrictEqual(
      serviceOrder,
      ids.filter((id) => id !== 'q-05'),
    );

    const editors = vscode.window.visibleTextEditors;
    const resultsEditor = editors.find((e) => e.document.uri.fsPath === resultsPath);
    const inputEditor = editors.find((e) => e.document.uri.fsPath === uri.fsPath);
    assert.ok(resultsEditor && inputEditor, 'input and results are both visible');
    assert.ok(resultsEditor.viewColumn! > inputEditor.viewColumn!, 'results open beside the input');
  });

  it('never replaces an existing results file without asking', async () => {
    const uri = await writeWorkspaceFile('keep.jsonl', [requestLine('k1', 'hello')]);
    const outcome = await submit(uri);
    assert.strictEqual(outcome.status, 'submitted');
    if (outcome.status !== 'submitted') return;
    const resultsPath = path.join(workspaceDir(), 'keep.results.jsonl');
    await fs.writeFile(resultsPath, 'my notes\n');
    await waitForStatus(outcome.batchId, 'batch:completed');
    assert.deepStrictEqual(await results(outcome.batchId), { status: 'exists', path: resultsPath });
    assert.strictEqual(await fs.readFile(resultsPath, 'utf8'), 'my notes\n');
    const replaced = await results(outcome.batchId, { overwrite: true });
    assert.strictEqual(replaced.status, 'written');
    assert.strictEqual(JSON.parse(await fs.readFile(resultsPath, 'utf8')).custom_id, 'k1');
  });

  it('warns when the input was edited after submission, and writes results that match no line after the others', async () => {
    const uri = await writeWorkspaceFile(
      'edited.jsonl',
      ['e1', 'e2', 'e3'].map((id) => requestLine(id, id)),
    );
    const outcome = await submit(uri);
    assert.strictEqual(outcome.status, 'submitted');
    if (outcome.status !== 'submitted') return;
    await waitForStatus(outcome.batchId, 'batch:completed');
    const untouched = await results(outcome.batchId);
    assert.strictEqual(untouched.status, 'written');
    if (untouched.status !== 'written') return;
    assert.deepStrictEqual(untouched.warnings, [], 'no warning while the file is as submitted');
    await fs.rm(untouched.path);

    // e2 removed, a new request added: e2's result matches no line, the new one has none.
    await fs.writeFile(uri.fsPath, ['e1', 'e3', 'new'].map((id) => requestLine(id, id)).join('\n') + '\n');
    const written = await results(outcome.batchId);
    assert.strictEqual(written.status, 'written', JSON.stringify(written));
    if (written.status !== 'written') return;
    assert.strictEqual(written.warnings.length, 1);
    assert.match(
      written.warnings[0]!,
      /^edited\.jsonl changed since batch .* was submitted \(it is [\d,]+ bytes now, [\d,]+ when submitted\)/,
    );
    const joined = (await fs.readFile(written.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      joined.map((r) => [r.custom_id, r.status, r.input_line]),
      [
        ['e1', 'succeeded', 1],
        ['e3', 'succeeded', 2],
        ['new', 'missing', 3],
        ['e2', 'unmatched', null],
      ],
    );
    assert.ok(joined[3].response.body.choices[0].message.content, 'the unmatched result is kept whole');
    assert.deepStrictEqual([written.summary.succeeded, written.summary.missing, written.summary.unmatched], [2, 1, 1]);
    assert.match(written.message, /, 1 result matched no input line \(was the input edited\?\)/);
  });

  it('cancels a running batch and still opens its partial results', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `c-${i}`);
    const uri = await writeWorkspaceFile(
      'cancel-me.jsonl',
      ids.map((id) => requestLine(id, id)),
    );
    const outcome = await submit(uri);
    assert.strictEqual(outcome.status, 'submitted');
    if (outcome.status !== 'submitted') return;
    const cancelled = await vscode.commands.executeCommand(Commands.cancelBatch, outcome.batchId, { confirm: false });
    assert.deepStrictEqual(cancelled, { status: 'requested', batchStatus: 'cancelling' });
    const item = await batchItem(outcome.batchId);
    assert.strictEqual(item?.contextValue, 'batch:cancelling');
    await waitForStatus(outcome.batchId, 'batch:cancelled');
    const written = await results(outcome.batchId);
    assert.strictEqual(written.status, 'written');
    if (written.status !== 'written') return;
    const joined = (await fs.readFile(written.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      joined.map((r) => r.custom_id),
      ids,
    );
    for (const r of joined) assert.ok(r.response || r.error, `${r.custom_id} has a response or an error`);
    assert.strictEqual(written.summary.succeeded + written.summary.failed + written.summary.missing, 5);
  });

  it('blocks a file with validation errors, shows them as problems and sends nothing', async () => {
    const before = session.emulator.state.requests.filter((r) => r.method === 'POST').length;
    const uri = await writeWorkspaceFile('broken.jsonl', [
      requestLine('a', 'fine'),
      '{"custom_id": "b", "method": "POST", "url": "/v1/chat/completions"',
      requestLine('a', 'again'),
    ]);
    const outcome = await submit(uri);
    assert.strictEqual(outcome.status, 'invalid', JSON.stringify(outcome));
    if (outcome.status !== 'invalid') return;
    assert.ok(outcome.errors >= 2);
    assert.strictEqual(outcome.firstError?.line, 2);
    assert.strictEqual(session.emulator.state.requests.filter((r) => r.method === 'POST').length, before, 'nothing was uploaded');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath, 'the file is opened');
    const problems = await waitFor('diagnostics on the file', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      return found.length >= 2 ? found : undefined;
    });
    assert.deepStrictEqual([...new Set(problems.map((d) => d.range.start.line))].sort(), [1, 2]);
  });

  it('on the free tier, refuses a file of 1000 requests before uploading it, and shows the request over the cap', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => requestLine(`free-${i}`, 'x'));
    const uri = await writeWorkspaceFile('free-tier.jsonl', lines);
    const config = vscode.workspace.getConfiguration('kluster');
    const posts = () => session.emulator.state.requests.filter((r) => r.method === 'POST').length;
    await config.update('tier', 'free', vscode.ConfigurationTarget.Global);
    try {
      const before = posts();
      const outcome = await submit(uri);
      assert.deepStrictEqual(
        outcome.status === 'refused' && { code: outcome.code, line: outcome.line },
        { code: 'kluster.freeTierLineCap', line: 1000 },
        JSON.stringify(outcome),
      );
      assert.match((outcome as { message: string }).message, /free-tier\.jsonl was not submitted: .*fewer than 1,000 requests/);
      assert.strictEqual(posts(), before, 'nothing was uploaded and no batch was made');
      const editor = vscode.window.activeTextEditor;
      assert.strictEqual(editor?.document.uri.fsPath, uri.fsPath, 'the file is opened');
      assert.strictEqual(editor.selection.start.line, 999, 'at the request over the cap');
    } finally {
      await config.update('tier', undefined, vscode.ConfigurationTarget.Global);
    }
    // The standard tier takes the same file.
    const accepted = await submit(uri);
    assert.strictEqual(accepted.status, 'submitted', JSON.stringify(accepted));
  });

  it('stops polling, and makes no requests, once every batch is terminal', async () => {
    // Its own batch, so that polling has started and must stop, also when this test runs on its own.
    const uri = await writeWorkspaceFile('last.jsonl', [requestLine('l1', 'last')]);
    const outcome = await submit(uri);
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.strictEqual((await snapshot()).polling, true, 'a running batch is polled');
    let last: unknown;
    await waitFor(
      'every batch terminal and polling stopped',
      async () => {
        const s = await snapshot();
        last = { polling: s.polling, running: s.items.filter((i) => i.icon?.endsWith('~spin')).map((i) => [i.label, i.description]) };
        return (
          s.items.some((i) => i.id === `batch:${outcome.batchId}` && i.contextValue === 'batch:completed') &&
          s.items.every((i) => !i.icon?.endsWith('~spin')) &&
          !s.polling
        );
      },
      60_000,
      () => last,
    );
    const before = batchRequests(session.emulator);
    await new Promise((resolve) => setTimeout(resolve, 8000)); // longer than the first two poll delays
    assert.strictEqual(batchRequests(session.emulator), before, 'no batch requests while everything is terminal');
    assert.strictEqual((await snapshot()).statusBar, undefined);
  });
});
