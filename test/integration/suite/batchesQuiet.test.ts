// A fresh account: the empty welcome, no requests while the view is hidden, input files found by folder.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands, ContextKeys, EXTENSION_ID, Views } from '../../../src/constants';
import type { ResultsOutcome } from '../../../src/batches/results';
import type { RefreshOutcome } from '../../../src/commands';
import { emulatorSuite, files, listingRequests, requestLine, snapshot, waitFor, workspaceDir, writeWorkspaceFile } from '../batchesFixture';

const TIMING = { validatingMs: 100, inProgressMs: 300, finalizingMs: 100, cancellingMs: 100 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Another view container in front, so the kluster.ai views are hidden. */
const hideViews = async () => {
  await vscode.commands.executeCommand('workbench.view.explorer');
  await sleep(500);
};

describe('Batches: an empty account, a hidden view, inputs across folders', function () {
  this.timeout(120_000);
  // Hidden before the key is set: a visible view would list as soon as the key changes.
  const session = emulatorSuite({ timing: TIMING }, hideViews);
  const waitTerminal = (id: string) =>
    waitFor(`batch ${id} to end`, () => ['completed', 'failed', 'cancelled', 'expired'].includes(session.emulator.state.batch(id)!.status));

  it('asks nothing while hidden, lists once shown, and shows the empty-account welcome', async () => {
    await sleep(4000);
    assert.deepStrictEqual(listingRequests(session.emulator), [], 'a hidden view that was never shown with this key lists nothing');

    await vscode.commands.executeCommand(`${Views.batches}.focus`);
    await waitFor('the shown view to list batches', () => listingRequests(session.emulator).includes('GET /v1/batches'));
    const empty = await snapshot();
    assert.deepStrictEqual(empty.items, [], 'no items, so the welcome content shows');
    assert.strictEqual(empty.empty, true, `${ContextKeys.batchesEmpty} is set`);
    assert.deepStrictEqual(await files(), []);

    // The welcome the context key switches on is the empty-account one, with a Submit button.
    const welcome = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.viewsWelcome as {
      view: string;
      contents: string;
      when: string;
    }[];
    const shown = welcome.filter(
      (w) =>
        w.view === Views.batches &&
        w.when
          .split('&&')
          .map((t) => t.trim())
          .includes(ContextKeys.batchesEmpty),
    );
    assert.strictEqual(shown.length, 1);
    assert.match(shown[0]!.contents, /No batches in this kluster\.ai account yet/);
    assert.ok(shown[0]!.contents.includes(`(command:${Commands.submitBatch})`));
  });

  it('makes zero requests while the view is hidden and every batch is terminal', async () => {
    const uri = await writeWorkspaceFile('quiet.jsonl', [requestLine('q', 'quiet')]);
    const file = await session.client.uploadFile(uri.fsPath);
    const created = await session.client.createBatch({ inputFileId: file.id });
    await waitTerminal(created.id);
    assert.strictEqual((await vscode.commands.executeCommand<RefreshOutcome>(Commands.refreshBatches))?.status, 'refreshed');
    const listed = await snapshot();
    assert.strictEqual(listed.items[0]?.id, `batch:${created.id}`);
    assert.strictEqual(listed.empty, false, 'the welcome goes once a batch exists');
    assert.strictEqual(listed.polling, false);

    await hideViews();
    const before = listingRequests(session.emulator).length;
    await sleep(7000); // longer than the poller's first two delays (3 s, 6 s)
    assert.deepStrictEqual(listingRequests(session.emulator).slice(before), [], 'no requests while hidden with nothing running');
  });

  it('finds the input in the folder the metadata names, falls back to the open folders, and never leaves them', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    const ids = ['m-1', 'm-2', 'm-3'];
    const uri = await writeWorkspaceFile(
      'multi/x.jsonl',
      ids.map((id) => requestLine(id, id)),
    );
    const file = await session.client.uploadFile(uri.fsPath);
    const create = (metadata: Record<string, string>) => session.client.createBatch({ inputFileId: file.id, metadata }).then((b) => b.id);
    const named = await create({ input_file: 'multi/x.jsonl', input_folder: folder.name });
    const otherFolder = await create({ input_file: 'multi/x.jsonl', input_folder: 'a-folder-not-open-here' });
    const escaping = await create({ input_file: '../x.jsonl', input_folder: folder.name });
    for (const id of [named, otherFolder, escaping]) await waitTerminal(id);
    assert.strictEqual((await vscode.commands.executeCommand<RefreshOutcome>(Commands.refreshBatches))?.status, 'refreshed');

    const { inputFiles } = await snapshot();
    assert.strictEqual(inputFiles[named], uri.fsPath);
    assert.strictEqual(inputFiles[otherFolder], uri.fsPath, 'falls back to the folders that are open');
    assert.strictEqual(inputFiles[escaping], null, 'a path leaving the folder is not followed');

    const written = (await vscode.commands.executeCommand<ResultsOutcome>(Commands.openResults, otherFolder, { confirm: false }))!;
    assert.strictEqual(written.status, 'written', JSON.stringify(written));
    if (written.status !== 'written') return;
    assert.strictEqual(written.path, path.join(workspaceDir(), 'multi', 'x.results.jsonl'));
    const joined = (await fs.readFile(written.path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).custom_id);
    assert.deepStrictEqual(joined, ids);
    const refused = (await vscode.commands.executeCommand<ResultsOutcome>(Commands.openResults, escaping, { confirm: false }))!;
    assert.strictEqual(refused.status, 'noInput');
  });
});
