// The chat panel's Send Async, on the host: the window question, the request (through the batches' async
// requests, which follow its batch and fetch its reply), and the replies handed to the webview. A reply is kept
// with its async request, so whichever copy of the conversation comes back (a reopened panel, a reload, an
// Undo) still gets it: every state the webview reports is checked for queued turns whose reply is known.
import type { AsyncRequests } from '../batches/asyncRequests';
import { describeChatError } from './chatSession';
import type { Config } from '../config';
import type { CompletionWindow } from '../core/api';
import { queuedTurnIds, type AsyncChatReply } from '../core/chat/asyncReply';
import { toRequestBody, type Conversation } from '../core/chat/conversation';
import type { ChatState, HostMessage } from './protocol';

/** The start of the message a reply answers, for the Batches view. */
export function asyncLabelOf(conversation: Conversation): string {
  const text = (conversation.messages.at(-1)?.text ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 40 ? `${text.slice(0, 39)}…` : text || 'image';
}

/** The message that fills async turn `id` with `reply`. */
export function replyMessage(id: string, reply: AsyncChatReply): HostMessage {
  return reply.status === 'done'
    ? { type: 'asyncReply', id, text: reply.text, usage: reply.usage, ...(reply.finishReason ? { finishReason: reply.finishReason } : {}) }
    : { type: 'error', id, error: { message: reply.message, transient: false } };
}

export class AsyncChat {
  constructor(
    private readonly requests: AsyncRequests,
    private readonly config: Config,
  ) {}

  get onDidAnswer() {
    return this.requests.onDidAnswerChat;
  }

  /** Sends reply `id` async (asking the window unless given): what to tell the webview. */
  async send(id: string, conversation: Conversation, window?: CompletionWindow): Promise<HostMessage> {
    const picked = window ?? (await this.requests.pickWindow('Send async: completion window', this.config.completionWindow));
    if (!picked) return { type: 'asyncDismissed', id };
    try {
      const batchId = await this.requests.sendChat(toRequestBody(conversation), picked, id, asyncLabelOf(conversation));
      return { type: 'queued', id, batchId, window: picked };
    } catch (error) {
      return { type: 'error', id, error: describeChatError(error) };
    }
  }

  forget(batchId: string): Promise<void> {
    return this.requests.forgetChat(batchId);
  }

  /** The replies already fetched for turns of `state` still shown as queued. */
  known(state: Pick<ChatState, 'turns'>): HostMessage[] {
    const messages: HostMessage[] = [];
    for (const [turnId, batchId] of queuedTurnIds(state.turns)) {
      const entry = this.requests.getChat(batchId);
      if (entry?.reply && entry.turnId === turnId) messages.push(replyMessage(turnId, entry.reply));
    }
    return messages;
  }
}
