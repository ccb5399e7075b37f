// A chat conversation as the chat panel holds it, and its conversions to an API request and to a batch
// request line (and back). Pure: shared by the extension host, the webview bundle and the tests.

/** Sampling parameters the panel offers. Unset means "the model's default": the key is left out. */
export interface ChatParams {
  temperature?: number;
  top_p?: number;
  max_completion_tokens?: number;
  /** Up to 4 stop sequences. */
  stop?: string[];
}

export interface ChatSettings {
  model: string;
  system: string;
  params: ChatParams;
}

export interface ConversationMessage {
  role: 'user' | 'assistant';
  text: string;
  /** An http(s) image URL sent as an `image_url` part (vision models). */
  imageUrl?: string;
}

export interface Conversation {
  settings: ChatSettings;
  messages: ConversationMessage[];
}

export const CHAT_ENDPOINT = '/v1/chat/completions';
export const MAX_STOP_SEQUENCES = 4;

type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
export interface RequestMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}
export interface RequestBody extends ChatParams {
  model: string;
  messages: RequestMessage[];
}

/** What is wrong with the parameters, one sentence each; empty when they can be sent. */
export function checkParams(params: ChatParams): string[] {
  const problems: string[] = [];
  const { temperature, top_p, max_completion_tokens, stop } = params;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0 && temperature <= 2)) {
    problems.push('temperature must be a number from 0 to 2.');
  }
  if (top_p !== undefined && !(Number.isFinite(top_p) && top_p >= 0 && top_p <= 1)) {
    problems.push('top_p must be a number from 0 to 1.');
  }
  if (max_completion_tokens !== undefined && !(Number.isInteger(max_completion_tokens) && max_completion_tokens >= 1)) {
    problems.push('max_completion_tokens must be a whole number of at least 1.');
  }
  if (stop !== undefined && stop.length > MAX_STOP_SEQUENCES) {
    problems.push(`stop takes at most ${MAX_STOP_SEQUENCES} sequences.`);
  }
  return problems;
}

/** Only http(s) URLs are attached or opened; anything else (javascript:, data:, file:) is refused. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function contentOf(message: ConversationMessage): string | ContentPart[] {
  if (!message.imageUrl) return message.text;
  const parts: ContentPart[] = [];
  if (message.text) parts.push({ type: 'text', text: message.text });
  parts.push({ type: 'image_url', image_url: { url: message.imageUrl } });
  return parts;
}

/** The chat completion body for a conversation: system prompt first, then the turns, then set parameters. */
export function toRequestBody(conversation: Conversation): RequestBody {
  const { settings } = conversation;
  const messages: RequestMessage[] = [];
  if (settings.system.trim()) messages.push({ role: 'system', content: settings.system });
  for (const message of conversation.messages) messages.push({ role: message.role, content: contentOf(message) });
  const body: RequestBody = { model: settings.model, messages };
  const { temperature, top_p, max_completion_tokens, stop } = settings.params;
  if (temperature !== undefined) body.temperature = temperature;
  if (top_p !== undefined) body.top_p = top_p;
  if (max_completion_tokens !== undefined) body.max_completion_tokens = max_completion_tokens;
  if (stop !== undefined && stop.length > 0) body.stop = [...stop];
  return body;
}

/** One batch input line (no trailing newline) holding the conversation as its request. */
export function toRequestLine(conversation: Conversation, customId: string): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: CHAT_ENDPOINT, body: toRequestBody(conversation) });
}

/** A base for a new custom_id, e.g. `chat-20250314-093005`; make it unique against the file's ids. */
export function customIdBase(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `chat-${date}-${time}`;
}

export interface LoadedRequest {
  readonly conversation: Conversation;
  readonly customId?: string;
  /** Body options the panel does not offer (e.g. `seed`); they are not carried into the chat. */
  readonly ignored: readonly string[];
}

/** Raised when a line cannot be opened as a chat; the message says why. */
export class RequestLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestLineError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const OFFERED_KEYS = new Set(['model', 'messages', 'temperature', 'top_p', 'max_completion_tokens', 'max_tokens', 'stop', 'stream']);

function messageFrom(value: unknown, index: number): { role: string; text: string; imageUrl?: string } {
  if (!isObject(value) || typeof value.role !== 'string') throw new RequestLineError(`messages[${index}] has no role.`);
  const { role, content } = value;
  if (typeof content === 'string') return { role, text: content };
  if (!Array.isArray(content)) throw new RequestLineError(`messages[${index}].content must be a string or an array of parts.`);
  const texts: string[] = [];
  let imageUrl: string | undefined;
  for (const part of content) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (isObject(part) && part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
      if (imageUrl !== undefined)
        throw new RequestLineError(`messages[${index}] has more than one image; the chat panel takes one per message.`);
      imageUrl = part.image_url.url;
    } else throw new RequestLineError(`messages[${index}] has a content part that is neither text nor image_url.`);
  }
  return imageUrl === undefined ? { role, text: texts.join('\n') } : { role, text: texts.join('\n'), imageUrl };
}

function numberOrUndefined(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new RequestLineError(`${key} must be a number.`);
  return value;
}

