import * as vscode from 'vscode';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

/** globalState key of the lists fetched so far, one per base URL. */
const STATE_KEY = 'kluster.modelCatalogs';
/** The former single list, which mixed base URLs. */
const LEGACY_STATE_KEY = 'kluster.modelCatalog';
/** A fetched list is reused across sessions for this long before asking /v1/models again. */
const MAX_AGE_MS = 6 * 60 * 60 * 1000;

interface CachedModels {
  readonly ids: string[];
  readonly fetchedAt: number;
}

type CachedCatalogs = Record<string, CachedModels>;

/** Lists model ids from `baseUrl`; resolves undefined when the API cannot be asked (no key). */
export type FetchModels = (baseUrl: string) => Promise<string[] | undefined>;

/**
 * The model ids the `unknownModel` warning accepts: the last /v1/models answer from the current base URL, kept in
 * globalState per base URL (an emulator's list never leaks into production's), else the documented list
 * (offline, no key, or the API failed).
 */
export class ModelCatalog extends Disposable {
  private baseUrl: string;
  private ids: ReadonlySet<string> = DOCUMENTED_MODEL_IDS;
  private fetchedAt = 0;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly currentBaseUrl: () => string,
    private readonly fetchModels: FetchModels,
    private readonly log: Logger,
  ) {
    super();
    this.baseUrl = currentBaseUrl();
    this.adoptCached();
    if (state.get(LEGACY_STATE_KEY) !== undefined) void state.update(LEGACY_STATE_KEY, undefined);
  }

  get knownModels(): ReadonlySet<string> {
    return this.ids;
  }

  /**
   * Follows the base URL and key: switches to the list cached for the current base URL at once, then asks the
   * API again (the key may belong to another account, with other fine-tuned models).
   */
  connectionChanged(): Promise<void> {
    const baseUrl = this.currentBaseUrl();
    if (baseUrl !== this.baseUrl) {
      const before = this.ids;
      this.baseUrl = baseUrl;
      this.adoptCached();
      if (!sameIds(before, this.ids)) this.changed.fire();
    }
    return this.refresh(true);
  }

  /** Asks the API unless a fresh list is cached (or `force`). Failures keep the current list. */
  refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.fetchedAt < MAX_AGE_MS) return Promise.resolve();
    const baseUrl = this.baseUrl;
    const running = this.inflight.get(baseUrl);
    if (running && !force) return running;
    // Forced after a change: ask again once the request on its way is done, since that one may use the old key.
    const next: Promise<void> = (running ?? Promise.resolve())
      .then(() => this.fetch(baseUrl))
      .finally(() => {
        if (this.inflight.get(baseUrl) === next) this.inflight.delete(baseUrl);
      });
    this.inflight.set(baseUrl, next);
    return next;
  }

  private adoptCached(): void {
    const cached = this.state.get<CachedCatalogs>(STATE_KEY)?.[this.baseUrl];
    const usable = cached && Array.isArray(cached.ids) && cached.ids.length > 0;
    this.ids = usable ? new Set(cached.ids) : DOCUMENTED_MODEL_IDS;
    this.fetchedAt = usable ? cached.fetchedAt : 0;
  }

  private async fetch(baseUrl: string): Promise<void> {
    let ids: string[] | undefined;
    try {
      ids = await this.fetchModels(baseUrl);
    } catch (error) {
      const using = this.ids === DOCUMENTED_MODEL_IDS ? 'documented' : 'cached';
      this.log.warn('validation', `model list of ${baseUrl} unavailable, using the ${using} list: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!ids || ids.length === 0 || this.isDisposed) return;
    const fetchedAt = Date.now();
    const catalogs = this.state.get<CachedCatalogs>(STATE_KEY) ?? {};
    await this.state.update(STATE_KEY, { ...catalogs, [baseUrl]: { ids, fetchedAt } });
    // The base URL may have changed while the list was on its way: it was kept for later, but is not current.
    if (baseUrl !== this.baseUrl || this.isDisposed) return;
    this.fetchedAt = fetchedAt;
    if (sameIds(this.ids, ids)) return;
    this.ids = new Set(ids);
    this.log.info('validation', `model list of ${baseUrl} updated: ${ids.length} models`);
    this.changed.fire();
  }
}

function sameIds(a: ReadonlySet<string>, b: ReadonlySet<string> | readonly string[]): boolean {
  const list = [...b];
  return list.length === a.size && list.every((id) => a.has(id));
}
