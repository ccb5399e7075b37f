import * as vscode from 'vscode';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

const STATE_KEY = 'kluster.modelCatalog';
/** A fetched list is reused across sessions for this long before asking /v1/models again. */
const MAX_AGE_MS = 6 * 60 * 60 * 1000;

interface CachedModels {
  readonly ids: string[];
  readonly fetchedAt: number;
}

/** Lists model ids; resolves undefined when the API cannot be asked (no key). */
export type FetchModels = () => Promise<string[] | undefined>;

/**
 * The model ids the `unknownModel` warning accepts: the last /v1/models answer, kept in globalState, else the
 * documented list (offline, no key, or the API failed).
 */
export class ModelCatalog extends Disposable {
  private ids: ReadonlySet<string>;
  private fetchedAt = 0;
  private inflight: Promise<void> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly fetchModels: FetchModels,
    private readonly log: Logger,
  ) {
    super();
    const cached = state.get<CachedModels>(STATE_KEY);
    if (cached && Array.isArray(cached.ids) && cached.ids.length > 0) {
      this.ids = new Set(cached.ids);
      this.fetchedAt = cached.fetchedAt;
    } else {
      this.ids = DOCUMENTED_MODEL_IDS;
    }
  }

  get knownModels(): ReadonlySet<string> {
    return this.ids;
  }

  /** Asks the API unless a fresh list is cached (or `force`). Failures keep the current list. */
  refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.fetchedAt < MAX_AGE_MS) return Promise.resolve();
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    let ids: string[] | undefined;
    try {
      ids = await this.fetchModels();
    } catch (error) {
      this.log.warn('validation', `model list unavailable, using the ${this.ids === DOCUMENTED_MODEL_IDS ? 'documented' : 'cached'} list: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!ids || ids.length === 0 || this.isDisposed) return;
    this.fetchedAt = Date.now();
    await this.state.update(STATE_KEY, { ids, fetchedAt: this.fetchedAt } satisfies CachedModels);
    const same = ids.length === this.ids.size && ids.every((id) => this.ids.has(id));
    if (same) return;
    this.ids = new Set(ids);
    this.log.info('validation', `model list updated: ${ids.length} models`);
    this.changed.fire();
  }
}
