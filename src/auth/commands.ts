import * as vscode from 'vscode';
import { Commands, ENV_API_KEY } from '../constants';
import { CANCELLED, shownError, type CommandFactories, type Outcome } from '../commands';

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
      void vscode.window.showInformationMessage('kluster.ai API key saved to secret storage.');
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
