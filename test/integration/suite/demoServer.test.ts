// Demo mode: the emulator runs inside the extension host and this window talks to it instead of the configured
// service. The "configured service" here is a second emulator, so the test can count that it is never contacted.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import type { ChatSnapshot } from '../../../src/chat/chatPanel';
import type { DemoSnapshot, DemoStartOutcome, DemoStopOutcome } from '../../../src/demo/demoServer';
import type { SubmitOutcome } from '../../../src/batches/submit';
import { batchItem, requestLine, useEmulator, waitFor, writeWorkspaceFile } from '../batchesFixture';

const demoSnapshot = async () => (await vscode.commands.executeCommand<DemoSnapshot>(Commands.demoSnapshot))!;
const chatSnapshot = () => vscode.commands.executeCommand<ChatSnapshot | undefined>(Commands.chatSnapshot);

describe('Demo server inside the extension', function () {
  this.timeout(180_000);
  let configured: Awaited<ReturnType<typeof useEmulator>>;

  before(async () => {
    // The account the settings point at, with a working key: demo mode must not use either.
    configured = await useEmulator();
  });
  after(async () => {
    await vscode.commands.executeCommand(Commands.stopDemoServer);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await configured?.dispose();
  });

  it('submits a batch and chats on the demo server without contacting the configured base URL, then goes back to it', async () => {
    // Whatever activation asked of the configured service (the model list) has landed before the demo starts.
    await waitFor('the model list of the configured service', () =>
      configured.emulator.state.requests.some((r) => r.path === '/v1/models'),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seenBefore = configured.emulator.state.requests.length;

    const started = (await vscode.commands.executeCommand<DemoStartOutcome>(Commands.startDemoServer))!;
    assert.strictEqual(started.status, 'started', JSON.stringify(started));
    if (started.status !== 'started') return;
    assert.match(started.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/, 'a loopback port');
    assert.notStrictEqual(started.baseUrl, configured.emulator.url);
    const again = (await vscode.commands.executeCommand<DemoStartOutcome>(Commands.startDemoServer))!;
    assert.deepStrictEqual(again, { status: 'running', baseUrl: started.baseUrl }, 'a second start reuses the running server');

    const setting = vscode.workspace.getConfiguration('kluster').inspect<string>('baseUrl');
    assert.strictEqual(setting?.globalValue, configured.emulator.url, 'the kluster.baseUrl setting is unchanged');
    const running = await demoSnapshot();
    assert.strictEqual(running.baseUrl, started.baseUrl);
    assert.match(running.statusBar?.text ?? '', /demo/i, 'the status bar says so');
    assert.strictEqual(running.statusBar?.command, Commands.stopDemoServer, 'a click stops it');

    const uri = await writeWorkspaceFile('demo/requests.jsonl', [requestLine('demo-1', 'first question'), requestLine('demo-2', 'second')]);
    await vscode.window.showTextDocument(uri);
    const outcome = (await vscode.commands.executeCommand<SubmitOutcome>(Commands.submitBatch, uri, { confirm: false }))!;
    assert.strictEqual(outcome.status, 'submitted', JSON.stringify(outcome));
    if (outcome.status !== 'submitted') return;
    let last: string | undefined;
    await waitFor(
      'the demo batch to complete',
      async () => (last = (await batchItem(outcome.batchId))?.description)?.startsWith('completed'),
      60_000,
      () => last,
    );

    assert.strictEqual(await vscode.commands.executeCommand(Commands.openChat), true);
    await waitFor('the chat webview to be ready', async () => (await chatSnapshot())?.ready, 60_000);
    await vscode.commands.executeCommand(Commands.chatSendSelection, 'Hello demo');
    const reply = await waitFor('the demo reply', async () => {
      const turn = (await chatSnapshot())?.state.turns.at(-1);
      return turn?.role === 'assistant' && turn.status !== 'streaming' ? turn : undefined;
    });
    assert.strictEqual(reply.status, 'done', JSON.stringify(reply));
    assert.match(reply.text, /^Emulated answer from .* to: Hello demo$/);

    // Set API Key in demo mode saves the key without checking it against the configured service.
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, configured.emulator.apiKey), { status: 'saved' });
    const demoRequests = (await demoSnapshot()).requests;
    assert.ok(demoRequests.includes('POST /v1/batches') && demoRequests.includes('POST /v1/chat/completions'), demoRequests.join(', '));
    assert.deepStrictEqual(
      configured.emulator.state.requests.slice(seenBefore).map((r) => `${r.method} ${r.path}`),
      [],
      'nothing reached the configured service in demo mode',
    );

    const stopped = (await vscode.commands.executeCommand<DemoStopOutcome>(Commands.stopDemoServer))!;
    assert.deepStrictEqual(stopped, { status: 'stopped' });
    const after = await demoSnapshot();
    assert.strictEqual(after.baseUrl, undefined);
    assert.strictEqual(after.statusBar, undefined, 'the status bar item is gone');
    await assert.rejects(fetch(`${started.baseUrl}/models`), 'the demo port is closed');

    await vscode.commands.executeCommand(Commands.refreshBatches);
    await waitFor('the configured service to be asked again', () =>
      configured.emulator.state.requests.slice(seenBefore).some((r) => r.method === 'GET' && r.path === '/v1/batches'),
    );
    assert.strictEqual(await batchItem(outcome.batchId), undefined, 'the demo batch is not in the configured account');
    assert.deepStrictEqual(await vscode.commands.executeCommand<DemoStopOutcome>(Commands.stopDemoServer), { status: 'notRunning' });
  });
});
