// The node both tree views show when loading failed. No vscode API, so it is unit-tested.
import { MissingApiKeyError, remedyFor } from '../core/api';
import { Commands, type CommandId } from '../constants';
import type { MessageNode } from './messageNode';

/**
 * What a view shows when loading `what` ("batches", "files") failed: a click that fixes it, from remedyFor
 * (enter a key when it is missing or refused, open the base URL setting when it looks wrong), else one that runs
 * `retry` again.
 */
export function errorNode(error: unknown, what: string, retry: CommandId): MessageNode {
  const detail = error instanceof Error ? error.message : String(error);
  const remedy = remedyFor(error)[0];
  if (remedy === 'setApiKey') {
    return {
      kind: 'message',
      text:
        error instanceof MissingApiKeyError ? 'No API key is set. Click to set one.' : 'The API key was refused. Click to set a new one.',
      detail,
      command: { command: Commands.setApiKey, title: 'Set API Key' },
    };
  }
  if (remedy === 'openSettings') {
    return {
      kind: 'message',
      text: `Could not load ${what}: the base URL looks wrong. Click to open the setting.`,
      detail,
      command: { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: ['kluster.baseUrl'] },
    };
  }
  return { kind: 'message', text: `Could not load ${what}. Click to retry.`, detail, command: { command: retry, title: 'Retry' } };
}
