import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import type { ErrorLineOutcome } from '../../../src/batches/commands';
import type { SubmitOutcome } from '../../../src/batches/submit';
import type { RefreshOutcome } from '../../../src/commands';
import type { DownloadOutcome, OpenFileOutcome } from '../../../src/files/commands';
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

const TIMING = { validatingMs: 200, inProgressMs: 300, finalizingMs: 100, cancellingMs: 100 };

describe('Batches: errors from the service, pagination, files, failures', function () {
  this.timeout(120_000);
  const session = emulatorSuite({ timing: TIMING, limits: { maxFileBytes: 64 * 1024 } });

  const refresh = async () => (await vscode.commands.executeCommand<RefreshOutcome>(Commands.refreshBatches))?.status;

  it('lists a batch the service failed, with its errors, and jumps to the line each names', async () => {
    // Submitted by another tool: the service rejects line 2, which names the workspace file in metadata.
    const lines = [
      requestLine('ok', 'fine'),
      JSON.stringify({
        custom_id: 'bad',
        method: 'GET',
        url: '/v1/chat/completions',
        body: { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      }),
    ];
    await writeWorkspaceFile('other-tool.jsonl', lines);
    const upload = path.join(os.tmpdir(), `other-tool-${Date.now()}.jsonl`);
    await fs.writeFile(upload, lines.join('\n') + '\n');
    const file = await session.client.uploadFile(upload, { filename: 'other-tool.jsonl' });
    const created = await session.client.createBatch({ inputFileId: file.id, metadata: { input_file: 'other-tool.jsonl' } });
    assert.strictEqual(await refresh(), 'refreshed');

    const failed = await waitFor('the batch to fail', async () => {
      const item = await batchItem(created.id);
      return item?.contextValue === 'batch:failed' ? item : undefined;
    });
    assert.strictEqual(failed.label, 'other-tool.jsonl', 'labelled from the metadata');
    assert.strictEqual(failed.icon, 'error');
    const entries = failed.children!.filter((c) => c.contextValue?.startsWith('batchError'));
    assert.strictEqual(entries.length, 1);
    assert.match(entries[0]!.label, /^Line 2: .*method/);
    assert.strictEqual(entries[0]!.command?.command, Commands.openBatchErrorLine);

    const jumped = await vscode.commands.executeCommand<ErrorLineOutcome>(
      entries[0]!.command!.command,
      ...(entries[0]!.command!.arguments ?? []),
    );
    assert.deepStrictEqual(jumped, { status: 'opened', path: path.join(workspaceDir(), 'other-tool.jsonl'), line: 2 });
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(path.basename(editor.document.uri.fsPath), 'other-tool.jsonl');
    assert.strictEqual(editor.selection.start.line, 1, 'the cursor is on line 2');

    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.showBatchErrors, created.id), { status: 'problems' });
    const problems = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'kluster.ai batch');
    assert.deepStrictEqual(
      problems.map((d) => d.range.start.line),
      [1],
    );
  });

  it('clears the errors "Show Errors" put in Problems when the file is edited or submitted again', async () => {
    // The service saw a bad line 2 (uploaded by another tool); the workspace file is already fixed.
    const good = [requestLine('one', 'fine'), requestLine('two', 'fixed')];
    const uri = await writeWorkspaceFile('fixed-later.jsonl', good);
    const upload = path.join(os.tmpdir(), `fixed-later-${Date.now()}.jsonl`);
    await fs.writeFile(
      upload,
      [
        good[0],
        JSON.stringify({
          custom_id: 'two',
          method: 'GET',
          url: '/v1/chat/completions',
          body: { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        }),
      ].join('\n') + '\n',
    );
    const file = await session.client.uploadFile(upload, { filename: 'fixed-later.jsonl' });
    const created = await session.client.createBatch({ inputFileId: file.id, metadata: { input_file: 'fixed-later.jsonl' } });
    assert.strictEqual(await refresh(), 'refreshed');
    await waitFor('the batch to fail', async () => (await batchItem(created.id))?.contextValue === 'batch:failed');
    const batchProblems = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kluster.ai batch');

    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.showBatchErrors, created.id), { status: 'problems' });
    assert.deepStrictEqual(
      batchProblems().map((d) => d.range.start.line),
      [1],
    );
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), ' ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the edit to clear them', () => batchProblems().length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');

    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.showBatchErrors, created.id), { status: 'problems' });
    assert.strictEqual(batchProblems().length, 1, 'shown again');
    const resubmitted = await vscode.commands.executeCommand<SubmitOutcome>(Commands.submitBatch, uri, { confirm: false });
    assert.strictEqual(resubmitted?.status, 'submitted', JSON.stringify(resubmitted));
    assert.deepStrictEqual(batchProblems(), [], "submitting the file again clears the old batch's errors");
  });

  it('shows files with size, purpose and date; opens one read-only, downloads and deletes it', async () => {
    const listed = await files();
    const item = listed.find((i) => i.label === 'other-tool.jsonl');
    assert.ok(item, `files: ${listed.map((i) => i.label).join(', ')}`);
    assert.match(item.description!, /^\d+ B · batch · \d{4}-\d{2}-\d{2}$/);
    assert.strictEqual(item.contextValue, 'file:batch');
    const fileId = item.command!.arguments![0] as string;

    const opened = await vscode.commands.executeCommand<OpenFileOutcome>(Commands.openRemoteFile, fileId);
    assert.ok(opened.status === 'opened' && opened.uri.startsWith('kluster-file:'), JSON.stringify(opened));
    const document = vscode.window.activeTextEditor!.document;
    assert.strictEqual(document.uri.scheme, 'kluster-file');
    assert.match(document.getText(), /"custom_id":"bad"/);

    const dest = path.join(workspaceDir(), 'downloaded.jsonl');
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.downloadFile, fileId, { destination: dest }), {
      status: 'downloaded',
      path: dest,
    });
    assert.strictEqual(await fs.readFile(dest, 'utf8'), document.getText());
    // No silent overwrite: it asks (the test workbench refuses the dialog, so the command fails) and keeps the file.
    await fs.writeFile(dest, 'mine');
    const again = await vscode.commands.executeCommand<DownloadOutcome>(Commands.downloadFile, fileId, { destination: dest });
    assert.ok(again.status === 'failed' && /downloaded\.jsonl already exists\. Replace it\?/.test(again.message), JSON.stringify(again));
    assert.strictEqual(await fs.readFile(dest, 'utf8'), 'mine');

    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.deleteFile, fileId, { confirm: false }), {
      status: 'deleted',
      id: fileId,
    });
    assert.ok(!session.emulator.state.store.files.has(fileId));
    assert.ok(!(await files()).some((i) => i.command?.arguments?.[0] === fileId));
  });

  it('pages batches with "Load more…" after has_more', async () => {
    const upload = path.join(os.tmpdir(), `page-${Date.now()}.jsonl`);
    await fs.writeFile(upload, requestLine('p', 'page') + '\n');
    const file = await session.client.uploadFile(upload);
    for (let i = 0; i < 22; i++) await session.client.createBatch({ inputFileId: file.id });
    assert.strictEqual(await refresh(), 'refreshed');
    const first = await snapshot();
    const total = session.emulator.state.batches.list().length;
    assert.ok(total > 20);
    assert.strictEqual(first.items.filter((i) => i.contextValue?.startsWith('batch:')).length, 20);
    const more = first.items.at(-1)!;
    assert.strictEqual(more.label, 'Load more…');
    assert.strictEqual(more.command?.command, Commands.loadMoreBatches);
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.loadMoreBatches), { status: 'loaded', added: total - 20 });
    const all = await snapshot();
    assert.strictEqual(all.items.filter((i) => i.contextValue?.startsWith('batch:')).length, total);
    assert.ok(!all.items.some((i) => i.label === 'Load more…'), 'no "Load more…" once has_more is false');

    // A refresh keeps what was paged in: as many as shown, with one made elsewhere meanwhile at the top.
    const newer = await session.client.createBatch({ inputFileId: file.id });
    const listsBefore = session.emulator.state.requests.filter((r) => r.method === 'GET' && r.path === '/v1/batches').length;
    assert.strictEqual(await refresh(), 'refreshed');
    const refreshed = await snapshot();
    const ids = refreshed.items.filter((i) => i.contextValue?.startsWith('batch:')).map((i) => i.id);
    assert.strictEqual(ids.length, total, 'the batches paged in are still there');
    assert.strictEqual(ids[0], `batch:${newer.id}`);
    assert.strictEqual(refreshed.items.at(-1)?.label, 'Load more…', 'the one pushed out waits behind "Load more…"');
    const lists = session.emulator.state.requests.filter((r) => r.method === 'GET' && r.path === '/v1/batches').length - listsBefore;
    assert.strictEqual(lists, 1, 'one list request of that size');
  });

  it('keeps the views as they are when a setting other than the base URL changes', async () => {
    // Settled first: a batch finishing would refresh the Files view by itself.
    await waitFor('nothing running', async () => !(await snapshot()).polling);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the Files view refetches once a batch ends
    const shown = (await snapshot()).items.map((i) => i.id);
    assert.ok(shown.length > 20, 'pages brought in with "Load more…" are shown');
    const filesShown = (await files()).map((i) => i.label);
    const accountRequests = () =>
      session.emulator.state.requests
        .filter((r) => r.method === 'GET' && ['/v1/batches', '/v1/files', '/v1/models'].includes(r.path))
        .map((r) => r.path);
    const before = accountRequests().length;
    const config = vscode.workspace.getConfiguration('kluster');
    try {
      await config.update('tier', 'free', vscode.ConfigurationTarget.Global);
      await config.update('validation.enabled', false, vscode.ConfigurationTarget.Global);
      await config.update('batch.completionWindow', '1h', vscode.ConfigurationTarget.Global);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepStrictEqual(
        (await snapshot()).items.map((i) => i.id),
        shown,
        'the paged-in batches stay',
      );
      assert.deepStrictEqual(
        (await files()).map((i) => i.label),
        filesShown,
      );
      assert.deepStrictEqual(accountRequests().slice(before), [], 'no list request for batches, files or models reached the service');
    } finally {
      for (const key of ['tier', 'validation.enabled', 'batch.completionWindow'])
        await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('stops polling a running batch the service answers 404 for, and takes it out of the view', async () => {
    const outcome = await submit(await writeWorkspaceFile('vanishing.jsonl', [requestLine('v', 'vanish')]));
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    const path404 = `/v1/batches/${outcome.batchId}`;
    session.emulator.faults.next({ kind: 'server_error', status: 404, method: 'GET', path: path404, times: 1000 });
    try {
      assert.ok(await batchItem(outcome.batchId), 'shown while running');
      await waitFor('the batch to leave the view', async () => !(await batchItem(outcome.batchId)));
      const polls = () => session.emulator.state.requests.filter((r) => r.method === 'GET' && r.path === path404).length;
      assert.strictEqual(polls(), 1, 'one poll found it gone');
      await new Promise((resolve) => setTimeout(resolve, 7000)); // longer than the next two poll delays
      assert.strictEqual(polls(), 1, 'never polled again');
      assert.strictEqual((await snapshot()).polling, false);
    } finally {
      session.emulator.faults.clear();
    }
  });

  it("a Refresh still waiting when the key is removed says noKey, not the removed key's failure", async () => {
    const listing = (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/v1/batches';
    session.emulator.faults.next({ kind: 'rate_limit', path: /^\/v1\/batches$/, method: 'GET', times: 3, retryAfterSeconds: 1 });
    const seen = session.emulator.state.requests.length;
    const pending = vscode.commands.executeCommand<RefreshOutcome>(Commands.refreshBatches);
    try {
      await waitFor('the listing to be rate-limited', () => session.emulator.state.requests.slice(seen).some(listing));
      await vscode.commands.executeCommand(Commands.clearApiKey);
      assert.deepStrictEqual(await pending, { status: 'noKey' }, 'the failure belonged to the removed key');
    } finally {
      session.emulator.faults.clear();
      assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, session.emulator.apiKey), { status: 'saved' });
    }
    assert.strictEqual(await refresh(), 'refreshed');
  });

  it('says what to do when the file is too large, the service rate-limits or is offline', async () => {
    const big = await writeWorkspaceFile(
      'big.jsonl',
      Array.from({ length: 400 }, (_, i) => requestLine(`b${i}`, 'x'.repeat(200))),
    );
    const tooLarge = await submit(big);
    assert.strictEqual(tooLarge.status, 'failed');
    // This emulator's limit is 64 KB: the message gives the service's number, not a second one of ours.
    assert.match((tooLarge as { message: string }).message, /too large \(413\): File too large: the limit is 0\.063 MB per file\. Split/i);
    assert.doesNotMatch((tooLarge as { message: string }).message, /100 MB/);

    // A create request cut off before its answer may have made the batch all the same: keep its upload, and
    // say so instead of offering a Retry that could make a second batch.
    const filesBefore = session.emulator.state.store.files.size;
    session.emulator.faults.next({ kind: 'drop', path: /^\/v1\/batches$/, method: 'POST', afterBytes: 0, times: 3 });
    const cut = await submit(await writeWorkspaceFile('cut.jsonl', [requestLine('c', 'cut off')]));
    assert.strictEqual(cut.status, 'failed');
    assert.match((cut as { message: string }).message, /A batch may have been created all the same: refresh the Batches view/);
    assert.strictEqual(session.emulator.state.store.files.size, filesBefore + 1, 'the upload it may use is kept');

    session.emulator.faults.next({ kind: 'rate_limit', path: '/v1/files', method: 'POST', times: 5, retryAfterSeconds: 0 });
    const limited = await submit(await writeWorkspaceFile('small.jsonl', [requestLine('s', 'small')]));
    assert.strictEqual(limited.status, 'failed');
    assert.match((limited as { message: string }).message, /Rate limited.*try again/i);
    session.emulator.faults.clear();

    const config = vscode.workspace.getConfiguration('kluster');
    await config.update('baseUrl', 'http://127.0.0.1:9/v1', vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual(await refresh(), 'failed');
      const offline = (await snapshot()).items;
      assert.strictEqual(offline.length, 1);
      assert.strictEqual(offline[0]!.label, 'Could not load batches. Click to retry.');
      assert.match(offline[0]!.tooltip!, /Could not reach 127\.0\.0\.1:9/);
    } finally {
      await config.update('baseUrl', session.emulator.url, vscode.ConfigurationTarget.Global);
    }
  });

  it('asks for a key when none is set, and offers a new one when the key is refused', async () => {
    await vscode.commands.executeCommand(Commands.clearApiKey);
    const small = await writeWorkspaceFile('nokey.jsonl', [requestLine('n', 'no key')]);
    const noKey = await submit(small);
    assert.strictEqual(noKey.status, 'failed');
    assert.match((noKey as { message: string }).message, /No kluster\.ai API key is set/);
    assert.deepStrictEqual((await snapshot()).items, [], 'the "set a key" welcome shows instead of items');
    assert.deepStrictEqual(await files(), [], 'in the Files view too');

    await vscode.commands.executeCommand(Commands.setApiKey, 'wrong-key');
    assert.strictEqual(await refresh(), 'failed');
    assert.strictEqual((await vscode.commands.executeCommand<RefreshOutcome>(Commands.refreshFiles))?.status, 'failed');
    // Both views build the node from the same remedy: Set API Key, not Retry.
    for (const [view, items] of [
      ['Batches', (await snapshot()).items],
      ['Files', await files()],
    ] as const) {
      assert.strictEqual(items.length, 1, view);
      assert.strictEqual(items[0]?.label, 'The API key was refused. Click to set a new one.', view);
      assert.strictEqual(items[0]?.command?.command, Commands.setApiKey, view);
      assert.match(items[0]?.tooltip ?? '', /API key was refused \(401/, view);
    }
    await vscode.commands.executeCommand(Commands.setApiKey, session.emulator.apiKey);
    assert.strictEqual(await refresh(), 'refreshed');
    assert.ok((await snapshot()).items.length > 0);
    assert.ok((await files()).length > 0, 'the Files view lists again');
  });
});
