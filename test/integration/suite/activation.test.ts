import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import type { ApiKeyStatus } from '../../../src/auth/apiKeyStore';
import { fingerprint } from '../../../src/auth/apiKeyStore';
import { waitFor } from '../batchesFixture';

async function activate(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
  await extension.activate();
  return extension;
}

describe('Extension activation', () => {
  // This file runs first (suites load in name order), before anything else can have activated the extension.
  it('stays inactive until a JSON Lines document opens, then activates on it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
    assert.strictEqual(extension.isActive, false, 'a fresh window with no .jsonl open has not activated it');
    const document = await vscode.workspace.openTextDocument({ language: 'jsonl', content: '{}\n' });
    await waitFor('activation by the jsonl language', () => extension.isActive, 10_000);
    assert.strictEqual(document.languageId, 'jsonl');
  });

  it('registers every contributed command, with no eager activation event', async () => {
    const extension = await activate();
    assert.strictEqual(extension.isActive, true);
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 3, 'package.json contributes commands');
    for (const id of contributed) assert.ok(registered.has(id), `${id} is registered`);
    const activation = extension.packageJSON.activationEvents as string[];
    assert.ok(!activation.includes('*'), 'no eager activation');
  });
});

describe('API key in SecretStorage', () => {
  const status = async (): Promise<ApiKeyStatus> => (await vscode.commands.executeCommand<ApiKeyStatus>(Commands.apiKeyStatus))!;

  before(activate);
  afterEach(async () => {
    await vscode.commands.executeCommand(Commands.clearApiKey);
  });

  it('starts with no key when neither secret storage nor KLUSTER_API_KEY has one', async () => {
    await vscode.commands.executeCommand(Commands.clearApiKey);
    assert.strictEqual(process.env.KLUSTER_API_KEY, undefined, 'the harness clears the environment key');
    assert.deepStrictEqual(await status(), { source: 'none' });
  });

  it('stores a key with Set API Key and removes it with Clear API Key', async () => {
    const key = 'kluster-test-key-0123456789';
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, key), { status: 'saved' });
    assert.deepStrictEqual(await status(), { source: 'secret', fingerprint: fingerprint(key) });

    const replacement = 'kluster-test-key-replacement';
    await vscode.commands.executeCommand(Commands.setApiKey, replacement);
    assert.deepStrictEqual(await status(), { source: 'secret', fingerprint: fingerprint(replacement) });

    await vscode.commands.executeCommand(Commands.clearApiKey);
    assert.deepStrictEqual(await status(), { source: 'none' });
  });

  it('rejects a key with spaces and keeps the stored one', async () => {
    const key = 'kluster-test-key-kept-123';
    await vscode.commands.executeCommand(Commands.setApiKey, key);
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, 'two words'), {
      status: 'failed',
      message: 'That API key is empty or contains spaces; nothing was saved.',
    });
    assert.deepStrictEqual(await status(), { source: 'secret', fingerprint: fingerprint(key) });
  });
});
