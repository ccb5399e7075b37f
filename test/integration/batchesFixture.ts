// Shared set-up of the batches and files suites: the extension pointed at an in-process emulator.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { KlusterClient } from '../../src/core/api';
import { Commands, EXTENSION_ID } from '../../src/constants';
import type { ItemSnapshot } from '../../src/batches/batchesTree';
import type { SubmitOutcome } from '../../src/batches/submit';

export interface BatchesSnapshot {
  readonly items: ItemSnapshot[];
  readonly statusBar?: string;
  readonly polling: boolean;
  /** Redraws made only so the ages move on. */
  readonly agesRedrawn: number;
  /** The status-bar notice of a blocked submit, if shown. */
  readonly blockedNotice?: string;
  /** What the Batches view last set `kluster.batchesEmpty` to. */
  readonly empty?: boolean;
  readonly inputFiles: Record<string, string | null>;
}

export { requestLine, TEST_MODEL as MODEL } from '../fixtures/requests';

export function workspaceDir(): string {
  const dir = process.env.KLUSTER_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(dir, 'the test workspace is open');
  return dir;
}

export async function writeWorkspaceFile(name: string, lines: string[]): Promise<vscode.Uri> {
  const file = path.join(workspaceDir(), name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, lines.join('\n') + '\n');
  return vscode.Uri.file(file);
}

export { waitFor } from '../../src/core/util/waitFor';

export const snapshot = async (): Promise<BatchesSnapshot> =>
  (await vscode.commands.executeCommand<BatchesSnapshot>(Commands.batchesSnapshot))!;

export async function batchItem(batchId: string): Promise<ItemSnapshot | undefined> {
  return (await snapshot()).items.find((item) => item.id === `batch:${batchId}`);
}

/** Starts an emulator, points `kluster.baseUrl` at it and stores its key; `dispose` puts everything back. */
export async function useEmulator(
  options: EmulatorOptions = {},
): Promise<{ emulator: Emulator; client: KlusterClient; dispose(): Promise<void> }> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  await extension.activate();
  const emulator = await startEmulator(options);
  const config = vscode.workspace.getConfiguration('kluster');
  await config.update('baseUrl', emulator.url, vscode.ConfigurationTarget.Global);
  assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.setApiKey, emulator.apiKey), { status: 'saved' });
  const client = new KlusterClient({ baseUrl: emulator.url, apiKey: emulator.apiKey, maxRetries: 0 });
  return {
    emulator,
    client,
    async dispose() {
      await vscode.commands.executeCommand(Commands.clearApiKey);
      await vscode.workspace.getConfiguration('kluster').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
      await emulator.close();
    },
  };
}

export type EmulatorSession = Awaited<ReturnType<typeof useEmulator>>;

/**
 * The emulator session of a suite: started before its first test (after `prepare`), and after its last test the
 * editors closed and everything put back. The object's fields are filled in by then.
 */
export function emulatorSuite(options: EmulatorOptions = {}, prepare?: () => Promise<void>): EmulatorSession {
  const session = {} as EmulatorSession;
  before(async () => {
    await prepare?.();
    Object.assign(session, await useEmulator(options));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    session.emulator?.faults.clear();
    await session.dispose?.();
  });
  return session;
}

/** Submit File as Batch without questions. */
export const submit = async (uri: vscode.Uri, options: object = {}): Promise<SubmitOutcome> =>
  (await vscode.commands.executeCommand<SubmitOutcome>(Commands.submitBatch, uri, { confirm: false, ...options }))!;

/** The Files view's root items. */
export const files = async (): Promise<ItemSnapshot[]> => (await vscode.commands.executeCommand<ItemSnapshot[]>(Commands.filesSnapshot))!;

/** Requests to the batches or files endpoints the emulator has seen so far. */
export function listingRequests(emulator: Emulator): string[] {
  return emulator.state.requests.filter((r) => /^\/v1\/(batches|files)/.test(r.path)).map((r) => `${r.method} ${r.path}`);
}

/** Requests to the batches endpoints the emulator has seen so far. */
export function batchRequests(emulator: Emulator): number {
  return emulator.state.requests.filter((r) => r.path.startsWith('/v1/batches')).length;
}
