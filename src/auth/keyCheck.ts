// What "Set API Key" says after asking /v1/models with the new key. No vscode import: unit-tested.
import { KlusterClient, remedyFor, toKlusterError, type Remedy } from '../core/api';
import { plural } from '../core/batches/displayText';

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

/** What /v1/models answered: how many models it listed, or the error it failed with. */
export type ModelsAnswer = { readonly models: number } | { readonly error: unknown };

/** What a /v1/models answer says about the key: a refusal is a wrong key; anything else that failed is not. */
export function describeKeyCheck(answer: ModelsAnswer, baseUrl: string, apiKey: string): KeyCheck {
  if ('models' in answer) {
    const host = new URL(baseUrl).host;
    const n = answer.models;
    return { works: true, message: `${SAVED}. It works: ${host} lists ${plural(n, 'model')}.`, remedies: [] };
  }
  const error = toKlusterError(answer.error, { apiKey, baseUrl });
  if (error.kind === 'unauthorized')
    return { works: false, message: `${SAVED}, but it does not work: ${error.message}`, remedies: ['setApiKey'] };
  return { works: undefined, message: `${SAVED}; it could not be checked: ${error.message}`, remedies: remedyFor(error) };
}

/** Lists the models of `baseUrl` with `apiKey`, once (no retries), and says what that means for the key. */
export async function checkApiKey(baseUrl: string, apiKey: string): Promise<KeyCheck> {
  const client = new KlusterClient({ baseUrl, apiKey, maxRetries: 0, timeoutMs: KEY_CHECK_TIMEOUT_MS });
  try {
    const models = await client.listModels();
    return describeKeyCheck({ models: models.length }, client.baseUrl, apiKey);
  } catch (thrown) {
    return describeKeyCheck({ error: thrown }, baseUrl, apiKey);
  }
}
