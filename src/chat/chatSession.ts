// Runs the chat panel's streams in the extension host: one AbortController per stream id, `{id, delta}`
// chunks, then `{id, done, usage}` or `{id, error}`. No `vscode` import, so it is tested against the emulator
// with plain mocha as well as inside VS Code.
import { KlusterError, remedyFor, type KlusterClient } from '../core/api';
import { estimateTokens, toRequestBody, type Conversation } from '../core/chat/conversation';
import type { ChatErrorInfo, HostMessage, LiveStream, TokenUsage } from './protocol';

export interface ChatSessionLog {
  info(component: string, message: string): void;
  error(component: string, message: string, error?: unknown): void;
}

export interface ChatSessionDeps {
  /** The API client; throws (e.g. MissingApiKeyError) when there is none. */
  readonly client: () => Promise<KlusterClient>;
  readonly log: ChatSessionLog;
  /** Deltas arriving within this many ms go out as one chunk message. Default 16. */
  readonly coalesceMs?: number;
}

type Outcome = Extract<HostMessage, { type: 'done' | 'error' }>;

interface Stream {
  readonly controller: AbortController;
  text: string;
  pending: string;
  flushTimer?: ReturnType<typeof setTimeout>;
  /** Set when the stream ended while no webview was listening; delivered on the next `connect`. */
  outcome?: Outcome;
}

/** Inline error text and remedy for a failure: Retry is always offered, so the remedy is the fix beyond it. */
export function describeChatError(error: unknown): ChatErrorInfo {
  const message = error instanceof Error ? error.message : String(error);
  const transient = error instanceof KlusterError && error.transient;
  const remedy = remedyFor(error).find((r) => r !== 'retry');
  return remedy ? { message, transient, remedy } : { message, transient };
}

export class ChatSession {
  private readonly streams = new Map<string, Stream>();
  private sink: ((message: HostMessage) => void) | undefined;
  private readonly coalesceMs: number;

  constructor(private readonly deps: ChatSessionDeps) {
    this.coalesceMs = deps.coalesceMs ?? 16;
  }

  /** True while any stream runs. */
  get busy(): boolean {
    return [...this.streams.values()].some((s) => !s.outcome);
  }

  /**
   * A webview is listening (again). Returns the streams still running or finished unseen, with their text so
   * far, and delivers the outcomes it missed right after the caller posts `init`.
   */
  connect(post: (message: HostMessage) => void): { live: LiveStream[]; deliverMissed: () => void } {
    // Pending deltas join the text first, so the snapshot and later chunks never overlap.
    this.sink = undefined;
    for (const [id, stream] of this.streams) this.flush(id, stream);
    this.sink = post;
    const live = [...this.streams.entries()].map(([id, s]) => ({ id, text: s.text }));
    const deliverMissed = () => {
      for (const [id, stream] of this.streams) {
        if (!stream.outcome) continue;
        this.streams.delete(id);
        post(stream.outcome);
      }
    };
    return { live, deliverMissed };
  }

  /** The webview went away (hidden or disposed); streams go on and are kept for the next `connect`. */
  disconnect(): void {
    this.sink = undefined;
  }

  /** Streams the reply to `conversation` as stream `id`. Resolves when it ends, however it ends. */
  async start(id: string, conversation: Conversation): Promise<void> {
    if (this.streams.has(id)) throw new Error(`Stream ${id} is already running.`);
    const stream: Stream = { controller: new AbortController(), text: '', pending: '' };
    this.streams.set(id, stream);
    const { signal } = stream.controller;
    let usage: TokenUsage | undefined;
    let finishReason: string | undefined;
    try {
      const client = await this.deps.client();
      const body = toRequestBody(conversation);
      this.deps.log.info('chat', `stream ${id}: ${body.model}, ${body.messages.length} message(s)`);
      for await (const chunk of client.chatStream(body, { signal })) {
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) this.append(id, stream, delta);
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage?.completion_tokens != null) {
          const { prompt_tokens, completion_tokens, total_tokens } = chunk.usage;
          usage = { completion: completion_tokens, prompt: prompt_tokens ?? undefined, total: total_tokens ?? undefined, estimated: false };
        }
      }
      this.finish(id, stream, { type: 'done', id, usage: usage ?? this.estimate(stream), finishReason, stopped: false });
    } catch (error) {
      if (signal.aborted || (error instanceof KlusterError && error.kind === 'aborted')) {
        this.deps.log.info('chat', `stream ${id} stopped`);
        this.finish(id, stream, { type: 'done', id, usage: this.estimate(stream), stopped: true });
      } else {
        this.deps.log.error('chat', `stream ${id} failed`, error);
        this.finish(id, stream, { type: 'error', id, error: describeChatError(error) });
      }
    }
  }

  /** Aborts stream `id`; its reply so far is kept and it ends as stopped. */
  cancel(id: string): boolean {
    const stream = this.streams.get(id);
    if (!stream || stream.outcome) return false;
    stream.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const id of this.streams.keys()) this.cancel(id);
  }

  dispose(): void {
    this.cancelAll();
    this.sink = undefined;
  }

  private estimate(stream: Stream): TokenUsage {
    return { completion: estimateTokens(stream.text + stream.pending), estimated: true };
  }

  private append(id: string, stream: Stream, delta: string): void {
    stream.pending += delta;
    if (stream.flushTimer === undefined) stream.flushTimer = setTimeout(() => this.flush(id, stream), this.coalesceMs);
  }

  private flush(id: string, stream: Stream): void {
    clearTimeout(stream.flushTimer);
    stream.flushTimer = undefined;
    if (!stream.pending) return;
    const delta = stream.pending;
    stream.text += delta;
    stream.pending = '';
    this.sink?.({ type: 'chunk', id, delta });
  }

  private finish(id: string, stream: Stream, outcome: Outcome): void {
    this.flush(id, stream);
    if (this.sink) {
      this.streams.delete(id);
      this.sink(outcome);
    } else {
      stream.outcome = outcome;
    }
  }
}
