// Wires the chat panels into VS Code: the main one and any opened with Open New, restored after a reload by
// their serializers; Open in Chat on request lines (CodeLens and light bulb); and the chat commands.
import * as vscode from 'vscode';
import type { CommandFactories } from '../commands';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';
import { ChatPanel, savedChatState } from './chatPanel';
import { webviewOptions } from './webviewPage';
import { OpenInChatCodeActions, OpenInChatCodeLensProvider } from './codeLens';
import { chatCommands } from './commands';
import { CHAT_EXTRA_VIEW_TYPE, CHAT_VIEW_TYPE, isChatState, newestState, type ChatState } from './protocol';

export class ChatFeature extends Disposable {
  /** The main panel: its state is also kept by the extension, so a browser reload cannot lose it. */
  private current: ChatPanel | undefined;
  /** Panels opened with Open New, restored from their webview state only. */
  private readonly extras = new Set<ChatPanel>();
  /** The panel last in front, which the chat commands act on. */
  private lastActive: ChatPanel | undefined;
  readonly commands: CommandFactories = chatCommands(this);

  constructor(readonly container: Container) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(CHAT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          // The workbench's copy can be older than the extension's after a browser reload: the newest wins.
          this.adopt(panel, newestState(isChatState(state) ? state : undefined, savedChatState(container.workspaceState)));
        },
      }),
    );
    this._register(
      vscode.window.registerWebviewPanelSerializer(CHAT_EXTRA_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          this.adoptExtra(panel, isChatState(state) ? state : undefined);
        },
      }),
    );
    const jsonl = [{ language: 'jsonl' }, { pattern: '**/*.jsonl' }];
    const lenses = this._register(new OpenInChatCodeLensProvider(container.config));
    this._register(vscode.languages.registerCodeLensProvider(jsonl, lenses));
    this._register(vscode.languages.registerCodeActionsProvider(jsonl, new OpenInChatCodeActions(), OpenInChatCodeActions.metadata));
  }

  /** The chat panel last in front (the main one, or one opened with Open New), if any. */
  get panel(): ChatPanel | undefined {
    return this.lastActive ?? this.current ?? [...this.extras].at(-1);
  }

  /** Shows the main chat panel, creating it when there is none. */
  open(): ChatPanel {
    if (this.current) {
      this.current.panel.reveal(undefined, false);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(CHAT_VIEW_TYPE, 'kluster Chat', vscode.ViewColumn.Active, {
      ...webviewOptions(this.container.context.extensionUri),
      retainContextWhenHidden: false,
    });
    return this.adopt(panel, undefined);
  }

  /** Opens another chat panel beside the others, for a second conversation. */
  openNew(): ChatPanel {
    const panel = vscode.window.createWebviewPanel(CHAT_EXTRA_VIEW_TYPE, `kluster Chat ${this.extras.size + 2}`, vscode.ViewColumn.Active, {
      ...webviewOptions(this.container.context.extensionUri),
      retainContextWhenHidden: false,
    });
    return this.adoptExtra(panel, undefined);
  }

  private adopt(panel: vscode.WebviewPanel, state: ChatState | undefined): ChatPanel {
    this.current?.dispose();
    const chat = this.track(new ChatPanel(panel, this.container, state));
    this.current = chat;
    chat.onDidDispose(() => {
      if (this.current === chat) this.current = undefined;
    });
    return chat;
  }

  private adoptExtra(panel: vscode.WebviewPanel, state: ChatState | undefined): ChatPanel {
    const chat = this.track(new ChatPanel(panel, this.container, state, false));
    this.extras.add(chat);
    chat.onDidDispose(() => this.extras.delete(chat));
    return chat;
  }

  /** Remembers which panel is in front; a closed one is forgotten. */
  private track(chat: ChatPanel): ChatPanel {
    this.lastActive = chat;
    chat.panel.onDidChangeViewState(() => {
      if (chat.panel.active) this.lastActive = chat;
    });
    chat.onDidDispose(() => {
      if (this.lastActive === chat) this.lastActive = undefined;
    });
    return chat;
  }

  override dispose(): void {
    this.current?.dispose();
    for (const extra of this.extras) extra.dispose();
    super.dispose();
  }
}
