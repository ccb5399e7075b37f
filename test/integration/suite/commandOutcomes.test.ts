// The outcomes commands resolve to when they cannot do what was asked, one shape for all (src/commands.ts).
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ErrorLineOutcome, RevealInputOutcome } from '../../../src/batches/commands';
import type { CopyOutcome, LoadMoreOutcome, RefreshOutcome } from '../../../src/commands';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import { REMOTE_FILE_SCHEME } from '../../../src/files/remoteFiles';
import { batchItem, emulatorSuite, files, requestLine, waitFor, workspaceDir, writeWorkspaceFile } from '../batchesFixture';

const TIMING = { validatingMs: 100, inProgressMs: 200, finalizingMs: 100, cancellingMs: 100 };

describe('Command outcomes', function () {
  this.timeout(120_000);
  const session = emulatorSuite({ timing: TIMING });

  const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args).then((o) => o!);

  /** A batch made by another tool from `lines`; `inputFile` goes into its metadata as the editor would write it. */
  async function batchOf(lines: string[], inputFile?: string): Promise<string> {
    const upload = path.join(os.tmpdir(), `outcomes-${Date.now()}.jsonl`);
    await fs.writeFile(upload, lines.join('\n') + '\n');
    const file = await session.client.uploadFile(upload, { filename: inputFile ? path.basename(inputFile) : 'elsewhere.jsonl' });
    const batch = await session.client.createBatch({ inputFileId: file.id, metadata: inputFile ? { input_file: inputFile } : {} });
    return batch.id;
  }

  it('the Files view without a key: Set API Key in its place, Refresh says noKey, Load More fails naming the key', async () => {
    await run(Commands.clearApiKey);
    try {
      assert.deepStrictEqual(await run(Commands.apiKeyStatus), { source: 'none' });
      assert.deepStrictEqual(await run<RefreshOutcome>(Commands.refreshFiles), { status: 'noKey' });
      assert.deepStrictEqual(await run<RefreshOutcome>(Commands.refreshBatches), { status: 'noKey' });
      assert.deepStrictEqual(await run<RefreshOutcome>(Commands.refreshFineTuning), { status: 'noKey' });
      assert.deepStrictEqual(await files(), [], 'no items: the view shows its welcome instead');
      // What the view shows in their place while `kluster.hasApiKey` is false (and no demo server runs): Set API Key.
      const welcome = (
        vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.viewsWelcome as Record<string, string>[]
      ).filter((w) => w.view === 'kluster.files' && /^!kluster\.hasApiKey\b/.test(w.when ?? ''));
      assert.strictEqual(welcome.length, 1);
      assert.match(welcome[0]!.contents!, /\[Set API Key\]\(command:kluster\.setApiKey\)/);

      for (const command of [Commands.loadMoreFiles, Commands.loadMoreFineTuning]) {
        const more = await run<LoadMoreOutcome>(command);
        assert.strictEqual(more.status, 'failed', command);
        assert.match((more as { message: string }).message, /No kluster\.ai API key is set/, command);
      }
    } finally {
      assert.deepStrictEqual(await run(Commands.setApiKey, session.emulator.apiKey), { status: 'saved' });
    }
    await session.client.uploadFile((await writeWorkspaceFile('outcomes/listed.jsonl', [requestLine('l', 'listed')])).fsPath);
    const refreshed = await run<RefreshOutcome>(Commands.refreshFiles);
    const listed = (await files()).filter((i) => i.contextValue?.startsWith('file:'));
    assert.ok(listed.length > 0, 'the Files view lists once the key is set');
    assert.deepStrictEqual(refreshed, { status: 'refreshed', count: listed.length });
  });

  it('Refresh of every view fails with the reason when the service cannot be reached; Load More at the end adds 0', async () => {
    for (const command of [Commands.loadMoreFiles, Commands.loadMoreFineTuning]) {
      assert.deepStrictEqual(await run<LoadMoreOutcome>(command), { status: 'loaded', added: 0 }, `${command}: at the end of the list`);
    }
    const config = vscode.workspace.getConfiguration('kluster');
    await config.update('baseUrl', 'http://127.0.0.1:9/v1', vscode.ConfigurationTarget.Global);
    try {
      for (const command of [Commands.refreshBatches, Commands.refreshFiles, Commands.refreshFineTuning]) {
        const outcome = await run<RefreshOutcome>(command);
        assert.strictEqual(outcome.status, 'failed', command);
        assert.match((outcome as { message: string }).message, /127\.0\.0\.1:9/, command);
      }
    } finally {
      await config.update('baseUrl', session.emulator.url, vscode.ConfigurationTarget.Global);
    }
    assert.strictEqual((await run<RefreshOutcome>(Commands.refreshBatches)).status, 'refreshed');
    assert.deepStrictEqual(await run<RefreshOutcome>(Commands.refreshFineTuning), { status: 'refreshed', count: 0 });
  });

  it('Reveal Input File: the local file, or noInput (opening the remote copy only when asked to), or failed', async () => {
    const local = await writeWorkspaceFile('outcomes/reveal.jsonl', [requestLine('r', 'reveal')]);
    const known = await batchOf([requestLine('r', 'reveal')], 'outcomes/reveal.jsonl');
    assert.deepStrictEqual(await run<RevealInputOutcome>(Commands.revealInputFile, known), { status: 'revealed', path: local.fsPath });
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, local.fsPath);

    const elsewhere = await batchOf([requestLine('e', 'elsewhere')]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.deepStrictEqual(await run<RevealInputOutcome>(Commands.revealInputFile, elsewhere, { openRemote: false }), {
      status: 'noInput',
      openedRemote: false,
    });
    assert.strictEqual(vscode.window.activeTextEditor, undefined, 'nothing was opened');
    assert.deepStrictEqual(await run<RevealInputOutcome>(Commands.revealInputFile, elsewhere, { openRemote: true }), {
      status: 'noInput',
      openedRemote: true,
    });
    await waitFor('the remote input to open', () => vscode.window.activeTextEditor?.document.uri.scheme === REMOTE_FILE_SCHEME);

    assert.deepStrictEqual(await run<RevealInputOutcome>(Commands.revealInputFile), { status: 'cancelled' });
    const gone = await run<RevealInputOutcome>(Commands.revealInputFile, 'batch_no_such_batch');
    assert.strictEqual(gone.status, 'failed');
    assert.match((gone as { message: string }).message, /not found|404|No such/i);
  });

  it('Open Error Line: the line, noInput once the input file is gone, noLine for what is not known', async () => {
    const lines = [
      requestLine('ok', 'fine'),
      JSON.stringify({ custom_id: 'bad', method: 'GET', url: '/v1/chat/completions', body: { model: 'm', messages: [] } }),
    ];
    const input = await writeWorkspaceFile('outcomes/rejected.jsonl', lines);
    const id = await batchOf(lines, 'outcomes/rejected.jsonl');
    assert.strictEqual((await run<RefreshOutcome>(Commands.refreshBatches)).status, 'refreshed');
    const failed = await waitFor('the batch to fail', async () => {
      const item = await batchItem(id);
      return item?.contextValue === 'batch:failed' ? item : undefined;
    });
    const entry = failed.children!.find((c) => c.contextValue?.startsWith('batchError'))!;
    const args = entry.command!.arguments ?? [];
    assert.deepStrictEqual(await run<ErrorLineOutcome>(Commands.openBatchErrorLine, ...args), {
      status: 'opened',
      path: input.fsPath,
      line: 2,
    });

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fs.rm(input.fsPath);
    assert.deepStrictEqual(await run<ErrorLineOutcome>(Commands.openBatchErrorLine, ...args), {
      status: 'noInput',
      path: path.join(workspaceDir(), 'outcomes', 'rejected.jsonl'),
    });
    assert.deepStrictEqual(await run<ErrorLineOutcome>(Commands.openBatchErrorLine, id, 99), { status: 'noLine' });
    assert.deepStrictEqual(await run<ErrorLineOutcome>(Commands.openBatchErrorLine, 'batch_not_listed', 0), { status: 'noLine' });
  });

  it('Copy Id: what went to the clipboard, or cancelled when nothing was named', async () => {
    const id = await batchOf([requestLine('c', 'copy')]);
    // As the context menu passes it: the batch's node.
    assert.deepStrictEqual(await run<CopyOutcome>(Commands.copyBatchId, { kind: 'batch', batchId: id }), { status: 'copied', id });
    assert.strictEqual(await vscode.env.clipboard.readText(), id);
    assert.deepStrictEqual(await run<CopyOutcome>(Commands.copyFileId), { status: 'cancelled' });
    assert.strictEqual(await vscode.env.clipboard.readText(), id, 'the clipboard is left alone');
    assert.deepStrictEqual(await run<CopyOutcome>(Commands.copyFineTuningJobId, { kind: 'job', jobId: 'ftjob-copy' }), {
      status: 'copied',
      id: 'ftjob-copy',
    });
    assert.strictEqual(await vscode.env.clipboard.readText(), 'ftjob-copy');
    assert.deepStrictEqual(await run<CopyOutcome>(Commands.copyFineTuningJobId), { status: 'cancelled' });
  });
});
