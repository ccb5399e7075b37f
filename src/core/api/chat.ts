// Chat: streamed completions with stall detection, and async (queued) requests.
import type OpenAI from 'openai';
import { KlusterError, toKlusterError } from './errors';
import * as S from './schemas';
import type { CallOptions, Transport } from './transport';

/**
 * Streams a chat completion chunk by chunk. Ends with an error, never silently, when the
 * connection drops, the stream stalls longer than the timeout, or the signal aborts.
 */
export async function* chatStream(t: Transport, request: S.ChatRequest, options: CallOptions = {}): AsyncGenerator<S.ChatCompletionChunk> {
  const stall = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      stall.abort();
    }, t.timeoutMs);
  };
  const fail = (error: unknown): KlusterError => {
    if (stalled) return new KlusterError('timeout', `The stream stalled: no data for ${t.timeoutMs / 1000} s. Try again.`, { cause: error });
    return toKlusterError(error, t.errorContext(options.signal));
  };
  const body = { ...request, stream: true } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
  let finished = false;
  try {
    arm();
    const stream = await t.sdk.chat.completions.create(body, { signal }).catch((error: unknown) => {
      throw fail(error);
    });
    const iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      arm();
      const next = await iterator.next().catch((error: unknown) => {
        throw fail(error);
      });
      if (next.done) break;
      const chunk = t.parse('a streamed chunk', S.ChatCompletionChunkSchema, next.value);
      if (chunk.choices.some((c) => c.finish_reason)) finished = true;
      yield chunk;
    }
    // The SDK ends quietly on abort and on a clean close without `[DONE]`; neither is a whole answer.
    if (signal.aborted) throw fail(signal.reason);
    if (!finished) throw new KlusterError('network', 'The stream ended before the answer was complete. Try again.');
  } finally {
    clearTimeout(timer);
  }
}

/** The body of an async chat request: `metadata["@kluster.ai"] = {async: true, completion_window}`. */
export function asyncChatBody(request: S.ChatRequest, completionWindow: S.CompletionWindow): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  const metadata = (request.metadata ?? {}) as Record<string, unknown>;
  const kluster = (metadata['@kluster.ai'] ?? {}) as Record<string, unknown>;
  return {
    ...request,
    stream: false,
    metadata: { ...metadata, '@kluster.ai': { ...kluster, async: true, completion_window: completionWindow } },
  } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
}
