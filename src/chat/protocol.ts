// The one message protocol of the chat panel, imported by the extension host and by the webview bundle.
// The webview posts `ready` first; the host answers with `init` and only then streams to it.
import { turnsForRequest, type ChatSettings, type Conversation, type ConversationMessage } from '../core/chat/conversation';
import type { ModelOption } from '../core/models';
import { isCompletionWindow, type CompletionWindow } from '../core/api/windows';
import type { AsyncTurnInfo } from '../core/chat/asyncReply';

export const CHAT_VIEW_TYPE = 'kluster.chat';

export interface TokenUsage {
  readonly prompt?: number;
  readonly completion: number;
  readonly total?: number;
  /** True when the service sent no usage and the count is characters / 4. */
  readonly estimated: boolean;
}

/** An error shown inline under the reply. */
export interface ChatErrorInfo {
  readonly message: string;
  /** Retrying may help (rate limit, server error, dropped connection, timeout). Retry is offered anyway. */
  readonly transient: boolean;
  /** A fix beyond retrying, shown as a second button. */
  readonly remedy?: 'setApiKey' | 'openSettings';
}

/** `queued`: asked for as an async request; the reply fills in when its batch ends. */
export type TurnStatus = 'streaming' | 'queued' | 'done' | 'stopped' | 'error' | 'interrupted';

export interface ChatTurn extends ConversationMessage {
  /** Unique in the panel; for assistant turns, also the id of the stream that fills it. */
  readonly id: string;
  status?: TurnStatus;
  usage?: TokenUsage;
  error?: ChatErrorInfo;
  finishReason?: string;
  /** A user turn changed with Edit and Resend. */
  edited?: boolean;
  /** An assistant turn asked for async (Send Async): its batch and window. */
  async?: AsyncTurnInfo;
}

/** Everything the panel shows, saved with webview setState and restored after hiding or a reload. */
export interface ChatState {
  readonly version: 1;
  /** Which conversation this is, so the history keeps one copy of it (set by the webview when missing). */
  conversationId?: string;
  settings: ChatSettings;
  turns: ChatTurn[];
  draft: string;
  draftImageUrl: string;
  /**
   * Where the transcript was scrolled to (restored after a reload): pixels, and the first turn in view with
   * the offset into it (exact even when turns above are laid out late); `atEnd` follows new replies.
   */
  scroll?: { top: number; atEnd: boolean; turn?: string; offset?: number };
  /**
   * When the webview saved this copy (ms since the epoch). A browser reload can restore an older copy from
   * the workbench than the one the extension kept, so the newest copy wins.
   */
  savedAt?: number;
}

export type { ModelOption };

/** A stream the host is still running, or finished while the webview was hidden. */
export interface LiveStream {
  readonly id: string;
  readonly text: string;
}

// ---- host -> webview

export type HostMessage =
  | {
      readonly type: 'init';
      readonly models: readonly ModelOption[];
      /** Why the list is the documented one instead of the service's. */
      readonly modelsError?: string;
      /** The model picked last time, for a new conversation. */
      readonly lastModel?: string;
      readonly live: readonly LiveStream[];
    }
  | { readonly type: 'models'; readonly models: readonly ModelOption[]; readonly modelsError?: string }
  /** `undoable`: the conversation it replaces is offered back with Undo (Open in Chat; not a restore). */
  | {
      readonly type: 'load';
      readonly state: ChatState;
      readonly notice?: string;
      readonly undoable?: boolean;
      /** The conversation it replaces goes into the history (webview `archive`): Open New, a history switch. */
      readonly archive?: boolean;
    }
  /** How many conversations the history holds (the panel's History button is off at 0). */
  | { readonly type: 'history'; readonly count: number }
  | { readonly type: 'chunk'; readonly id: string; readonly delta: string }
  | { readonly type: 'done'; readonly id: string; readonly usage: TokenUsage; readonly finishReason?: string; readonly stopped: boolean }
  | { readonly type: 'error'; readonly id: string; readonly error: ChatErrorInfo }
  /** With `sendAsync`, sent as an async request with that window instead of streamed. */
  | { readonly type: 'prompt'; readonly text: string; readonly send: boolean; readonly sendAsync?: CompletionWindow }
  /** The async request of turn `id` was queued as batch `batchId`. */
  | { readonly type: 'queued'; readonly id: string; readonly batchId: string; readonly window: CompletionWindow }
  /** The window question of turn `id` was dismissed: nothing was sent. */
  | { readonly type: 'asyncDismissed'; readonly id: string }
  /** The reply of async turn `id` (a failure comes as `error`). */
  | { readonly type: 'asyncReply'; readonly id: string; readonly text: string; readonly usage: TokenUsage; readonly finishReason?: string }
  | { readonly type: 'action'; readonly action: WebviewAction };

