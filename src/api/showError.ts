import * as vscode from 'vscode';
import { failureMessage, isCancellation, remedyFor, type Remedy } from '../core/api';
import { Commands } from '../constants';
import type { Logger } from '../log';

/** Button titles of the remedies, for notifications and tree error nodes. */
export const REMEDY_TITLES: Record<Remedy, string> = { setApiKey: 'Set API Key', retry: 'Retry', openSettings: 'Open Settings' };

/** Carries out a remedy other than retrying (which only the caller knows how to do). */
export function runRemedy(remedy: Exclude<Remedy, 'retry'>): Thenable<unknown> {
  return remedy === 'setApiKey'
    ? vscode.commands.executeCommand(Commands.setApiKey)
    : vscode.commands.executeCommand('workbench.action.openSettings', 'kluster.baseUrl');
}

/**
 * Shows an API failure with buttons that fix it (Set API Key, Retry, Open Settings) and logs it.
 * `action` says what was being done, e.g. "Listing batches".
 */
export async function showApiError(log: Logger, action: string, error: unknown, retry?: () => unknown): Promise<void> {
  // Cancelling is not a failure, whichever layer noticed it (our client, or a file stream's AbortError).
  if (isCancellation(error)) return;
  log.error('api', action, error);
  const remedies = remedyFor(error).filter((r) => r !== 'retry' || retry);
  const title = await vscode.window.showErrorMessage(failureMessage(action, error), ...remedies.map((r) => REMEDY_TITLES[r]));
  const picked = remedies.find((r) => REMEDY_TITLES[r] === title);
  if (picked === 'retry') await retry?.();
  else if (picked) await runRemedy(picked);
}
