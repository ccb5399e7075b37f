// The rough edges of the Batches and Files views a demanding user hit (issue 12, items 8–16).
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { FAIL_TRIGGER } from '../../../src/emulator';
import { Commands } from '../../../src/constants';
import {
  batchItem,
  emulatorSuite,
  files,
  requestLine,
  snapshot,
  submit,
  waitFor,
  workspaceDir,
  writeWorkspaceFile,
} from '../batchesFixture';

const TIMING = { validatingMs: 200, inProgressMs: 1200, finalizingMs: 200, cancellingMs: 200 };

describe('Batches: labels, ages, messages', function () {
  this.timeout(120_000);
  const session = emulatorSuite({ timing: TIMING });

  /** Submits `name` with one good and one failing request and waits until it completed. */
  async function completedWithFailure(name: string): Promise<string> {
    const uri = await writeWorkspaceFile(name, [requestLine('good-1', 'hello'), requestLine('bad-1', `please ${FAIL_TRIGGER}`)]);
    const outcome = await submit(uri);
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') throw new Error('not submitted');
    await waitFor('completion', async () => (await batchItem(outcome.batchId))?.contextValue === 'batch:completed:failures');
    return outcome.batchId;
  }

  it('names output and error files after their batch in the Files view, so a narrow side bar tells them apart', async () => {
    const batchId = await completedWithFailure('labels.jsonl');
    const stored = session.emulator.state.batch(batchId)!;
    const listed = await waitFor('the output and error files', async () => {
      await vscode.commands.executeCommand(Commands.refreshFiles);
      const items = await files();
      const output = items.find((i) => i.id === `file:${stored.outputFileId}`);
      const error = items.find((i) => i.id === `file:${stored.errorFileId}`);
      return output && error ? { output, error } : undefined;
    });
    assert.strictEqual(listed.output.label, 'output of labels.jsonl');
    assert.strictEqual(listed.error.label, 'errors of labels.jsonl');
    assert.notStrictEqual(listed.output.label.slice(0, 6), listed.error.label.slice(0, 6), 'they differ from the first word on');
    assert.strictEqual(listed.output.icon, 'output');
    assert.strictEqual(listed.error.icon, 'bracket-error');
    assert.ok(
      listed.output.tooltip?.replace(/\\/g, '').includes(`batch_${batchId}_output.jsonl`),
      "the service's file name is in the tooltip",
    );
    const input = (await files()).find((i) => i.id === `file:${stored.inputFileId}`);
    assert.strictEqual(input?.label, 'labels.jsonl', 'an input file keeps its own name');
  });

  it('moves young ages on while the view is visible, redrawing from memory without a request', async () => {
    const batchId = await completedWithFailure('ages.jsonl');
    await vscode.commands.executeCommand('kluster.batches.focus');
    await waitFor('the view to be visible and idle', async () => !(await snapshot()).polling);
    const before = await snapshot();
    // The Files view, shown beside, may still load the files the batch made; the Batches view must ask nothing.
    const batchCalls = () =>
      session.emulator.state.requests.filter((r) => r.path.startsWith('/v1/batches')).map((r) => `${r.method} ${r.path}`);
    const requests = batchCalls().length;
    // Under a minute old: the ages count seconds, so the tree is redrawn within about 5 s, not a minute.
    await waitFor('a redraw for the ages', async () => (await snapshot()).agesRedrawn > before.agesRedrawn, 8_000);
    assert.deepStrictEqual(batchCalls().slice(requests), [], 'no request was made for it');
    assert.match((await batchItem(batchId))!.description!, / · (\d+s ago|just now)$/);
  });

  it('says why a submit was blocked until the file is edited or submitted, never after', async () => {
    const broken = [
      requestLine('x-1', 'fine'),
      '{"custom_id": "x-2", "method": "POST"',
      '{"custom_id": "x-3"',
      requestLine('x-1', 'again'),
    ];
    const uri = await writeWorkspaceFile('blocked.jsonl', broken);
    const outcome = await submit(uri);
    assert.strictEqual(outcome.status, 'invalid', JSON.stringify(outcome));
    assert.match((await snapshot()).blockedNotice ?? '', /^\$\(error\) blocked\.jsonl: 3 errors, not submitted$/);

    // Fixing the file in the editor: the count is stale, so the notice goes.
    const editor = await vscode.window.showTextDocument(uri);
    const fixed = [requestLine('x-1', 'fine'), requestLine('x-2', 'two'), requestLine('x-3', 'three')].join('\n') + '\n';
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    assert.ok(await editor.edit((edit) => edit.replace(whole, fixed)));
    await waitFor('the notice to go after the edit', async () => (await snapshot()).blockedNotice === undefined, 5_000);

    // Blocked again, then saved fixed and submitted: nothing about the old errors is left.
    assert.ok(await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), broken.join('\n') + '\n')));
    await editor.document.save();
    assert.strictEqual((await submit(uri)).status, 'invalid');
    assert.ok((await snapshot()).blockedNotice, 'shown again');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await writeWorkspaceFile('blocked.jsonl', fixed.trim().split('\n'));
    assert.strictEqual((await submit(uri)).status, 'submitted');
    assert.strictEqual((await snapshot()).blockedNotice, undefined);
  });

  it("puts each failed request on its input line as a problem with the service's message, until the file is edited or submitted", async () => {
    const batchId = await completedWithFailure('mapped.jsonl');
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'mapped.jsonl'));
    const shown = await vscode.commands.executeCommand(Commands.showBatchErrors, batchId, { pick: false });
    assert.deepStrictEqual(shown, { status: 'requests', notInFile: 0 });
    const failed = () => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'kluster.requestFailed');
    const [problem, ...others] = failed();
    assert.ok(problem, 'a problem for the failed request');
    assert.deepStrictEqual(others, [], 'only the failed request; good-1 succeeded');
    assert.strictEqual(problem.source, 'kluster.ai');
    assert.strictEqual(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(problem.range.start.line, 1, 'on line 2, where bad-1 is');
    assert.strictEqual(problem.range.start.character, 0);
    assert.match(
      problem.message,
      /^Request bad-1 failed in batch mapped\.jsonl: The model failed while processing this request .*\(server_error\)$/,
    );
    const related = problem.relatedInformation?.[0];
    assert.strictEqual(related?.location.uri.scheme, 'kluster-file', 'related information opens the error file');
    assert.strictEqual(related?.location.uri.path.split('/')[1], session.emulator.state.batch(batchId)!.errorFileId);
    assert.strictEqual(related?.location.range.start.line, 0);
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(editor.document.uri.fsPath, uri.fsPath, 'the input file is shown');
    assert.strictEqual(editor.selection.start.line, 1, 'at the first failed request');

    // Edited: the line numbers may no longer hold.
    assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), ' ')));
    await waitFor('the problems to go after the edit', () => failed().length === 0, 5_000);

    // Shown again, then submitted again: the old batch's failures no longer apply.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.showBatchErrors, batchId, { pick: false }), {
      status: 'requests',
      notInFile: 0,
    });
    assert.strictEqual(failed().length, 1);
    assert.strictEqual((await submit(uri)).status, 'submitted');
    assert.deepStrictEqual(failed(), []);
  });

  it('counts the failed requests whose custom_id is no longer in the file, instead of dropping them', async () => {
    const lines = [requestLine('good-1', 'hello'), requestLine('bad-1', `please ${FAIL_TRIGGER}`), requestLine('bad-2', FAIL_TRIGGER)];
    const uri = await writeWorkspaceFile('edited-away.jsonl', lines);
    const outcome = await submit(uri);
    if (outcome.status !== 'submitted') throw new Error(JSON.stringify(outcome));
    await waitFor('completion', async () => (await batchItem(outcome.batchId))?.contextValue === 'batch:completed:failures');
    const failed = () => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'kluster.requestFailed');

    // The file saved again after the batch ran, as a person edits it (Show Errors reads the file and its document).
    const rewrite = async (kept: string[]) => {
      const editor = await vscode.window.showTextDocument(uri);
      const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
      assert.ok(await editor.edit((edit) => edit.replace(whole, kept.join('\n') + '\n')));
      assert.ok(await editor.document.save());
    };
    // bad-2 was deleted: bad-1 still has its line, and bad-2 is counted, not lost.
    await rewrite(lines.slice(0, 2));
    const shown = await vscode.commands.executeCommand(Commands.showBatchErrors, outcome.batchId, { pick: false });
    assert.deepStrictEqual(shown, { status: 'requests', notInFile: 1 });
    assert.deepStrictEqual(
      failed().map((d) => [d.range.start.line, d.message.split(':')[0]]),
      [[1, 'Request bad-1 failed in batch edited-away.jsonl']],
    );

    // Neither is in the file any more: both still listed (the pick opens the error file at each), no problem placed.
    await rewrite([lines[0]!]);
    const none = await vscode.commands.executeCommand(Commands.showBatchErrors, outcome.batchId, { pick: false });
    assert.deepStrictEqual(none, { status: 'requests', notInFile: 2 });
    assert.deepStrictEqual(failed(), []);
  });

  it('submits an untitled batch file once Save As saved it, and uploads what was saved', async () => {
    const target = path.join(workspaceDir(), 'saved-as.jsonl');
    await fs.rm(target, { force: true });
    const text = [requestLine('u-1', 'hello'), requestLine('u-2', 'again')].join('\n') + '\n';
    // An untitled document with a path of its own: Save As writes there without its dialog, as after a pick in it.
    const untitled = await vscode.workspace.openTextDocument(vscode.Uri.file(target).with({ scheme: 'untitled' }));
    const editor = await vscode.window.showTextDocument(untitled);
    assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), text)));

    const outcome = await submit(untitled.uri);
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    assert.strictEqual(await fs.readFile(target, 'utf8'), text, 'saved as it was typed');
    const uploaded = [];
    for await (const chunk of await session.client.openFileContent(outcome.inputFileId)) uploaded.push(Buffer.from(chunk));
    assert.strictEqual(Buffer.concat(uploaded).toString('utf8'), text, 'what was saved is what was uploaded');
    assert.strictEqual(session.emulator.state.batch(outcome.batchId)!.metadata?.input_file, 'saved-as.jsonl');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, target, 'the editor shows the saved file');
  });
});

