import * as path from 'path';
import * as vscode from 'vscode';
import { uriOf } from '../commandArgs';
import type { CommandFactories } from '../commands';
import { Commands } from '../constants';
import { fromRequestLine, RequestLineError } from '../core/chat/conversation';
import type { ChatFeature } from './feature';
import type { ChatSnapshot } from './chatPanel';
import { conversationForSave, stateFromConversation } from './protocol';
import { appendRequest, pickRequestFile, type SavedRequest } from './saveRequest';

export function chatCommands(chat: ChatFeature): CommandFactories {
  return {
    [Commands.openChat]: () => () => {
      chat.open();
      return true;
    },

    /**
     * Loads a request line into the panel: from the CodeLens (uri, line) or the cursor line of the editor.
     * A conversation in the panel is only replaced after asking (`{ confirm: false }` skips that, for tests),
     * and it can be brought back with Undo. Returns undefined when the person said no.
     */
    [Commands.openInChat]: () => async (uriArg?: unknown, lineArg?: unknown, options?: { confirm?: boolean }) => {
      const uri = uriOf(uriArg);
      const editor = vscode.window.activeTextEditor;
      const document = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
      if (!document) throw new Error('Open a batch .jsonl file and put the cursor on a request line.');
      const line = typeof lineArg === 'number' ? lineArg : (editor?.selection.active.line ?? 0);
      if (line < 0 || line >= document.lineCount) throw new Error(`Line ${line + 1} is not in ${path.basename(document.uri.path)}.`);
      let loaded;
      try {
        loaded = fromRequestLine(document.lineAt(line).text);
      } catch (error) {
        if (error instanceof RequestLineError) throw new Error(`Line ${line + 1} cannot be opened in chat: ${error.message}`);
        throw error;
      }
      const where = `${path.basename(document.uri.path)}:${line + 1}`;
      const ignored = loaded.ignored.length ? ` Not carried over: ${loaded.ignored.join(', ')}.` : '';
      const held = chat.panel?.conversationState.turns.length ?? 0;
      if (held > 0 && options?.confirm !== false) {
        const pick = await vscode.window.showWarningMessage(
          `Replace the conversation in the chat with ${loaded.customId ?? 'the request'} from ${where}?`,
          { modal: true, detail: `The chat holds ${held} message${held === 1 ? '' : 's'}. Undo in the chat brings them back.` },
          'Replace',
        );
        if (pick !== 'Replace') return undefined;
      }
      chat.open().load(stateFromConversation(loaded.conversation), `Loaded ${loaded.customId ?? 'the request'} from ${where}.${ignored}`);
      return { customId: loaded.customId, ignored: loaded.ignored };
    },

    /** Appends the open conversation to a JSONL file; a path or URI argument skips the picker. */
    [Commands.chatSaveAsRequest]:
      (container) =>
      async (target?: unknown): Promise<SavedRequest | undefined> => {
        const panel = chat.panel;
        if (!panel) throw new Error('Open a chat first: "kluster: Open Chat".');
        const conversation = conversationForSave(panel.conversationState);
        if (conversation.messages.length === 0) throw new Error('Nothing to save: the chat has no messages yet.');
        const uri = uriOf(target) ?? (await pickRequestFile());
        if (!uri) return undefined;
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
        return saved;
      },

    /** Sends the editor selection (or a string argument) as a chat message. */
    [Commands.chatSendSelection]: () => (text?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const value = typeof text === 'string' ? text : editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
      if (!value.trim()) throw new Error('Select some text to send to the chat.');
      chat.open().prompt(value, true);
      return true;
    },

    [Commands.chatStop]: () => () => chat.panel?.act('stop'),
    [Commands.chatRegenerate]: () => () => chat.panel?.act('regenerate'),
    [Commands.chatClear]: () => () => chat.panel?.act('clear'),

    /** The panel's state as the extension last heard it (for automation and tests); undefined without a panel. */
    [Commands.chatSnapshot]: () => (): ChatSnapshot | undefined => chat.panel?.snapshot(),
  };
}
