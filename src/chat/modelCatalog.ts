import type * as vscode from 'vscode';
import type { Container } from '../container';
import { DOCUMENTED_MODELS } from '../core/models';
import type { ModelOption } from './protocol';

const FRESH_MS = 5 * 60_000;
const documented = (): ModelOption[] => DOCUMENTED_MODELS.map((m) => ({ id: m.id, vision: m.vision }));

export interface ModelList {
  readonly models: readonly ModelOption[];
  /** Set when the list is the documented one because /v1/models could not be read. */
  readonly error?: string;
}

/** The models for the picker, from /v1/models, with the documented list as the fallback. */
export class ModelCatalog implements vscode.Disposable {
  private list: ModelList = { models: documented(), error: 'Loading models…' };
  private fetchedAt = 0;
  private inflight: Promise<ModelList> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly container: Container) {
    this.subscription = container.clients.onDidChange(() => (this.fetchedAt = 0));
  }

  get current(): ModelList {
    return this.list;
  }

  /** Fetches unless the list is fresh (or `force`). Never throws. */
  refresh(force = false): Promise<ModelList> {
    if (!force && Date.now() - this.fetchedAt < FRESH_MS) return Promise.resolve(this.list);
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<ModelList> {
    try {
      const client = await this.container.clients.tryGet();
      if (!client) {
        this.list = { models: documented(), error: 'No API key: showing the documented models.' };
      } else {
        const vision = new Map(DOCUMENTED_MODELS.map((m) => [m.id, m.vision]));
        const models = (await this.container.clients.listModels(client)).map((m) => ({ id: m.id, vision: vision.get(m.id) }));
        models.sort((a, b) => a.id.localeCompare(b.id));
        this.list = models.length ? { models } : { models: documented(), error: 'The service listed no models: showing the documented ones.' };
        this.fetchedAt = Date.now();
      }
    } catch (error) {
      this.container.log.error('chat', 'listing models', error);
      const reason = error instanceof Error ? error.message : String(error);
      this.list = { models: documented(), error: `Could not load the models list (${reason}); showing the documented models.` };
    }
    return this.list;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
