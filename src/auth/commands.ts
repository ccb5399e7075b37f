import * as vscode from 'vscode';
import { REMEDY_TITLES, runRemedy } from '../api/showError';
import { Commands, ENV_API_KEY } from '../constants';
import { CANCELLED, shownError, type CommandFactories, type Outcome } from '../commands';
import type { Container } from '../container';
import { withSlowProgress } from '../progress';
import { checkApiKey, describeKeyCheck } from './keyCheck';

const KEY_PATTERN = /^\S+$/;

/** Set API Key: `saved`, `cancelled` (the box was dismissed), or `failed` for a key with spaces (nothing saved). */
export type SetKeyOutcome = Outcome<{ readonly status: 'saved' }>;

export const apiKeyCommands: CommandFactories = {
  /** Asks for the key in a password box. A string argument skips the prompt (for scripts and tests). */
  [Commands.setApiKey]:
    (container) =>
    async (provided?: unknown): Promise<SetKeyOutcome> => {
      const value =
        typeof provided === 'string'
          ? provided
          : await vscode.window.showInputBox({
              title: 'kluster.ai API Key',
              prompt: 'Paste your kluster.ai API key. It is stored in VS Code secret storage.',
              placeHolder: 'API key from platform.kluster.ai/apikeys',
              password: true,
              ignoreFocusOut: true,
              validateInput: (input) =>
                input.trim() === ''
                  ? 'Enter a key, or press Escape to cancel.'
                  : KEY_PATTERN.test(input.trim())
                    ? undefined
                    : 'An API key has no spaces.',
            });
      if (value === undefined) return CANCELLED;
      if (!KEY_PATTERN.test(value.trim())) return shownError('That API key is empty or contains spaces; nothing was saved.');
      await container.apiKeys.set(value);
      container.log.info('auth', 'API key stored in secret storage');
      await reportKeyCheck(container, value.trim());
      return { status: 'saved' };
    },

  [Commands.clearApiKey]: (container) => async () => {
    await container.apiKeys.clear();
    container.log.info('auth', 'API key removed from secret storage');
    const fallback = (await container.apiKeys.status()).source === 'env';
    void vscode.window.showInformationMessage(
      fallback
        ? `kluster.ai API key removed from secret storage. The ${ENV_API_KEY} environment variable is still used.`
        : 'kluster.ai API key removed from secret storage.',
    );
    return true;
  },

  /** Where the key comes from and its fingerprint; never the key. */
  [Commands.apiKeyStatus]: (container) => () => container.apiKeys.status(),

  [Commands.showLog]: (container) => () => container.log.show(),
};

/**
 * Asks /v1/models of the base URL in use with the key just saved and says whether it works; the key stays saved
 * either way. A network failure or a wrong base URL is reported as such, never as a wrong key.
 */
async function reportKeyCheck(container: Container, key: string): Promise<void> {
  if (container.clients.overridden) {
    // Nothing in demo mode goes to the real service: the key waits until the demo server stops.
    void vscode.window.showInformationMessage(
      'kluster.ai API key saved to secret storage. The demo server is running, so the key was not checked; it is used once the demo server stops.',
    );
    return;
  }
  const baseUrl = container.config.baseUrl;
  const check = await withSlowProgress('Checking the kluster.ai API key…', async () => {
    // The key change already sent the model catalog to /v1/models: its answer is the check.
    const answer = await container.models.answerForCurrentClient();
    return answer ? describeKeyCheck(answer, container.clients.baseUrl, key) : checkApiKey(baseUrl, key);
  });
  container.log.info(
    'auth',
    `key check against ${baseUrl}: ${check.works === true ? 'works' : check.works === false ? 'refused' : 'not checked'}`,
  );
  if (check.works) {
    void vscode.window.showInformationMessage(check.message);
    return;
  }
  // Not awaited: the command is done once the key is saved and checked; the buttons act later.
  void vscode.window.showWarningMessage(check.message, ...check.remedies.map((r) => REMEDY_TITLES[r])).then(async (title) => {
    const picked = check.remedies.find((r) => REMEDY_TITLES[r] === title);
    const current = picked === 'retry' ? (await container.apiKeys.get())?.value : undefined;
    if (current) await reportKeyCheck(container, current);
    else if (picked && picked !== 'retry') await runRemedy(picked);
  });
}
