// Every key this extension keeps in VS Code's globalState and workspaceState, with the shape stored under it.
// Stored values come back from disk as written by any earlier version: readers still check what they get.
import type * as vscode from 'vscode';
import type { InputStamp } from './core/batches/inputStamp';
import type { AsyncChatReply } from './core/chat/asyncReply';

/** A model list as fetched from one base URL. */
export interface StoredModels {
  readonly ids: string[];
  readonly fetchedAt: number;
}

/** The local file a batch was submitted from. */
export interface StoredLink {
  readonly uri: string;
  readonly at: number;
  /** Size and modification time of the file as submitted, when it was submitted from here. */
  readonly stamp?: InputStamp;
}

/** One submit of an experiment: its batch (one per part, in part order) and the part files they came from. */
export interface StoredExperimentRun {
  readonly batchIds: string[];
  /** URIs of the part files, in the order of `batchIds`. */
  readonly parts: string[];
  readonly at: number;
}

/** A retry batch: the results file its results merge into when it ends. */
export interface StoredRetry {
  /** The results file the retry was made from (its rows that failed or were missing were sent again). */
  readonly results: string;
  readonly at: number;
  /** Set once its results were merged, so they merge once. */
  readonly merged?: boolean;
}

/** A request line sent as an async request, by the batch it became. */
export interface StoredAsyncLine {
  /** Absent in entries written before chat turns could be sent async. */
  readonly kind?: 'line';
  readonly uri: string;
  /** 0-based line, and its text as sent. */
  readonly line: number;
  readonly text: string;
  readonly customId: string;
  readonly at: number;
  /** Its result was written beside the file (the entry stays a while, so the tree still names the line). */
  readonly delivered?: boolean;
}

/** A chat reply asked for as an async request, by the batch it became. */
export interface StoredAsyncChat {
  readonly kind: 'chat';
  /** The assistant turn of the chat panel the reply fills. */
  readonly turnId: string;
  /** The start of the message it answers, for the Batches view. */
  readonly label: string;
  readonly window: string;
  readonly at: number;
  /** The reply (or why there is none), once its batch ended; kept until the entry goes, so a panel closed then finds it. */
  readonly reply?: AsyncChatReply;
  /** The turn was deleted: its batch goes on, but nothing is fetched when it ends. */
  readonly forgotten?: boolean;
  readonly delivered?: boolean;
}

export type StoredAsyncRequest = StoredAsyncLine | StoredAsyncChat;

/** globalState: follows the person across workspaces. */
export interface GlobalStorage {
  /** The model picked last in the chat, for a new conversation. */
  'kluster.chat.lastModel': string;
  /** The last /v1/models answer of each base URL, so an emulator's models never count as production's. */
  'kluster.modelCatalogs': Record<string, StoredModels>;
  /** The former single model list, which mixed base URLs; removed when found. */
  'kluster.modelCatalog': unknown;
}

/** workspaceState: belongs to this workspace. */
export interface WorkspaceStorage {
  /** Which local file each batch was submitted from, by batch id. */
  'kluster.batchLinks': Record<string, StoredLink>;
  /** Retry batches by batch id (Retry Failed Requests). */
  'kluster.retryLinks': Record<string, StoredRetry>;
  /** Request lines and chat turns sent async, by batch id; delivered ones are dropped after 30 days. */
  'kluster.asyncRequests': Record<string, StoredAsyncRequest>;
  /** The extension's copy of the chat panel state, as the webview last reported it (checked when read). */
  'kluster.chat.savedState': unknown;
  /** The chat's conversation history, newest first (src/core/chat/history.ts; checked when read). */
  'kluster.chat.history': unknown;
  /** Each results grid's filters, sort and columns, by results file URI (checked when read). */
  'kluster.results.gridState': Record<string, unknown>;
  /** The last submit of each experiment file, by its URI: the batches its parts became, tracked as one. */
  'kluster.experimentRuns': Record<string, StoredExperimentRun>;
  /** Each comparison's filter and position, by experiment and results URI (checked when read). */
  'kluster.comparison.state': Record<string, unknown>;
}

/** A Memento that only takes the keys of `Schema`, each with its own value type. */
export class Storage<Schema> {
  constructor(private readonly memento: vscode.Memento) {}

  get<K extends keyof Schema & string>(key: K): Schema[K] | undefined {
    return this.memento.get<Schema[K]>(key);
  }

  /** `undefined` removes the key. */
  update<K extends keyof Schema & string>(key: K, value: Schema[K] | undefined): Thenable<void> {
    return this.memento.update(key, value);
  }
}
