// Deterministic chat completions derived from the request, so tests can predict every answer.
import { createHash } from 'crypto';
import { DOCUMENTED_MODEL_IDS } from '../core/models';

/** Put this in a message to make the request fail at run time (batch error file, or a 500 in real time). */
export const FAIL_TRIGGER = '[[fail]]';
/** Put this in a message to make a batch request fail the first time it runs and succeed when sent again (retries). */
export const FAIL_ONCE_TRIGGER = '[[fail-once]]';
/** Put this in a message to get a usage chunk at the end of a stream without asking (stream_options). */
export const STREAM_USAGE_TRIGGER = '[[usage]]';

export interface ChatOutcome {
  readonly ok: boolean;
  readonly status: number;
  readonly body: Record<string, unknown>;
}

interface Message {
  role?: unknown;
  content?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .join(' ');
  }
  return '';
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function hashOf(value: unknown, length = 24): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);
}

/**
 * `[[answer:TEXT]]` in a message makes TEXT the reply; `[[answer@PART:TEXT]]` does so only for models whose id
 * contains PART, and wins over the plain form. Tests (and the README walkthrough) choose replies this way.
 */
export const ANSWER_DIRECTIVE = /\[\[answer(?:@([^:\]]+))?:([^\]]*)\]\]/g;
/** A judge request (experiments' llm-rubric) starts its system message with this. */
export const JUDGE_PREFIX = "You are grading an AI assistant's reply against a rubric.";
/**
 * `<<verdict:fail 0.3>>`, `<<verdict:pass 0.8>>` or `<<verdict:malformed>>` in the graded reply (the judge prompt's
 * REPLY section) sets the judge's answer; it fits inside an [[answer:…]] directive.
 */
const VERDICT_DIRECTIVE = /<<verdict:(pass|fail|malformed)(?:\s+([0-9.]+))?>>/;

function directedAnswer(messages: readonly Message[], model: string): string | undefined {
  let plain: string | undefined;
  for (const m of messages) {
    for (const [, part, text] of textOf(m.content).matchAll(ANSWER_DIRECTIVE)) {
      if (part === undefined) plain ??= text;
      else if (model.includes(part)) return text;
    }
  }
  return plain;
}

/** The graded reply: the REPLY section marked with the code the judge prompt declares on its first line. */
function gradedReply(prompt: string): string {
  const code = /code ([0-9a-f]+)\b/.exec(prompt.split('\n')[0] ?? '')?.[1];
  if (!code) return '';
  const begin = `=== BEGIN REPLY ${code} ===\n`;
  const start = prompt.indexOf(begin);
  const end = prompt.indexOf(`\n=== END REPLY ${code} ===`, start);
  return start < 0 || end < 0 ? '' : prompt.slice(start + begin.length, end);
}

function judgeAnswer(messages: readonly Message[]): string | undefined {
  if (!textOf(messages[0]?.content).startsWith(JUDGE_PREFIX)) return undefined;
  const graded = gradedReply(textOf(messages.find((m) => m.role === 'user')?.content));
  const verdict = VERDICT_DIRECTIVE.exec(graded);
  if (verdict?.[1] === 'malformed') return 'I think it passes.';
  const pass = verdict?.[1] !== 'fail';
  const score = verdict?.[2] !== undefined ? Number(verdict[2]) : pass ? 1 : 0;
  return JSON.stringify({ pass, score, reason: `Emulated judge: ${pass ? 'meets' : 'misses'} the rubric.` });
}

/** The emulator's answer: a directed one (above), else it quotes the last user message, so it is easy to recognise. */
export function answerFor(body: Record<string, unknown>): {
  content: string;
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
} {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Message[];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const question = textOf(lastUser?.content).trim().slice(0, 200);
  const chosen = judgeAnswer(messages) ?? directedAnswer(messages, String(body.model));
  const words = (chosen ?? `Emulated answer from ${String(body.model)} to: ${question || '(no user message)'}`).split(' ');
  const limit = Number(body.max_completion_tokens ?? body.max_tokens ?? Infinity);
  const kept = Number.isFinite(limit) && limit > 0 && limit < words.length ? words.slice(0, limit) : words;
  const promptTokens = messages.reduce((n, m) => n + estimateTokens(textOf(m.content)) + 4, 0);
  return {
    content: kept.join(' '),
    finishReason: kept.length < words.length ? 'length' : 'stop',
    promptTokens,
    completionTokens: kept.length,
  };
}

export function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** Checks a chat request body the way the service does; returns an error outcome or undefined. */
export function checkChatBody(body: unknown, extraModels: ReadonlySet<string> = new Set()): ChatOutcome | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, status: 400, body: errorBody('The request body must be a JSON object.', 'invalid_request_error', 'invalid_body') };
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || !b.model) {
    return {
      ok: false,
      status: 400,
      body: errorBody('`model` is required.', 'invalid_request_error', 'missing_required_parameter', 'model'),
    };
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    return {
      ok: false,
      status: 400,
      body: errorBody('`messages` must be a non-empty array.', 'invalid_request_error', 'missing_required_parameter', 'messages'),
    };
  }
  if (!DOCUMENTED_MODEL_IDS.has(b.model) && !extraModels.has(b.model)) {
    return {
      ok: false,
      status: 404,
      body: errorBody(`The model \`${b.model}\` does not exist.`, 'invalid_request_error', 'model_not_found', 'model'),
    };
  }
  return undefined;
}

export function mentionsFailTrigger(body: Record<string, unknown>, trigger = FAIL_TRIGGER): boolean {
  return Array.isArray(body.messages) && (body.messages as Message[]).some((m) => textOf(m.content).includes(trigger));
}

/** A whole chat completion in the documented shape. */
export function completionFor(body: Record<string, unknown>, created: number): Record<string, unknown> {
  const answer = answerFor(body);
  return {
    id: `chat-${hashOf(body, 32)}`,
    object: 'chat.completion',
    created,
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.content, tool_calls: [] },
        logprobs: null,
        finish_reason: answer.finishReason,
        stop_reason: null,
      },
    ],
    usage: {
      prompt_tokens: answer.promptTokens,
      total_tokens: answer.promptTokens + answer.completionTokens,
      completion_tokens: answer.completionTokens,
    },
    prompt_logprobs: null,
  };
}

/** The same answer as SSE chunks: a role chunk, one chunk per word, a finish chunk, optional usage. */
export function streamChunksFor(body: Record<string, unknown>, created: number): Record<string, unknown>[] {
  const answer = answerFor(body);
  const id = `chat-${hashOf(body, 32)}`;
  const base = { id, object: 'chat.completion.chunk', created, model: body.model };
  const chunks: Record<string, unknown>[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ];
  answer.content.split(' ').forEach((word, i) => {
    chunks.push({ ...base, choices: [{ index: 0, delta: { content: (i ? ' ' : '') + word }, finish_reason: null }] });
  });
  chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: answer.finishReason }] });
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  const unasked =
    Array.isArray(body.messages) && (body.messages as Message[]).some((m) => textOf(m.content).includes(STREAM_USAGE_TRIGGER));
  if (options?.include_usage || unasked) {
    chunks.push({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: answer.promptTokens,
        completion_tokens: answer.completionTokens,
        total_tokens: answer.promptTokens + answer.completionTokens,
      },
    });
  }
  return chunks;
}
