// A chat turn answered through an async request: the reply is read from the result lines of the batch of one
// request the service made of it, and a conversation waits while its last reply is queued. Pure: the host and
// the webview both use it.
import type { CompletionWindow } from '../api/windows';
import { readReply } from '../experiments/reply';

/** What an async turn carries: its batch and window, both unknown while the window is asked and the request sent. */
export interface AsyncTurnInfo {
  readonly batchId?: string;
  readonly window?: CompletionWindow;
}

export type AsyncChatReply =
  | {
      readonly status: 'done';
      readonly text: string;
      readonly usage: { readonly prompt: number; readonly completion: number; readonly total: number; readonly estimated: false };
      readonly finishReason?: string;
    }
  | { readonly status: 'error'; readonly message: string };

function finishReasonOf(line: string): string | undefined {
  try {
    const reason = (JSON.parse(line) as { response?: { body?: { choices?: { finish_reason?: unknown }[] } } }).response?.body?.choices?.[0]
      ?.finish_reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The reply in a batch's result lines (output file first, then error file). The first reply found wins; with
 * none, the first failure says why, and with no line at all, how the batch ended (and `batchError`, the first of
 * its `errors`, when it has one).
 */
export function asyncChatReply(batchStatus: string, resultLines: readonly string[], batchError?: string): AsyncChatReply {
  let failure: string | undefined;
  for (const line of resultLines) {
    const reply = readReply(line);
    if (!reply) continue;
    if (!reply.ok) {
      failure ??= reply.reason;
      continue;
    }
    const usage = {
      prompt: reply.promptTokens,
      completion: reply.completionTokens,
      total: reply.promptTokens + reply.completionTokens,
      estimated: false as const,
    };
    const finishReason = finishReasonOf(line);
    return finishReason ? { status: 'done', text: reply.text, usage, finishReason } : { status: 'done', text: reply.text, usage };
  }
  const why = batchError ? `: ${batchError.replace(/\.$/, '')}` : '';
  return { status: 'error', message: failure ?? `The async request's batch ended ${batchStatus} without a reply${why}.` };
}

interface AsyncTurnLike {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly status?: string;
  readonly async?: AsyncTurnInfo;
}

/** The turns waiting for an async reply that can be matched to one: turn id → batch id. */
export function queuedTurnIds(turns: readonly AsyncTurnLike[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const turn of turns) if (turn.status === 'queued' && turn.async?.batchId) ids.set(turn.id, turn.async.batchId);
  return ids;
}

/** The queued reply the conversation waits for (the last turn), if it does: nothing can be sent until it ends. */
export function awaitingAsync<T extends AsyncTurnLike>(turns: readonly T[]): T | undefined {
  const last = turns.at(-1);
  return last?.role === 'assistant' && last.status === 'queued' ? last : undefined;
}
