// Chat: streamed completions with stall detection, and async (queued) requests.
import type OpenAI from 'openai';
import { KlusterError, toKlusterError, waitText } from './errors';
import * as S from './schemas';
import { StallTimer } from './transfer';
import type { CallOptions, Transport } from './transport';

/**
 * Streams a chat completion chunk by chunk. Ends with an error, never silently, when the
 * connection drops, the stream stalls longer than the timeout, or the signal aborts.
 */
export async function* chatStream(t: Transport, request: S.ChatRequest, options: CallOptions = {}): AsyncGenerator<S.ChatCompletionChunk> {
  // One stall timer per try: a wait between retries is not a stall.
  let stall: StallTimer | undefined;
  const fail = (error: unknown): KlusterError => {
    if (stall?.stalled)
      return new KlusterError('timeout', `The stream stalled: no data for ${waitText(t.timeoutMs / 1000)}. Try again.`, { cause: error });
    return toKlusterError(error, t.errorContext(options.signal, 'collection'));
  };
  const body = { ...request, stream: true } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
  let finished = false;
  try {
    const stream = await t.retrying(
      options.signal,
      async (signal) => {
        stall?.stop();
        stall = new StallTimer(t.timeoutMs, signal);
        return t.sdk.chat.completions.create(body, { signal: stall.signal }).catch((error: unknown) => {
          throw fail(error);
        });
      },
      'collection',
    );
    const iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      stall!.kick();
      const next = await iterator.next().catch((error: unknown) => {
        throw fail(error);
      });
      if (next.done) break;
      const chunk = t.parse('a streamed chunk', S.ChatCompletionChunkSchema, next.value);
      if (chunk.choices.some((c) => c.finish_reason)) finished = true;
      yield chunk;
    }
    // The SDK ends quietly on abort and on a clean close without `[DONE]`; neither is a whole answer.
    if (stall!.signal.aborted) throw fail(stall!.signal.reason);
    if (!finished) throw new KlusterError('network', 'The stream ended before the answer was complete. Try again.');
  } finally {
    stall?.stop();
  }
}

/** The body of an async chat request: `metadata["@kluster.ai"] = {async: true, completion_window}`. */
export function asyncChatBody(
  request: S.ChatRequest,
  completionWindow: S.CompletionWindow,
): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  const metadata = (request.metadata ?? {}) as Record<string, unknown>;
  const kluster = (metadata['@kluster.ai'] ?? {}) as Record<string, unknown>;
  return {
    ...request,
    stream: false,
    metadata: { ...metadata, '@kluster.ai': { ...kluster, async: true, completion_window: completionWindow } },
  } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
}
