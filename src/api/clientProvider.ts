import * as vscode from 'vscode';
import { KlusterClient, MissingApiKeyError } from '../core/api';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import type { Config } from '../config';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

/**
 * Hands out a KlusterClient for the current base URL and key. The client is rebuilt only when either
 * changes, so features may ask for it on every call.
 */
export class ClientProvider extends Disposable {
  private cached: { client: KlusterClient; baseUrl: string; key: string } | undefined;
  /** The base URL and key the last change event was about; other settings changing is no change here. */
  private current: { baseUrl: string; key: string | undefined };
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when the key or base URL actually changes: views refetch, panels reload their model lists. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly config: Config,
    private readonly apiKeys: ApiKeyStore,
    private readonly log: Logger,
  ) {
    super();
    this.current = { baseUrl: config.baseUrl, key: undefined };
    this._register(apiKeys.onDidChange((key) => this.check(this.current.baseUrl, key?.value)));
    this._register(config.onDidChange(() => this.check(this.config.baseUrl, this.current.key)));
  }

  private check(baseUrl: string, key: string | undefined): void {
    if (baseUrl === this.current.baseUrl && key === this.current.key) return;
    this.current = { baseUrl, key };
    this.cached = undefined;
    this.changed.fire();
  }

  /** The base URL clients are made for now. */
  get baseUrl(): string {
    return this.current.baseUrl;
  }

  /** The client, or MissingApiKeyError. */
  async get(): Promise<KlusterClient> {
    const key = await this.apiKeys.get();
    if (!key) throw new MissingApiKeyError();
    const baseUrl = this.config.baseUrl;
    if (!this.cached || this.cached.baseUrl !== baseUrl || this.cached.key !== key.value) {
      // Waits before a retry (capped at 60 s) go to the log, so a slow answer can be explained.
      const client = new KlusterClient({ baseUrl, apiKey: key.value, onRetry: (notice) => this.log.info('api', notice.message) });
      this.cached = { client, baseUrl, key: key.value };
    }
    return this.cached.client;
  }

  /** The client when a key is available, else undefined (for background work that must not nag). */
  async tryGet(): Promise<KlusterClient | undefined> {
    return (await this.apiKeys.get()) ? this.get() : undefined;
  }
}
