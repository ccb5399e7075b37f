// Send Request Line Async against the emulator: one request line becomes a batch of one request, marked async in
// the Batches view, and its result opens beside the file like a one-line batch's.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import type { SendAsyncOutcome } from '../../../src/batches/asyncRequests';
import { batchItem, requestLine, useEmulator, waitFor, workspaceDir, writeWorkspaceFile } from '../batchesFixture';

const TIMING = { validatingMs: 200, inProgressMs: 1500, finalizingMs: 200, cancellingMs: 200 };

describe('Send Request Line Async: one line, its result beside the file', function () {
  this.timeout(120_000);
  let session: Awaited<ReturnType<typeof useEmulator>>;

  before(async () => {
    session = await useEmulator({ timing: TIMING });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.dispose();
  });

  const send = (uri: vscode.Uri, line: number) =>
    vscode.commands.executeCommand<SendAsyncOutcome>(Commands.sendRequestLineAsync, uri, line, { confirm: false }).then((o) => o!);

  it('offers itself on request lines only, in the light bulb and the hover', async () => {
    const uri = await writeWorkspaceFile('async/offer.jsonl', [requestLine('o-1', 'hi'), '{"note": "not a request"}']);
    await vscode.window.showTextDocument(uri);
    const titles = async (line: number) =>
      (
        (await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          uri,
          new vscode.Range(line, 1, line, 1),
        )) ?? []
      ).map((a) => a.title);
    assert.ok((await titles(0)).includes('Send Request Line Async'));
    assert.ok(!(await titles(1)).includes('Send Request Line Async'));
    const hovers = async (line: number) =>
      ((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 3))) ?? [])
        .flatMap((h) => h.contents)
        .map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c)))
        .join('\n');
    assert.match(await hovers(0), new RegExp(`command:${Commands.sendRequestLineAsync.replace('.', '\\.')}\\?`));
    assert.doesNotMatch(await hovers(1), /sendRequestLineAsync/);
  });

  it('sends the line async, lists it as async, and opens its result beside the file on its own line number', async () => {
    const uri = await writeWorkspaceFile('async/lines.jsonl', [
      requestLine('a-1', 'first'),
      requestLine('a-2', 'What is six times seven? [[answer:Forty-two]]'),
      requestLine('a-3', 'third'),
    ]);
    await vscode.window.showTextDocument(uri);
    const outcome = await send(uri, 1);
    assert.strictEqual(outcome.status, 'queued', JSON.stringify(outcome));
    if (outcome.status !== 'queued') return;
    assert.strictEqual(outcome.customId, 'a-2');
    const sent = session.emulator.state.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as {
      metadata: Record<string, unknown>;
      messages: unknown[];
    };
    assert.deepStrictEqual(sent.metadata, { '@kluster.ai': { async: true, completion_window: '24h' } });
    const item = await waitFor('the async batch in the tree', () => batchItem(outcome.batchId));
    assert.strictEqual(item.label, 'a-2 of lines.jsonl:2 (async)');
    assert.match(item.description!, /^async · /);

    const dest = path.join(workspaceDir(), 'async', 'lines.async-a-2.results.jsonl');
    const text = await waitFor('the result beside the file', () => fs.readFile(dest, 'utf8').catch(() => undefined), 60_000);
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.strictEqual(rows.length, 1);
    assert.deepStrictEqual([rows[0].custom_id, rows[0].input_line, rows[0].status], ['a-2', 2, 'succeeded']);
    assert.strictEqual(rows[0].response.body.choices[0].message.content, 'Forty-two');
    await waitFor('the result open beside', () =>
      vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => (t.input as { uri?: vscode.Uri })?.uri?.fsPath === dest)),
    );
    assert.strictEqual((await batchItem(outcome.batchId))?.label, 'a-2 of lines.jsonl:2 (async)', 'still named after its line');

    // Sent again: the earlier result stays, the new one gets the next name.
    const again = await send(uri, 1);
    assert.strictEqual(again.status, 'queued');
    const second = path.join(workspaceDir(), 'async', 'lines.async-a-2-2.results.jsonl');
    await waitFor(
      'the second result',
      () =>
        fs.stat(second).then(
          () => true,
          () => false,
        ),
      60_000,
    );
    assert.strictEqual(await fs.readFile(dest, 'utf8'), text);
  });

  it('delivers a result whose batch ended while nothing watched it, once it is followed again (a restart)', async () => {
    const uri = await writeWorkspaceFile('async/unwatched.jsonl', [requestLine('u-1', 'Unwatched [[answer:Still here]]')]);
    await vscode.workspace.openTextDocument(uri); // validated; no editor needed (showing one failed once in CI)
    const outcome = await send(uri, 0);
    assert.strictEqual(outcome.status, 'queued', JSON.stringify(outcome));
    if (outcome.status !== 'queued') return;
    // Nothing watches it: without a key the poller stops and the Batches model is dropped, as when VS Code is closed.
    await vscode.commands.executeCommand(Commands.clearApiKey);
    await waitFor('the batch to complete unwatched', () => session.emulator.state.batch(outcome.batchId)?.status === 'completed', 30_000);
    const dest = path.join(workspaceDir(), 'async', 'unwatched.async-u-1.results.jsonl');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.strictEqual(
      await fs.stat(dest).then(
        () => true,
        () => false,
      ),
      false,
      'not delivered while nothing watched',
    );
    // Followed again as after a restart: the model starts empty, the pending request is looked up from workspaceState.
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, session.emulator.apiKey), { status: 'saved' });
    const text = await waitFor('the result beside the file', () => fs.readFile(dest, 'utf8').catch(() => undefined), 60_000);
    const row = JSON.parse(text.trim());
    assert.deepStrictEqual([row.custom_id, row.input_line, row.status], ['u-1', 1, 'succeeded']);
    assert.strictEqual(row.response.body.choices[0].message.content, 'Still here');
  });

  it('refuses a line with errors, sending nothing', async () => {
    const uri = await writeWorkspaceFile('async/broken.jsonl', [requestLine('b-1', 'hi', { temperature: 9 })]);
    await vscode.window.showTextDocument(uri);
    await waitFor('the validator', () => vscode.languages.getDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error));
    const before = session.emulator.state.requests.length;
    const outcome = await send(uri, 0);
    assert.strictEqual(outcome.status, 'failed');
    assert.strictEqual(session.emulator.state.requests.length, before);
  });

  it('refuses a line with errors when the editor has not checked it (validation off), sending nothing', async () => {
    const config = vscode.workspace.getConfiguration('kluster');
    await config.update('validation.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const uri = await writeWorkspaceFile('async/unchecked.jsonl', [requestLine('c-1', 'hi', { temperature: 9 })]);
      await vscode.workspace.openTextDocument(uri);
      const before = session.emulator.state.requests.length;
      const outcome = await send(uri, 0);
      assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
      assert.match(
        outcome.status === 'failed' ? outcome.message : '',
        /^unchecked\.jsonl:1 has an error; nothing was sent\. .*temperature/,
      );
      assert.strictEqual(session.emulator.state.requests.length, before);
    } finally {
      await config.update('validation.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses a line of an untitled file (its result has no file to open beside), sending nothing', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'jsonl', content: requestLine('t-1', 'hi') + '\n' });
    await vscode.window.showTextDocument(document);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(0, 1, 0, 1),
    );
    assert.ok(!(actions ?? []).some((a) => a.title === 'Send Request Line Async'), 'not offered where it cannot deliver');
    const before = session.emulator.state.requests.length;
    const outcome = await send(document.uri, 0);
    assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
    assert.match(
      outcome.status === 'failed' ? outcome.message : '',
      /^Save Untitled-\d+ first: the result of an async request is written beside its file\.$/,
    );
    assert.strictEqual(session.emulator.state.requests.length, before);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