describe('Batches: the status bar names failures while a batch runs', function () {
  this.timeout(60_000);
  // In progress for long enough to read the status bar with the first (failing) request done and the rest not.
  const session = emulatorSuite({ timing: { ...TIMING, inProgressMs: 20_000 } });

  it('says "· 1 failed" in the status bar item once a request of the running batch failed', async () => {
    const lines = [requestLine('bad-1', `please ${FAIL_TRIGGER}`), ...Array.from({ length: 9 }, (_, i) => requestLine(`good-${i}`, 'hi'))];
    const uri = await writeWorkspaceFile('status-bar.jsonl', lines);
    const outcome = await submit(uri);
    if (outcome.status !== 'submitted') throw new Error(JSON.stringify(outcome));

    let last: string | undefined;
    const text = await waitFor(
      'the status bar to count the failed request',
      async () => {
        await vscode.commands.executeCommand(Commands.refreshBatches);
        last = (await snapshot()).statusBar;
        return last?.includes('failed') ? last : undefined;
      },
      15_000,
      () => last,
    );
    assert.match(text, /^\$\(sync~spin\) status-bar\.jsonl · \d+% · 1 failed$/);

    assert.ok(session.emulator.state.finishBatch(outcome.batchId), 'the batch was still running');
    await waitFor('the status bar item to hide', async () => {
      await vscode.commands.executeCommand(Commands.refreshBatches);
      return (await snapshot()).statusBar === undefined;
    });
  });
});
