// The chat webview panel: strict CSP, state kept by the webview (restored after hiding and, through the
// serializer, after a reload), and the host end of src/chat/protocol.ts.
import * as vscode from 'vscode';
import { Commands, ContextKeys } from '../constants';
import { setContext } from '../context';
import type { Container } from '../container';
import { checkParams, isHttpUrl, type Conversation } from '../core/chat/conversation';
import { Disposable } from '../lifecycle';
import { ChatSession } from './chatSession';
import { replyMessage, type AsyncChat } from './asyncTurns';
import type { AsyncChatAnswer } from '../batches/asyncRequests';
import type { CompletionWindow } from '../core/api';
import { openReplyLink } from './replyLinks';
import { webviewOptions, webviewPage } from './webviewPage';
import type { Storage, WorkspaceStorage } from '../storage';
import { StateWriter } from './stateWriter';
import type { ChatHistory, ChatHistoryEntry } from './history';
import type { ModelList } from '../api/modelCatalog';
import { runRemedy } from '../api/showError';
import {
  emptyState,
  isChatState,
  isWebviewMessage,
  newestState,
  type ChatState,
  type HostMessage,
  type PanelAction,
  type WebviewMessage,
} from './protocol';

/** The extension's copy of the panel state, kept as the webview reports it. */
export function savedChatState(storage: Storage<WorkspaceStorage>): ChatState | undefined {
  const saved = storage.get('kluster.chat.savedState');
  return isChatState(saved) ? saved : undefined;
}

export interface ChatSnapshot {
  readonly ready: boolean;
  readonly busy: boolean;
  readonly state: ChatState;
  /** The conversations put aside, newest first. */
  readonly history: readonly ChatHistoryEntry[];
  /** The tab icon's files (paths), for each theme kind. */
  readonly icon: { readonly light?: string; readonly dark?: string };
}

