import * as path from 'path';
import * as vscode from 'vscode';
import { uriOf } from '../commandArgs';
import { CANCELLED, shownError, type CommandFactories, type Outcome } from '../commands';
import { Commands } from '../constants';
import { fromRequestLine, RequestLineError } from '../core/chat/conversation';
import { COMPLETION_WINDOWS, isCompletionWindow } from '../core/api';
import type { ChatFeature } from './feature';
import type { ChatSnapshot } from './chatPanel';
import { conversationForSave, stateFromConversation } from './protocol';
import { appendRequest, pickRequestFile, type SavedRequest } from './saveRequest';
import { showChatHistory } from './historyPick';

/**
 * Open in Chat: the request's `custom_id`, the fields the chat does not carry over, and what became of the
 * conversation the chat held: none, kept in the history (Open New), or replaced (Undo brings it back).
 */
export type OpenInChatOutcome = Outcome<{
  readonly status: 'loaded';
  readonly customId?: string;
  readonly ignored: readonly string[];
  readonly previous: 'none' | 'inHistory' | 'replaced';
}>;

/** The answers to Open in Chat's question when the chat holds a conversation; Cancel is the dialog's own. */
export const OPEN_NEW = 'Open New';
export const REPLACE = 'Replace';
export type OpenInChatChoice = typeof OPEN_NEW | typeof REPLACE | 'Cancel';
/** Save as Batch Request: where the new request line went. */
export type SaveRequestOutcome = Outcome<{ readonly status: 'saved' } & SavedRequest>;
/** Send Selection to Chat. */
export type SendOutcome = Outcome<{ readonly status: 'sent' }>;

export function chatCommands(chat: ChatFeature): CommandFactories {
  return {
    [Commands.openChat]: () => () => {
      chat.open();
      return true;
    },

    /**
     * Loads a request line into the panel: from the CodeLens (uri, line) or the cursor line of the editor.
     * When the panel holds a conversation it asks: Open New (that one goes into the history), Replace (Undo
     * brings it back) or Cancel. `{ choice }` answers without the dialog and `{ confirm: false }` replaces
     * (automation and tests).
     */
    [Commands.openInChat]:
      () =>
      async (
        uriArg?: unknown,
        lineArg?: unknown,
        options?: { confirm?: boolean; choice?: OpenInChatChoice },
      ): Promise<OpenInChatOutcome> => {
        const uri = uriOf(uriArg);
        const editor = vscode.window.activeTextEditor;
        const document = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
        if (!document) return shownError('Open a batch .jsonl file and put the cursor on a request line.');
        const line = typeof lineArg === 'number' ? lineArg : (editor?.selection.active.line ?? 0);
        if (line < 0 || line >= document.lineCount) return shownError(`Line ${line + 1} is not in ${path.basename(document.uri.path)}.`);
        let loaded;
        try {
          loaded = fromRequestLine(document.lineAt(line).text);
        } catch (error) {
          if (error instanceof RequestLineError) return shownError(`Line ${line + 1} cannot be opened in chat: ${error.message}`);
          throw error;
        }
        const where = `${path.basename(document.uri.path)}:${line + 1}`;
        const ignored = loaded.ignored.length ? ` Not carried over: ${loaded.ignored.join(', ')}.` : '';
        const held = chat.panel?.conversationState.turns.length ?? 0;
        const name = loaded.customId ?? 'the request';
        let choice: OpenInChatChoice = REPLACE;
        if (held > 0 && options?.confirm !== false) {
          choice =
            options?.choice ??
            (await vscode.window.showInformationMessage(
              `Open ${name} from ${where} in a new conversation?`,
              {
                modal: true,
                detail: `The chat holds a conversation of ${held} message${held === 1 ? '' : 's'}. Open New keeps it in the chat history; Replace discards it (Undo in the chat brings it back).`,
              },
              OPEN_NEW,
              REPLACE,
            )) ??
            'Cancel';
          if (choice === 'Cancel') return CANCELLED;
        }
        const fresh = choice === OPEN_NEW;
        const notice = `Loaded ${name} from ${where}${fresh ? ' in a new conversation; the previous one is in the history' : ''}.${ignored}`;
        chat.open().load(stateFromConversation(loaded.conversation), notice, fresh);
        return {
          status: 'loaded',
          customId: loaded.customId,
          ignored: loaded.ignored,
          previous: held === 0 ? 'none' : fresh ? 'inHistory' : 'replaced',
        };
      },

    /** Appends the open conversation to a JSONL file; a path or URI argument skips the picker. */
    [Commands.chatSaveAsRequest]:
      (container) =>
      async (target?: unknown): Promise<SaveRequestOutcome> => {
        const panel = chat.panel;
        if (!panel) return shownError('Open a chat first: "kluster: Open Chat".');
        const conversation = conversationForSave(panel.conversationState);
        if (conversation.messages.length === 0) return shownError('Nothing to save: the chat has no messages yet.');
        const uri = uriOf(target) ?? (await pickRequestFile());
        if (!uri) return CANCELLED;
        const saved = await appendRequest(uri, conversation, container.validation.options);
        container.log.info('chat', `saved request ${saved.customId} to ${uri.toString(true)}:${saved.line + 1}`);
        if (target === undefined) {
          void vscode.window
            .showInformationMessage(`Saved request ${saved.customId} to ${path.basename(uri.path)}.`, 'Open File')
            .then(async (choice) => {
              if (!choice) return;
              const editor = await vscode.window.showTextDocument(uri);
              const position = new vscode.Position(saved.line, 0);
              editor.selection = new vscode.Selection(position, position);
              editor.revealRange(new vscode.Range(position, position));
            });
        }
        return { status: 'saved', ...saved };
      },

    /**
     * Sends the editor selection (or a string argument) as a chat message; `{ sendAsync: '1h' }` sends it as an
     * async request with that completion window instead (scripts, tests: the panel's Send Async asks the window).
     */
    [Commands.chatSendSelection]:
      () =>
      (text?: unknown, options?: { sendAsync?: unknown }): SendOutcome => {
        const editor = vscode.window.activeTextEditor;
        const value =
          typeof text === 'string' ? text : editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
        if (!value.trim()) return shownError('Select some text to send to the chat.');
        const window = typeof options?.sendAsync === 'string' ? options.sendAsync : undefined;
        if (window !== undefined && !isCompletionWindow(window))
          return shownError(`"${window}" is not a completion window: ${COMPLETION_WINDOWS.join(', ')}.`);
        chat.open().prompt(value, true, window);
        return { status: 'sent' };
      },

    [Commands.chatStop]: () => () => chat.panel?.act('stop'),
    [Commands.chatRegenerate]: () => () => chat.panel?.act('regenerate'),
    [Commands.chatClear]: () => () => chat.panel?.act('clear'),
    [Commands.chatHistory]: () => (conversationId?: unknown) => showChatHistory(chat, conversationId),

    /** The panel's state as the extension last heard it (for automation and tests); undefined without a panel. */
    [Commands.chatSnapshot]: () => (): ChatSnapshot | undefined => chat.panel?.snapshot(),
  };
}