/** Reads a batch request line (or a bare chat request body) into a conversation for the chat panel. */
export function fromRequestLine(text: string): LoadedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RequestLineError('The line is not valid JSON.');
  }
  if (!isObject(value)) throw new RequestLineError('The line is not a JSON object.');
  const body = isObject(value.body) ? value.body : value;
  if (typeof body.model !== 'string') throw new RequestLineError('The request has no model.');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new RequestLineError('The request has no messages.');

  const systems: string[] = [];
  const messages: ConversationMessage[] = [];
  body.messages.forEach((raw, index) => {
    const message = messageFrom(raw, index);
    if (message.role === 'system') {
      if (messages.length > 0)
        throw new RequestLineError(
          `messages[${index}] is a system message after the conversation started; the chat panel keeps one system prompt at the top.`,
        );
      systems.push(message.text);
    } else if (message.role === 'user' || message.role === 'assistant') {
      messages.push(
        message.imageUrl
          ? { role: message.role, text: message.text, imageUrl: message.imageUrl }
          : { role: message.role, text: message.text },
      );
    } else {
      throw new RequestLineError(
        `messages[${index}] has role "${message.role}"; the chat panel holds system, user and assistant messages.`,
      );
    }
  });

  const params: ChatParams = {};
  const temperature = numberOrUndefined(body, 'temperature');
  const topP = numberOrUndefined(body, 'top_p');
  const maxTokens = numberOrUndefined(body, 'max_completion_tokens') ?? numberOrUndefined(body, 'max_tokens');
  if (temperature !== undefined) params.temperature = temperature;
  if (topP !== undefined) params.top_p = topP;
  if (maxTokens !== undefined) params.max_completion_tokens = maxTokens;
  if (typeof body.stop === 'string') params.stop = [body.stop];
  else if (Array.isArray(body.stop)) params.stop = body.stop.filter((s): s is string => typeof s === 'string');
  else if (body.stop !== undefined && body.stop !== null) throw new RequestLineError('stop must be a string or an array of strings.');

  const conversation: Conversation = { settings: { model: body.model, system: systems.join('\n\n'), params }, messages };
  const ignored = Object.keys(body).filter((key) => !OFFERED_KEYS.has(key));
  const customId = typeof value.custom_id === 'string' ? value.custom_id : undefined;
  return customId === undefined ? { conversation, ignored } : { conversation, customId, ignored };
}

/** Rough token count (characters / 4), used when the service does not report usage for a stream. */
export function estimateTokens(text: string): number {
  return text ? Math.max(1, Math.round(text.length / 4)) : 0;
}

// ---- turn rules: what Edit, Delete and Retry do to the panel's turns, and which turns a request carries

/** What the turn rules read of a panel turn (the panel's ChatTurn has more). */
export interface TurnLike {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  /** Of assistant turns: 'error' when the request failed, 'streaming' while it runs. */
  readonly status?: string;
}

const failedReply = (turn: TurnLike | undefined): boolean => turn?.role === 'assistant' && turn.status === 'error';

/**
 * The turns a new request is built from. A user message whose reply failed is left out together with the
 * failure, so one bad message (or an outage) does not fail every later request; it stays on screen to be
 * edited, retried or deleted. Unfinished, failed and empty replies are left out too.
 */
export function turnsForRequest<T extends TurnLike>(turns: readonly T[]): T[] {
  return turns.filter((turn, index) =>
    turn.role === 'user' ? !failedReply(turns[index + 1]) : turn.status !== 'error' && turn.status !== 'streaming' && turn.text !== '',
  );
}

/** Raised when an edit, delete or retry does not apply to the turn (e.g. editing a reply); the message says why. */
export class TurnRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TurnRuleError';
  }
}

function indexOfTurn(turns: readonly TurnLike[], id: string): number {
  const index = turns.findIndex((t) => t.id === id);
  if (index < 0) throw new TurnRuleError('That message is no longer in the conversation.');
  return index;
}

/**
 * Edit of a user turn, as the big chat UIs do it: the turn gets the new text and everything after it goes
 * (the replies were to the old text); the caller then asks for a reply to the edited turn.
 */
export function editTurn<T extends TurnLike>(turns: readonly T[], id: string, text: string): T[] {
  const index = indexOfTurn(turns, id);
  const turn = turns[index]!;
  if (turn.role !== 'user') throw new TurnRuleError('Only your own messages can be edited.');
  return [...turns.slice(0, index), { ...turn, text }];
}

/** Delete: a reply goes alone; a user message goes with its reply (a reply to nothing would mislead). */
export function deleteTurn<T extends TurnLike>(turns: readonly T[], id: string): T[] {
  const index = indexOfTurn(turns, id);
  const reply = turns[index + 1];
  const count = turns[index]!.role === 'user' && reply?.role === 'assistant' ? 2 : 1;
  return [...turns.slice(0, index), ...turns.slice(index + count)];
}

/**
 * Retry (of a failure) and Regenerate (of a reply): only the last reply, which is dropped so the caller asks
 * again with exactly the turns before it, the failed user message included.
 */
export function retryTurn<T extends TurnLike>(turns: readonly T[], id: string): T[] {
  const index = indexOfTurn(turns, id);
  if (turns[index]!.role !== 'assistant' || index !== turns.length - 1)
    throw new TurnRuleError('Only the last reply can be asked for again.');
  return turns.slice(0, index);
}