export class ChatPanel extends Disposable {
  private ready = false;
  private state: ChatState;
  /** Host requests made before the webview said `ready`. */
  private queued: HostMessage[] = [];
  private readonly session: ChatSession;
  private readonly writer: StateWriter;
  /** The state this panel was restored with after a reload, until the webview says `ready`. */
  private restored: ChatState | undefined;
  /** Set while the extension disposes the panel (a reload, a deactivation), not the person closing it. */
  private disposing = false;
  private readonly closed = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly container: Container,
    private readonly history: ChatHistory,
    private readonly asyncChat: AsyncChat,
    restored?: ChatState,
  ) {
    super();
    this._register(panel);
    this.state = restored ?? emptyState();
    this.restored = restored;
    this.session = new ChatSession({ client: () => container.clients.get(), log: container.log });
    this.writer = new StateWriter((state) => container.workspaceState.update('kluster.chat.savedState', state));
    panel.webview.options = webviewOptions(container.context.extensionUri);
    // A pair with fixed colours: a tab does not apply currentColor, so one SVG would be black on a dark tab.
    const media = (name: string) => vscode.Uri.joinPath(container.context.extensionUri, 'media', name);
    panel.iconPath = { light: media('kluster-light.svg'), dark: media('kluster-dark.svg') };
    this._register(panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)));
    this._register(
      panel.onDidChangeViewState(() => {
        // Hidden webviews are destroyed (retainContextWhenHidden is off); streams go on and are replayed.
        if (!panel.visible) this.detach();
      }),
    );
    this._register(container.models.onDidChange((list) => this.postModels(list)));
    this._register(
      history.onDidChange((entries) => {
        if (this.ready) this.post({ type: 'history', count: entries.length });
      }),
    );
    this._register(
      panel.onDidDispose(() => {
        const closedByPerson = !this.disposing;
        this.session.dispose();
        this.closed.fire();
        this.dispose();
        // Closing the tab puts the conversation aside, as Clear does (a reload restores it instead).
        if (closedByPerson) void this.history.keep(this.state);
      }),
    );
    panel.webview.html = webviewPage(panel.webview, container.context.extensionUri, {
      title: 'kluster Chat',
      script: 'dist/webview.js',
      stylesheet: 'media/chat.css',
    });
  }

  snapshot(): ChatSnapshot {
    const icon = this.panel.iconPath;
    const light = icon instanceof vscode.Uri ? icon : icon?.light;
    const dark = icon instanceof vscode.Uri ? icon : icon?.dark;
    return {
      ready: this.ready,
      busy: this.session.busy,
      state: this.state,
      history: this.history.entries,
      icon: { light: light?.fsPath, dark: dark?.fsPath },
    };
  }

  get conversationState(): ChatState {
    return this.state;
  }

  /**
   * Shows another conversation (Open in Chat, a history switch). The one it replaces goes into the history
   * with `archive`, else it is offered back with Undo.
   */
  load(state: ChatState, notice?: string, archive = false): void {
    this.session.cancelAll();
    this.state = state;
    this.post(archive ? { type: 'load', state, notice, archive } : { type: 'load', state, notice, undoable: true });
  }

  /** Puts text in the composer and, with `send`, sends it (as an async request with `sendAsync`'s window). */
  prompt(text: string, send: boolean, sendAsync?: CompletionWindow): void {
    this.post(sendAsync ? { type: 'prompt', text, send, sendAsync } : { type: 'prompt', text, send });
  }

  /** An async reply arrived: filled in now if the webview shows its turn (else when a state with it comes back). */
  deliverAsync(answer: AsyncChatAnswer): void {
    const turn = this.state.turns.find((t) => t.id === answer.turnId);
    if (this.ready && turn?.status === 'queued') this.post(replyMessage(answer.turnId, answer.reply));
  }

  /** Whether the panel is on screen with the conversation awaiting that reply. */
  shows(turnId: string): boolean {
    return this.panel.visible && this.state.turns.some((t) => t.id === turnId);
  }

  act(action: PanelAction): void {
    if (action === 'stop') this.session.cancelAll();
    else this.post({ type: 'action', action });
  }

  private post(message: HostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queued.push(message);
  }

  private detach(): void {
    this.ready = false;
    void this.writer.flush();
    this.session.disconnect();
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.container.log.warn('chat', 'ignored a malformed message from the chat webview');
      return;
    }
    try {
      await this.handle(raw);
    } catch (error) {
      this.container.log.error('chat', `handling "${raw.type}"`, error);
      void vscode.window.showErrorMessage(`kluster chat: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.onReady(message.state);
      case 'state':
        this.state = message.state;
        await this.history.forget(message.state.conversationId);
        await this.writer.update(message.state, message.draftOnly === true);
        await this.rememberModel(message.state.settings.model);
        this.postKnownReplies();
        return;
      case 'send':
        return this.send(message.id, message.conversation);
      case 'cancel':
        this.session.cancel(message.id);
        return;
      case 'sendAsync':
        return this.sendAsync(message.id, message.conversation, message.window);
      case 'forgetAsync':
        return this.asyncChat.forget(message.batchId);
      case 'openLink':
        return openReplyLink(this.container.log, 'chat', message.href);
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage('$(check) Copied to the clipboard', 2000);
        return;
      case 'saveAsRequest':
        await vscode.commands.executeCommand(Commands.chatSaveAsRequest);
        return;
      case 'refreshModels': {
        // Asked for, so answered even when nothing changed; a change was posted by onDidChange already.
        const before = this.container.models.current;
        const list = await this.container.models.refresh(true);
        if (list === before) this.postModels(list);
        return;
      }
      case 'remedy':
        await runRemedy(message.remedy);
        return;
      case 'archive':
        return this.history.keep(message.state);
      case 'showHistory':
        await vscode.commands.executeCommand(Commands.chatHistory);
        return;
    }
  }

  private async onReady(state: ChatState | null): Promise<void> {
    // After a browser reload the webview may start from an older copy than the one the extension kept.
    const restored = this.restored;
    this.restored = undefined;
    const newer = restored && (!state || newestState(state, restored) === restored) ? restored : undefined;
    this.state = newer ?? state ?? this.state;
    const post = (m: HostMessage) => void this.panel.webview.postMessage(m);
    if (newer) post({ type: 'load', state: newer });
    const { live, deliverMissed } = this.session.connect(post);
    const shown = this.container.models.current;
    post({
      type: 'init',
      models: shown.options,
      modelsError: shown.error,
      lastModel: this.container.globalState.get('kluster.chat.lastModel'),
      live,
    });
    deliverMissed();
    post({ type: 'history', count: this.history.entries.length });
    this.ready = true;
    const queued = this.queued;
    this.queued = [];
    for (const message of queued) post(message);
    this.postKnownReplies();
    // A change arrives through onDidChange; a fresh list is returned as it is, and nothing is posted.
    await this.container.models.refresh();
  }

  private postModels(list: ModelList): void {
    if (this.ready)
      void this.panel.webview.postMessage({ type: 'models', models: list.options, modelsError: list.error } satisfies HostMessage);
  }

  /** What stops a conversation from being sent, posted as the turn's error; true when there is nothing. */
  private checked(id: string, conversation: Conversation): boolean {
    const problems = checkParams(conversation.settings.params);
    // Checked again here, as for links: only http(s) image URLs leave for the service.
    if (conversation.messages.some((m) => m.imageUrl !== undefined && !isHttpUrl(m.imageUrl)))
      problems.push('The image URL must start with https:// or http://.');
    if (problems.length) this.post({ type: 'error', id, error: { message: problems.join(' '), transient: false } });
    return problems.length === 0;
  }

  private async send(id: string, conversation: Conversation): Promise<void> {
    if (!this.checked(id, conversation)) return;
    await this.rememberModel(conversation.settings.model);
    await setContext(ContextKeys.chatStreaming, true);
    try {
      await this.session.start(id, conversation);
    } finally {
      await setContext(ContextKeys.chatStreaming, this.session.busy);
    }
  }

  private async sendAsync(id: string, conversation: Conversation, window: CompletionWindow | undefined): Promise<void> {
    if (!this.checked(id, conversation)) return;
    await this.rememberModel(conversation.settings.model);
    this.post(await this.asyncChat.send(id, conversation, window));
  }

  /** Fills the queued turns of the conversation shown whose replies arrived while it was not. */
  private postKnownReplies(): void {
    if (this.ready) for (const message of this.asyncChat.known(this.state)) this.post(message);
  }

  /** The model a new chat starts with. */
  private async rememberModel(model: string): Promise<void> {
    if (model && this.container.globalState.get('kluster.chat.lastModel') !== model)
      await this.container.globalState.update('kluster.chat.lastModel', model);
  }

  override dispose(): void {
    this.disposing = true;
    void this.writer.flush();
    this.session.dispose();
    super.dispose();
  }
}