/** Toolbar actions the host can trigger (editor title buttons, commands). */
export type PanelAction = 'stop' | 'regenerate' | 'clear';
/** The ones the webview carries out; the host stops streams itself. */
export type WebviewAction = Exclude<PanelAction, 'stop'>;

// ---- webview -> host

export type WebviewMessage =
  | { readonly type: 'ready'; readonly state: ChatState | null }
  | { readonly type: 'send'; readonly id: string; readonly conversation: Conversation }
  | { readonly type: 'cancel'; readonly id: string }
  /** Asks for reply `id` as an async request; without `window` the host asks which. */
  | { readonly type: 'sendAsync'; readonly id: string; readonly conversation: Conversation; readonly window?: CompletionWindow }
  /** Async turn `id` (batch `batchId`) was deleted: its reply is not wanted any more. */
  | { readonly type: 'forgetAsync'; readonly id: string; readonly batchId: string }
  /** `draftOnly`: only the draft changed since the last one (the host writes it to storage lazily). */
  | { readonly type: 'state'; readonly state: ChatState; readonly draftOnly?: boolean }
  | { readonly type: 'openLink'; readonly href: string }
  | { readonly type: 'copy'; readonly text: string }
  | { readonly type: 'saveAsRequest' }
  | { readonly type: 'refreshModels' }
  /** A conversation put aside (Clear, Open New, a history switch), for the history. */
  | { readonly type: 'archive'; readonly state: ChatState }
  | { readonly type: 'showHistory' }
  | { readonly type: 'remedy'; readonly remedy: 'setApiKey' | 'openSettings' };

type Of<U, T> = Extract<U, { type: T }>;

const hasType = (value: unknown): value is { type: unknown } => typeof value === 'object' && value !== null && 'type' in value;
const isString = (value: unknown): value is string => typeof value === 'string';
/** Every webview message type: `satisfies` fails the build when one is added to the union but not here. */
const WEBVIEW_TYPES: ReadonlySet<string> = new Set(
  Object.keys({
    ready: 0,
    send: 0,
    cancel: 0,
    sendAsync: 0,
    forgetAsync: 0,
    state: 0,
    openLink: 0,
    copy: 0,
    saveAsRequest: 0,
    refreshModels: 0,
    remedy: 0,
    archive: 0,
    showHistory: 0,
  } satisfies Record<WebviewMessage['type'], 0>),
);

/**
 * Checks what the webview posted before the host acts on it. The webview is ours, but it renders untrusted
 * model output, so the host treats its messages as input: shapes are checked, nothing is evaluated.
 */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!hasType(value) || !isString(value.type) || !WEBVIEW_TYPES.has(value.type)) return false;
  const m = value as Record<string, unknown>;
  switch (value.type) {
    case 'send':
      return isString(m.id) && isConversation(m.conversation);
    case 'cancel':
      return isString(m.id);
    case 'sendAsync':
      return isString(m.id) && isConversation(m.conversation) && isOptional(m.window, isWindow);
    case 'forgetAsync':
      return isString(m.id) && isString(m.batchId);
    case 'state':
      return isChatState(m.state) && (m.draftOnly === undefined || typeof m.draftOnly === 'boolean');
    case 'ready':
      return m.state === null || isChatState(m.state);
    case 'archive':
      return isChatState(m.state);
    case 'openLink':
      return isString(m.href);
    case 'copy':
      return isString(m.text);
    case 'remedy':
      return m.remedy === 'setApiKey' || m.remedy === 'openSettings';
    default:
      return true;
  }
}

const isOptional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isWindow = (value: unknown): value is CompletionWindow => isString(value) && isCompletionWindow(value);
const isCount = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isModelList = (value: unknown) =>
  Array.isArray(value) && value.every((m) => isObject(m) && isString(m.id) && isOptional(m.vision, (v) => typeof v === 'boolean'));

function isUsage(value: unknown): value is TokenUsage {
  return (
    isObject(value) &&
    isCount(value.completion) &&
    isOptional(value.prompt, isCount) &&
    isOptional(value.total, isCount) &&
    typeof value.estimated === 'boolean'
  );
}

function isErrorInfo(value: unknown): value is ChatErrorInfo {
  return (
    isObject(value) &&
    isString(value.message) &&
    typeof value.transient === 'boolean' &&
    isOptional(value.remedy, (r) => r === 'setApiKey' || r === 'openSettings')
  );
}

/**
 * Checks what the webview receives before acting on it: only the host posts to it, but a malformed message
 * (a bug, or another version of the extension after an update) is ignored rather than half-applied.
 * With `type`, also that it is of that type.
 */
