import * as vscode from 'vscode';
import { KlusterClient, MissingApiKeyError } from '../core/api';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import type { Config } from '../config';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

/** A base URL and key used instead of the settings and the stored key (the demo server). */
export interface ConnectionOverride {
  readonly baseUrl: string;
  readonly apiKey: string;
}

/**
 * Hands out a KlusterClient for the current base URL and key. The client is rebuilt only when either
 * changes, so features may ask for it on every call. An override (demo mode) wins over both while set.
 */
export class ClientProvider extends Disposable {
  private cached: { client: KlusterClient; baseUrl: string; key: string } | undefined;
  /** The base URL and key the last change event was about; other settings changing is no change here. */
  private current: { baseUrl: string; key: string | undefined };
  private override: ConnectionOverride | undefined;
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
    // Under an override the clients handed out stay the same.
    if (!this.override) this.changed.fire();
  }

  /** Points every client at `override` until it is set back to undefined; settings and the stored key are untouched. */
  setOverride(override: ConnectionOverride | undefined): void {
    this.override = override;
    this.cached = undefined;
    this.changed.fire();
  }

  /** Whether an override (the demo server) is in use instead of the settings and the stored key. */
  get overridden(): boolean {
    return this.override !== undefined;
  }

  /** The base URL clients are made for now. */
  get baseUrl(): string {
    return this.override?.baseUrl ?? this.current.baseUrl;
  }

  /** The client, or MissingApiKeyError. */
  async get(): Promise<KlusterClient> {
    const override = this.override;
    const key = override ? override.apiKey : (await this.apiKeys.get())?.value;
    if (!key) throw new MissingApiKeyError();
    const baseUrl = override ? override.baseUrl : this.config.baseUrl;
    if (!this.cached || this.cached.baseUrl !== baseUrl || this.cached.key !== key) {
      // Waits before a retry (capped at 60 s) go to the log, so a slow answer can be explained.
      const client = new KlusterClient({ baseUrl, apiKey: key, onRetry: (notice) => this.log.info('api', notice.message) });
      this.cached = { client, baseUrl, key };
    }
    return this.cached.client;
  }

  /** The client when a key is available, else undefined (for background work that must not nag). */
  async tryGet(): Promise<KlusterClient | undefined> {
    // One read of the key: checking first and reading again threw when the key went in between.
    try {
      return await this.get();
    } catch (error) {
      if (error instanceof MissingApiKeyError) return undefined;
      throw error;
    }
  }
}
