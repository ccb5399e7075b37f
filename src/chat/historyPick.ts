// Show Chat History: a quick pick of the conversations put aside, newest first, to switch back to one (the one
// on screen takes its place in the history) or remove one with the item's trash button.
import * as vscode from 'vscode';
import { CANCELLED, shownError, type Outcome } from '../commands';
import { conversationTitle, historyDescription } from '../core/chat/history';
import type { ChatFeature } from './feature';
import type { ChatHistoryEntry } from './history';

/** Show Chat History: the conversation now in the panel, or why not. */
export type ChatHistoryOutcome = Outcome<{ readonly status: 'switched'; readonly conversationId: string } | { readonly status: 'empty' }>;

interface EntryItem extends vscode.QuickPickItem {
  readonly id: string;
}

const REMOVE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Remove from History' };

function itemOf(entry: ChatHistoryEntry, now: number): EntryItem {
  const model = entry.state.settings.model;
  return {
    id: entry.id,
    label: conversationTitle(entry.state),
    description: historyDescription(entry, now),
    detail: model || undefined,
    buttons: [REMOVE],
  };
}

/** Asks which conversation to switch to; resolves with its id, or undefined when dismissed. */
function pickEntry(chat: ChatFeature): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<EntryItem>();
  pick.title = 'Chat History';
  pick.placeholder = 'Switch to a conversation (the one in the chat now goes into the history)';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const show = () => {
    const now = Date.now();
    pick.items = chat.history.entries.map((e) => itemOf(e, now));
  };
  show();
  return new Promise((resolve) => {
    let chosen: string | undefined;
    pick.onDidTriggerItemButton(async ({ item }) => {
      await chat.history.forget(item.id);
      if (chat.history.entries.length === 0) pick.hide();
      else show();
    });
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0]?.id;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}

/** Switches the panel to a conversation of the history: picked, or given by id (automation and tests). */
export async function showChatHistory(chat: ChatFeature, conversationId?: unknown): Promise<ChatHistoryOutcome> {
  if (chat.history.entries.length === 0 && conversationId === undefined) {
    void vscode.window.showInformationMessage(
      'No earlier chat conversations yet. Open New, Clear and closing the chat keep the conversation here.',
    );
    return { status: 'empty' };
  }
  const id = typeof conversationId === 'string' ? conversationId : await pickEntry(chat);
  if (id === undefined) return CANCELLED;
  const entry = chat.history.find(id);
  if (!entry) return shownError('That conversation is no longer in the chat history.');
  chat.open().load(entry.state, `Back to "${conversationTitle(entry.state)}".`, true);
  return { status: 'switched', conversationId: id };
}
