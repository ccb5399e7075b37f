import * as vscode from 'vscode';
import { createHash } from 'crypto';
import { ContextKeys, ENV_API_KEY, SECRET_API_KEY } from '../constants';
import { setContext } from '../context';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

export type ApiKeySource = 'secret' | 'env';

export interface ApiKey {
  readonly value: string;
  readonly source: ApiKeySource;
}

/** What may be shown about a key: where it comes from and a short hash, never the key itself. */
export interface ApiKeyStatus {
  readonly source: ApiKeySource | 'none';
  readonly fingerprint?: string;
}

/** The API key lives in SecretStorage; `KLUSTER_API_KEY` is the fallback. Keeps the `kluster.hasApiKey` context key current. */
export class ApiKeyStore extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<ApiKey | undefined>());
  /** Fires with the key now in effect (not necessarily a different one) after it may have changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    super();
    this._register(
      secrets.onDidChange((event) => {
        if (event.key === SECRET_API_KEY) void this.refresh();
      }),
    );
    void this.refresh();
  }

  async get(): Promise<ApiKey | undefined> {
    const stored = (await this.secrets.get(SECRET_API_KEY))?.trim();
    if (stored) return this.remember({ value: stored, source: 'secret' });
    const fromEnv = this.env[ENV_API_KEY]?.trim();
    if (fromEnv) return this.remember({ value: fromEnv, source: 'env' });
    return undefined;
  }

  async status(): Promise<ApiKeyStatus> {
    const key = await this.get();
    if (!key) return { source: 'none' };
    return { source: key.source, fingerprint: fingerprint(key.value) };
  }

  async set(value: string): Promise<void> {
    const key = value.trim();
    if (!key) throw new Error('The API key is empty.');
    this.log.addSecret(key);
    await this.secrets.store(SECRET_API_KEY, key);
    await this.refresh();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_API_KEY);
    await this.refresh();
  }

  private remember(key: ApiKey): ApiKey {
    this.log.addSecret(key.value);
    return key;
  }

  private async refresh(): Promise<void> {
    const key = await this.get();
    await setContext(ContextKeys.hasApiKey, key !== undefined);
    this.changed.fire(key);
  }
}

/** A stable, non-reversible label for a key, so people can tell two keys apart without seeing either. */
export function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