export function isHostMessage<T extends HostMessage['type'] = HostMessage['type']>(value: unknown, type?: T): value is Of<HostMessage, T> {
  if (!hasType(value) || (type !== undefined && value.type !== type)) return false;
  const m = value as Record<string, unknown>;
  switch (value.type) {
    case 'init':
      return (
        isModelList(m.models) &&
        isOptional(m.modelsError, isString) &&
        isOptional(m.lastModel, isString) &&
        Array.isArray(m.live) &&
        m.live.every((s) => isObject(s) && isString(s.id) && isString(s.text))
      );
    case 'models':
      return isModelList(m.models) && isOptional(m.modelsError, isString);
    case 'load':
      return (
        isChatState(m.state) &&
        isOptional(m.notice, isString) &&
        isOptional(m.undoable, (u) => typeof u === 'boolean') &&
        isOptional(m.archive, (a) => typeof a === 'boolean')
      );
    case 'history':
      return isCount(m.count);
    case 'chunk':
      return isString(m.id) && isString(m.delta);
    case 'done':
      return isString(m.id) && isUsage(m.usage) && isOptional(m.finishReason, isString) && typeof m.stopped === 'boolean';
    case 'error':
      return isString(m.id) && isErrorInfo(m.error);
    case 'prompt':
      return isString(m.text) && typeof m.send === 'boolean' && isOptional(m.sendAsync, isWindow);
    case 'queued':
      return isString(m.id) && isString(m.batchId) && isWindow(m.window);
    case 'asyncDismissed':
      return isString(m.id);
    case 'asyncReply':
      return isString(m.id) && isString(m.text) && isUsage(m.usage) && isOptional(m.finishReason, isString);
    case 'action':
      return m.action === 'regenerate' || m.action === 'clear';
    default:
      return false;
  }
}

export function isConversation(value: unknown): value is Conversation {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<Conversation>;
  return isSettings(c.settings) && Array.isArray(c.messages) && c.messages.every(isConversationMessage);
}

function isSettings(value: unknown): value is ChatSettings {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<ChatSettings>;
  return isString(s.model) && isString(s.system) && typeof s.params === 'object' && s.params !== null;
}

function isConversationMessage(value: unknown): value is ConversationMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<ConversationMessage>;
  return (m.role === 'user' || m.role === 'assistant') && isString(m.text) && (m.imageUrl === undefined || isString(m.imageUrl));
}

export function isChatState(value: unknown): value is ChatState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<ChatState>;
  return (
    s.version === 1 &&
    isOptional(s.conversationId, isString) &&
    isSettings(s.settings) &&
    Array.isArray(s.turns) &&
    s.turns.every((t) => isConversationMessage(t) && isString((t as Partial<ChatTurn>).id)) &&
    isString(s.draft) &&
    isString(s.draftImageUrl)
  );
}

/** The conversation a turn list stands for (see turnsForRequest), in order, without ids or status. */
export function conversationOf(state: Pick<ChatState, 'settings' | 'turns'>): Conversation {
  const messages: ConversationMessage[] = turnsForRequest(state.turns).map((t) =>
    t.imageUrl ? { role: t.role, text: t.text, imageUrl: t.imageUrl } : { role: t.role, text: t.text },
  );
  return { settings: state.settings, messages };
}

/** The more recently saved of two copies of the panel state (undefined ones lose). */
export function newestState(a: ChatState | undefined, b: ChatState | undefined): ChatState | undefined {
  if (!a || !b) return a ?? b;
  return (b.savedAt ?? 0) > (a.savedAt ?? 0) ? b : a;
}

export function emptyState(model = ''): ChatState {
  return { version: 1, settings: { model, system: '', params: {} }, turns: [], draft: '', draftImageUrl: '' };
}

/** The panel state for a request loaded from a file: a trailing user message becomes the draft, ready to send. */
export function stateFromConversation(conversation: Conversation): ChatState {
  const messages = [...conversation.messages];
  const last = messages.at(-1);
  const draft = last?.role === 'user' ? messages.pop()! : undefined;
  const turns: ChatTurn[] = messages.map((m, index) => ({
    ...m,
    id: `r-${index}`,
    ...(m.role === 'assistant' ? { status: 'done' as const } : {}),
  }));
  return { version: 1, settings: conversation.settings, turns, draft: draft?.text ?? '', draftImageUrl: draft?.imageUrl ?? '' };
}

/** What Save as Batch Request writes: the finished turns, plus the draft as the last user message. */
export function conversationForSave(state: ChatState): Conversation {
  const conversation = conversationOf(state);
  const draft = state.draft.trim() ? state.draft : '';
  if (draft || state.draftImageUrl.trim()) {
    const imageUrl = state.draftImageUrl.trim();
    conversation.messages.push(imageUrl ? { role: 'user', text: draft, imageUrl } : { role: 'user', text: draft });
  }
  return conversation;
}
