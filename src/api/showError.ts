import * as vscode from 'vscode';
import { failureMessage, isCancellation, KlusterError } from '../core/api';
import { Commands } from '../constants';
import type { Logger } from '../log';
import { MissingApiKeyError } from './clientProvider';

/** What a person can do about a failure, as notification buttons. */
interface Remedy {
  readonly title: string;
  run(): unknown;
}

function remediesFor(error: unknown, retry?: () => unknown): Remedy[] {
  const setKey: Remedy = { title: 'Set API Key', run: () => vscode.commands.executeCommand(Commands.setApiKey) };
  const settings: Remedy = {
    title: 'Open Settings',
    run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'kluster.baseUrl'),
  };
  const again: Remedy[] = retry ? [{ title: 'Retry', run: retry }] : [];
  if (error instanceof MissingApiKeyError) return [setKey];
  if (!(error instanceof KlusterError)) return again;
  switch (error.kind) {
    case 'unauthorized':
      return [setKey];
    case 'network':
    case 'timeout':
      return [...again, settings];
    case 'rate_limited':
    case 'server':
      return again;
    default:
      return [];
  }
}

/**
 * Shows an API failure with buttons that fix it (Set API Key, Retry, Open Settings) and logs it.
 * `action` says what was being done, e.g. "Listing batches".
 */
export async function showApiError(log: Logger, action: string, error: unknown, retry?: () => unknown): Promise<void> {
  // Cancelling is not a failure, whichever layer noticed it (our client, or a file stream's AbortError).
  if (isCancellation(error)) return;
  log.error('api', action, error);
  const remedies = remediesFor(error, retry);
  const picked = await vscode.window.showErrorMessage(failureMessage(action, error), ...remedies.map((r) => r.title));
  await remedies.find((r) => r.title === picked)?.run();
}
