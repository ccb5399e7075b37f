import * as vscode from 'vscode';
import type { KlusterClient } from '../core/api';
import { DOCUMENTED_MODELS, type ModelOption } from '../core/models';
import { newestEntries } from '../core/util/newest';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { GlobalStorage, Storage } from '../storage';
import type { ClientProvider } from './clientProvider';
import type { ModelsAnswer } from '../auth/keyCheck';

/**
 * How long one /v1/models answer serves every feature (the validator, Submit's pre-flight, the chat picker)
 * before it is asked again. A key or base URL change, and the picker's refresh button, ask at once.
 */
export const MODELS_MAX_AGE_MS = 5 * 60_000;

/** Base URLs whose last answer is kept: each demo server has a port of its own, so the list would only grow. */
const STORED_BASE_URLS = 8;

export interface ModelList {
  /** The ids the `unknownModel` warning accepts. */
  readonly ids: ReadonlySet<string>;
  /** The same models for pickers, sorted by id. */
  readonly options: readonly ModelOption[];
  /** Why the list is not the service's current answer (loading, no key, offline); undefined when it is. */
  readonly error?: string;
}

const VISION = new Map(DOCUMENTED_MODELS.map((m) => [m.id, m.vision]));

function listOf(ids: Iterable<string>, error?: string): ModelList {
  const set = new Set(ids);
  const options = [...set].sort((a, b) => a.localeCompare(b)).map((id) => ({ id, vision: VISION.get(id) }));
  return { ids: set, options, ...(error ? { error } : {}) };
}

const DOCUMENTED = listOf(DOCUMENTED_MODELS.map((m) => m.id));

/**
 * The models of the current client (base URL + key), asked of /v1/models once for every feature. The last answer
 * of each base URL is kept in globalState, so a restart or an unreachable service still has it; where nothing was
 * ever fetched, the documented models stand in. A failed request keeps the list there was.
 */
