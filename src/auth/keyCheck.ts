// What "Set API Key" says after asking /v1/models with the new key. No vscode import: unit-tested.
import { KlusterClient, remedyFor, toKlusterError, type Remedy } from '../core/api';

/** The check's own wait: a person is looking at the notification, and the key is saved either way. */
export const KEY_CHECK_TIMEOUT_MS = 15_000;

export interface KeyCheck {
  /** true: the service took the key; false: it refused it; undefined: the check could not tell (network, base URL). */
  readonly works: boolean | undefined;
  readonly message: string;
  /** What helps when it did not work (from remedyFor): Set API Key, Retry, Open Settings. */
  readonly remedies: readonly Remedy[];
}

const SAVED = 'kluster.ai API key saved to secret storage';

/** Lists the models of `baseUrl` with `apiKey`, once (no retries), and says what that means for the key. */
export async function checkApiKey(baseUrl: string, apiKey: string): Promise<KeyCheck> {
  const client = new KlusterClient({ baseUrl, apiKey, maxRetries: 0, timeoutMs: KEY_CHECK_TIMEOUT_MS });
  try {
    const models = await client.listModels();
    const host = new URL(client.baseUrl).host;
    return {
      works: true,
      message: `${SAVED}. It works: ${host} lists ${models.length} model${models.length === 1 ? '' : 's'}.`,
      remedies: [],
    };
  } catch (thrown) {
    const error = toKlusterError(thrown, { apiKey, baseUrl });
    if (error.kind === 'unauthorized')
      return { works: false, message: `${SAVED}, but it does not work: ${error.message}`, remedies: ['setApiKey'] };
    return { works: undefined, message: `${SAVED}; it could not be checked: ${error.message}`, remedies: remedyFor(error) };
  }
}
