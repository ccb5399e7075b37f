// Wires the chat panel into VS Code: one panel at a time, restored after a reload by its serializer,
// Open in Chat on request lines (CodeLens and light bulb), and the chat commands.
import * as vscode from 'vscode';
import type { CommandFactories } from '../commands';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';
import { ChatPanel, savedChatState } from './chatPanel';
import { webviewOptions } from './webviewPage';
import { OpenInChatCodeActions, OpenInChatCodeLensProvider } from './codeLens';
import { chatCommands } from './commands';
import { ChatHistory } from './history';
import { CHAT_VIEW_TYPE, isChatState, newestState, type ChatState } from './protocol';
import type { AsyncRequests } from '../batches/asyncRequests';
import { Commands } from '../constants';
import { awaitingAsync } from '../core/chat/asyncReply';
import { AsyncChat } from './asyncTurns';

export class ChatFeature extends Disposable {
  private current: ChatPanel | undefined;
  readonly commands: CommandFactories = chatCommands(this);
  readonly history: ChatHistory;
  private readonly asyncChat: AsyncChat;

  constructor(
    readonly container: Container,
    asyncRequests: AsyncRequests,
  ) {
    super();
    this.history = new ChatHistory(container.workspaceState);
    this.asyncChat = new AsyncChat(asyncRequests, container.config);
    this._register(
      asyncRequests.onDidAnswerChat((answer) => {
        this.current?.deliverAsync(answer);
        if (this.current?.shows(answer.turnId)) return;
        const what = answer.reply.status === 'done' ? 'The async reply in the chat arrived' : 'The async request of the chat failed';
        void vscode.window.showInformationMessage(`${what} (batch ${answer.batchId}).`, 'Open Chat').then((pick) => {
          if (pick) void vscode.commands.executeCommand(Commands.openChat);
        });
      }),
    );
    this._register(
      vscode.window.registerWebviewPanelSerializer(CHAT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          // The workbench's copy can be older than the extension's after a browser reload: the newest wins.
          this.adopt(panel, newestState(isChatState(state) ? state : undefined, savedChatState(container.workspaceState)));
        },
      }),
    );
    const jsonl = [{ language: 'jsonl' }, { pattern: '**/*.jsonl' }];
    const lenses = this._register(new OpenInChatCodeLensProvider(container.config));
    this._register(vscode.languages.registerCodeLensProvider(jsonl, lenses));
    this._register(vscode.languages.registerCodeActionsProvider(jsonl, new OpenInChatCodeActions(), OpenInChatCodeActions.metadata));
  }

  /** The open chat panel, if any. */
  get panel(): ChatPanel | undefined {
    return this.current;
  }

  /** Shows the chat panel, creating it when there is none. */
  open(): ChatPanel {
    if (this.current) {
      this.current.panel.reveal(undefined, false);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(CHAT_VIEW_TYPE, 'kluster Chat', vscode.ViewColumn.Active, {
      ...webviewOptions(this.container.context.extensionUri),
      retainContextWhenHidden: false,
    });
    // A conversation closed while it waited for an async reply comes back with it (or still waiting).
    const saved = savedChatState(this.container.workspaceState);
    return this.adopt(panel, saved && awaitingAsync(saved.turns) ? saved : undefined);
  }

  private adopt(panel: vscode.WebviewPanel, state: ChatState | undefined): ChatPanel {
    this.current?.dispose();
    const chat = new ChatPanel(panel, this.container, this.history, this.asyncChat, state);
    this.current = chat;
    chat.onDidDispose(() => {
      if (this.current === chat) this.current = undefined;
    });
    return chat;
  }

  override dispose(): void {
    this.current?.dispose();
    super.dispose();
  }
}