export class ModelCatalog extends Disposable {
  private baseUrl: string;
  /** The ids in use and, when they came from the service, for which client and when. */
  private known: { ids: string[] | undefined; client?: KlusterClient; fetchedAt: number };
  private list: ModelList;
  /** Models of this base URL known to exist beyond what /v1/models said: fine-tuned ones, from the jobs that made them. */
  private readonly extra = new Set<string>();
  private inflight: { client: KlusterClient; done: Promise<ModelList> } | undefined;
  /** The last /v1/models answer and whose it was, for Set API Key's check (which shares this request). */
  private lastAnswer: { client: KlusterClient; answer: ModelsAnswer } | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<ModelList>());
  /** Fires when the list or its note changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly clients: ClientProvider,
    private readonly state: Storage<GlobalStorage>,
    private readonly log: Logger,
  ) {
    super();
    this.baseUrl = clients.baseUrl;
    this.known = this.stored(this.baseUrl);
    this.list = this.build('Loading models…');
    if (state.get('kluster.modelCatalog') !== undefined) void state.update('kluster.modelCatalog', undefined);
    this._register(clients.onDidChange(() => void this.connectionChanged()));
    void this.refresh();
  }

  get current(): ModelList {
    return this.list;
  }

  /** Adds models the service has but may not list (a fine-tuned model, once its job succeeded), until the base URL changes. */
  include(ids: Iterable<string>): void {
    const fresh = [...ids].filter((id) => id && !this.extra.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.extra.add(id);
    this.set({ ...listOf([...this.list.ids, ...fresh]), ...(this.list.error ? { error: this.list.error } : {}) });
  }

  /** Asks /v1/models unless this client's answer is fresh (or `force`). Never throws; one request per client at a time. */
  async refresh(force = false): Promise<ModelList> {
    const client = await this.clients.tryGet().catch(() => undefined);
    if (!client) {
      this.set(this.build('No API key: showing the documented models.', 'No API key: showing the models last listed for this base URL.'));
      return this.list;
    }
    if (this.inflight?.client === client) return this.inflight.done;
    const fresh = this.known.client === client && Date.now() - this.known.fetchedAt < MODELS_MAX_AGE_MS;
    if (fresh && !force) return this.list;
    const done = this.fetch(client).finally(() => {
      if (this.inflight?.done === done) this.inflight = undefined;
    });
    this.inflight = { client, done };
    return done;
  }

  /**
   * What /v1/models answered the current client: the fresh answer if there is one, else a new request (one that
   * is on its way is shared). Undefined without a key. Set API Key checks the key with this, so one request
   * serves the check, the pickers and the validator.
   */
  async answerForCurrentClient(): Promise<ModelsAnswer | undefined> {
    const client = await this.clients.tryGet().catch(() => undefined);
    if (!client) return undefined;
    await this.refresh();
    if (this.lastAnswer?.client !== client) await this.refresh(true);
    return this.lastAnswer?.client === client ? this.lastAnswer.answer : undefined;
  }

  /** The key may belong to another account, with other fine-tuned models: ask again, showing the base URL's stored list meanwhile. */
  private connectionChanged(): Promise<ModelList> {
    const baseUrl = this.clients.baseUrl;
    if (baseUrl !== this.baseUrl) {
      this.baseUrl = baseUrl;
      this.extra.clear();
      this.known = this.stored(baseUrl);
      this.set(this.build('Loading models…'));
    }
    return this.refresh(true);
  }

  private async fetch(client: KlusterClient): Promise<ModelList> {
    try {
      const ids = await client.listModels().then(
        (models) => models.map((m) => m.id),
        (error: unknown) => {
          this.lastAnswer = { client, answer: { error } };
          throw error;
        },
      );
      this.lastAnswer = { client, answer: { models: ids.length } };
      if (this.isDisposed) return this.list;
      if (ids.length === 0) {
        this.log.warn('models', `${client.baseUrl} listed no models`);
        if (client.baseUrl === this.baseUrl)
          this.set(
            this.build(
              'The service listed no models: showing the documented ones.',
              'The service listed no models: showing the ones it listed before.',
            ),
          );
        return this.list;
      }
      const fetchedAt = Date.now();
      const catalogs = this.state.get('kluster.modelCatalogs') ?? {};
      await this.state.update(
        'kluster.modelCatalogs',
        newestEntries({ ...catalogs, [client.baseUrl]: { ids, fetchedAt } }, STORED_BASE_URLS, (c) => c.fetchedAt ?? 0),
      );
      // The base URL may have changed while the list was on its way: it was kept for later, but is not current.
      if (client.baseUrl !== this.baseUrl || this.isDisposed) return this.list;
      this.known = { ids, client, fetchedAt };
      this.log.info('models', `${client.baseUrl}: ${ids.length} models`);
      this.set(this.build());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.warn('models', `model list of ${client.baseUrl} unavailable: ${reason}`);
      if (client.baseUrl === this.baseUrl) {
        this.set(
          this.build(
            `Could not load the models list (${reason}); showing the documented models.`,
            `Could not load the models list (${reason}); showing the ones listed before.`,
          ),
        );
      }
    }
    return this.list;
  }

  private stored(baseUrl: string): { ids: string[] | undefined; fetchedAt: number } {
    const cached = this.state.get('kluster.modelCatalogs')?.[baseUrl];
    const usable = cached && Array.isArray(cached.ids) && cached.ids.length > 0 && cached.ids.every((id) => typeof id === 'string');
    return usable ? { ids: cached.ids, fetchedAt: 0 } : { ids: undefined, fetchedAt: 0 };
  }

  /** The list in use, with the note for when it is the documented one (`documented`) or an earlier answer (`earlier`). */
  private build(documented?: string, earlier = documented): ModelList {
    if (!this.known.ids && this.extra.size === 0) return documented ? { ...DOCUMENTED, error: documented } : DOCUMENTED;
    return listOf([...(this.known.ids ?? DOCUMENTED.ids), ...this.extra], this.known.ids ? earlier : documented);
  }

  /** Keeps the current objects when nothing changed, so listeners and `ids` identity stay put. */
  private set(next: ModelList): void {
    const sameIds = next.ids.size === this.list.ids.size && [...next.ids].every((id) => this.list.ids.has(id));
    if (sameIds && next.error === this.list.error) return;
    this.list = sameIds ? { ...next, ids: this.list.ids, options: this.list.options } : next;
    this.changed.fire(this.list);
  }
}
