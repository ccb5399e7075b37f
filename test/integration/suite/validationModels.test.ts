import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SubmitOutcome } from '../../../src/batches/submit';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import { startEmulator, type Emulator } from '../../../src/emulator';
import { requestLine, waitFor } from '../batchesFixture';

// The `unknownModel` warning follows the model list of the base URL in use: lists are cached per base URL, so an
// emulator's models never count as production's, and a change of base URL or key fetches again.

const MODEL_A = 'acme/only-on-emulator-a';
const MODEL_B = 'acme/only-on-emulator-b';
const UNREACHABLE = 'http://127.0.0.1:9/v1';

const requestTo = (id: string, model: string): string => requestLine(id, 'Hi', { model });

/** Lines (0-based) that carry a kluster.unknownModel warning. */
function unknownModelLines(document: vscode.TextDocument): number[] {
  return vscode.languages
    .getDiagnostics(document.uri)
    .filter((d) => d.source === 'kluster.ai' && d.code === 'kluster.unknownModel')
    .map((d) => d.range.start.line)
    .sort();
}

async function waitForUnknown(document: vscode.TextDocument, lines: number[], what: string): Promise<void> {
  await waitFor(
    `${what}: unknownModel on lines ${JSON.stringify(lines)}`,
    () => JSON.stringify(unknownModelLines(document)) === JSON.stringify(lines),
    20_000,
    () => unknownModelLines(document),
  );
}

const modelListRequests = (emulator: Emulator) => emulator.state.requests.filter((r) => r.method === 'GET' && r.path === '/v1/models');

async function setBaseUrl(url: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('kluster').update('baseUrl', url, vscode.ConfigurationTarget.Global);
}

describe('Model list for validation, kept per base URL', function () {
  this.timeout(90_000);
  let a: Emulator;
  let b: Emulator;
  let document: vscode.TextDocument;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    a = await startEmulator({ extraModels: [MODEL_A] });
    b = await startEmulator({ extraModels: [MODEL_B] });
    assert.strictEqual(a.apiKey, b.apiKey, 'one key serves both, so only the base URL changes');
    const dir = fs.mkdtempSync(path.join(process.env.KLUSTER_TEST_WORKSPACE ?? os.tmpdir(), 'models-'));
    const file = path.join(dir, 'models.jsonl');
    fs.writeFileSync(
      file,
      [requestTo('on-a', MODEL_A), requestTo('on-b', MODEL_B), requestTo('documented', 'deepseek-ai/DeepSeek-V3')].join('\n') + '\n',
    );
    document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(Commands.clearApiKey);
    await setBaseUrl(undefined);
    await a?.close();
    await b?.close();
  });

  it('uses the list of the emulator in use, and the documented list where nothing was fetched', async () => {
    await setBaseUrl(a.url);
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, a.apiKey), { status: 'saved' });
    await waitForUnknown(document, [1], 'on emulator A');
    assert.ok(modelListRequests(a).length > 0, 'A was asked for its models');

    await setBaseUrl(b.url);
    await waitForUnknown(document, [0], 'on emulator B');
    assert.ok(modelListRequests(b).length > 0, 'B was asked for its models');

    // Nothing was ever fetched from this base URL: neither emulator's extra model counts there.
    await setBaseUrl(UNREACHABLE);
    await waitForUnknown(document, [0, 1], 'on an unreachable base URL');
  });

  it("switches back to a base URL's cached list at once, even when that API fails", async () => {
    const asked = modelListRequests(a).length;
    a.faults.next({ kind: 'server_error', path: '/v1/models', times: 10 });
    await setBaseUrl(a.url);
    await waitForUnknown(document, [1], 'back on emulator A');
    await waitFor('the catalog to ask A again (one try, two retries)', () => modelListRequests(a).length >= asked + 3, 20_000);
    assert.ok(
      modelListRequests(a)
        .slice(asked)
        .every((r) => r.status === 500),
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(unknownModelLines(document), [1], 'the failure kept the cached list for A');
    a.faults.clear();
  });

  it("checks a submitted file against the same list as the editor: the base URL's, not only the documented one", async () => {
    await waitForUnknown(document, [1], 'on emulator A');
    const outcome = await vscode.commands.executeCommand<SubmitOutcome>(Commands.submitBatch, document.uri, { confirm: false });
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    // The documented list alone would count both acme models; A lists MODEL_A, so only line 2 warns, as in the editor.
    assert.strictEqual(outcome.status === 'submitted' && outcome.warnings, 1);
    assert.strictEqual(a.state.batches.list().length, 1, 'the batch went to emulator A');
  });

  it('fetches again when the key changes', async () => {
    a.state.store.extraModels.push(MODEL_B);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(unknownModelLines(document), [1], 'no fetch without a change');
    await vscode.commands.executeCommand(Commands.clearApiKey);
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, a.apiKey), { status: 'saved' });
    await waitForUnknown(document, [], 'after the key was set again');
  });
});
