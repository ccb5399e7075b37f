import { z } from 'zod';
import { Codes, type Code } from './diagnostics';

// Schemas of one JSONL line, compiled once. Documented ranges come from the kluster.ai API reference
// ("Create chat completion", "The request input object"). zod only decides *what* is wrong; `issues.ts`
// turns its issues into stable codes and messages, and `locate.ts` finds where.

const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
/**
 * Any integral number, also beyond 2^53 (z.int() stops at safe integers, but kluster itself sends 2^63-1). A
 * literal with a fraction that rounds to an integral double is caught on the source text by `checkLine`.
 */
const integer = () => z.number().refine(Number.isInteger, { abort: true });

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string() }) });
const contentPart = z.discriminatedUnion('type', [textPart, imagePart]);
const content = z.union([z.string(), z.array(contentPart)]);
const message = z.object({ role: z.enum(['system', 'user', 'assistant']), content });
const messages = z.array(message).min(1);

const requestBody = z.object({
  model: z.string().min(1),
  messages,
  frequency_penalty: optional(z.number().min(-2).max(2)),
  presence_penalty: optional(z.number().min(-2).max(2)),
  temperature: optional(z.number().min(0).max(2)),
  top_p: optional(z.number().min(0).max(1)),
  logprobs: optional(z.boolean()),
  top_logprobs: optional(integer().min(0).max(20)),
  logit_bias: optional(z.record(z.string(), z.number().min(-100).max(100))),
  stop: optional(z.union([z.string(), z.array(z.string()).max(4)])),
  max_completion_tokens: optional(integer().min(1)),
  max_tokens: optional(integer().min(1)),
  seed: optional(integer()),
  stream: optional(z.boolean()),
  metadata: optional(z.record(z.string(), z.unknown())),
});

/** One line of a batch input file ("The request input object"). */
export const requestLineSchema = z.object({
  custom_id: z.string().min(1),
  method: z.literal('POST'),
  url: z.literal('/v1/chat/completions'),
  body: requestBody,
});

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const ROLES: ReadonlySet<unknown> = new Set(['system', 'user', 'assistant']);
const isAbsent = (value: unknown) => value === undefined || value === null;
const numberIn = (value: unknown, min: number, max: number) =>
  isAbsent(value) || (typeof value === 'number' && value >= min && value <= max);
const integerFrom = (value: unknown, min: number) => isAbsent(value) || (Number.isInteger(value) && (value as number) >= min);
const booleanOrAbsent = (value: unknown) => isAbsent(value) || typeof value === 'boolean';

/**
 * Whether a parsed request line is one `requestLineSchema` accepts, decided in a few property reads for the
 * common shape (string contents, no logit_bias, stop or metadata): true only where zod says success too (a unit
 * test holds it to that); false sends the line to zod, which names what is wrong. Most lines of a large file are
 * fine, and zod's generic walk costs more than their JSON.parse.
 */
export function isPlainValidRequest(value: Json): boolean {
  const body = value.body;
  if (typeof value.custom_id !== 'string' || value.custom_id.length === 0) return false;
  if (value.method !== 'POST' || value.url !== '/v1/chat/completions' || !isObject(body)) return false;
  if (typeof body.model !== 'string' || body.model.length === 0) return false;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages as unknown[]) {
    if (!isObject(message) || !ROLES.has(message.role) || typeof message.content !== 'string') return false;
  }
  return (
    numberIn(body.frequency_penalty, -2, 2) &&
    numberIn(body.presence_penalty, -2, 2) &&
    numberIn(body.temperature, 0, 2) &&
    numberIn(body.top_p, 0, 1) &&
    booleanOrAbsent(body.logprobs) &&
    (isAbsent(body.top_logprobs) || (Number.isInteger(body.top_logprobs) && numberIn(body.top_logprobs, 0, 20))) &&
    integerFrom(body.max_completion_tokens, 1) &&
    integerFrom(body.max_tokens, 1) &&
    integerFrom(body.seed, -Infinity) &&
    booleanOrAbsent(body.stream) &&
    isAbsent(body.logit_bias) &&
    isAbsent(body.stop) &&
    isAbsent(body.metadata)
  );
}

/** One line of a batch output file ("The request output object"). */
export const resultLineSchema = z.object({
  id: z.string().optional(),
  custom_id: z.string(),
  response: z.object({ status_code: z.int(), body: z.unknown().optional() }).nullable().optional(),
  error: z.object({ code: z.unknown(), message: z.string() }).nullable().optional(),
});

/** One line of a fine-tuning dataset: a conversation. */
export const finetuneLineSchema = z.object({ messages });

/** Body parameters that must be integers, checked again on their source text. */
export const INTEGER_BODY_KEYS = ['top_logprobs', 'max_completion_tokens', 'max_tokens', 'seed'] as const;

export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(['custom_id', 'method', 'url', 'body']);
export const BODY_KEYS: ReadonlySet<string> = new Set(Object.keys(requestBody.shape));
export const MESSAGE_KEYS: ReadonlySet<string> = new Set(['role', 'content']);

/** docs "OpenAI compatibility": request parameters kluster does not support. */
export const UNSUPPORTED_BODY_KEYS: ReadonlySet<string> = new Set([
  'store',
  'n',
  'modalities',
  'response_format',
  'service_tier',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
]);
export const UNSUPPORTED_MESSAGE_KEYS: ReadonlySet<string> = new Set(['name', 'refusal', 'audio', 'tool_calls']);
/** docs "OpenAI compatibility": deprecated parameters (`max_tokens` has its own code and fix). */
export const DEPRECATED_BODY_KEYS: ReadonlySet<string> = new Set(['function_call', 'functions']);
export const DEPRECATED_MESSAGE_KEYS: ReadonlySet<string> = new Set(['function_call']);

/** How each checked field is described, and which codes its violations get. */
export interface FieldSpec {
  /** Shown in messages, e.g. `temperature`. */
  readonly label: string;
  /** What a valid value is: "a number from 0 to 2". */
  readonly expect: string;
  readonly invalid: Code;
  readonly missing?: Code;
  /** For values of the right type outside the documented range. */
  readonly range?: Code;
}

const spec = (label: string, expect: string, invalid: Code, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  label,
  expect,
  invalid,
  ...extra,
});

/** Keyed by the issue path with array indices replaced by `*`. */
export const FIELD_SPECS: ReadonlyMap<string, FieldSpec> = new Map([
  ['', spec('line', 'a JSON object', Codes.notAnObject)],
  ['custom_id', spec('custom_id', 'a non-empty string', Codes.invalidCustomId, { missing: Codes.missingCustomId })],
  ['method', spec('method', '"POST"', Codes.invalidMethod, { missing: Codes.missingMethod })],
  ['url', spec('url', '"/v1/chat/completions"', Codes.invalidUrl, { missing: Codes.missingUrl })],
  ['body', spec('body', 'an object with the chat completion request', Codes.invalidBody, { missing: Codes.missingBody })],
  ['body.model', spec('model', 'a model id string', Codes.invalidModel, { missing: Codes.missingModel })],
  ['body.messages', spec('messages', 'a non-empty array of messages', Codes.invalidMessages, { missing: Codes.missingMessages })],
  ['body.messages.*', spec('message', 'an object with role and content', Codes.invalidMessage)],
  ['body.messages.*.role', spec('role', '"system", "user" or "assistant"', Codes.invalidRole, { missing: Codes.invalidRole })],
  [
    'body.messages.*.content',
    spec('content', 'a string or an array of text / image_url parts', Codes.invalidContent, { missing: Codes.missingContent }),
  ],
  [
    'body.messages.*.content.*',
    spec('content part', 'a {"type":"text","text":…} or {"type":"image_url","image_url":{"url":…}} object', Codes.invalidContentPart),
  ],
  [
    'body.messages.*.content.*.type',
    spec('type', '"text" or "image_url"', Codes.invalidContentPart, { missing: Codes.invalidContentPart }),
  ],
  ['body.messages.*.content.*.text', spec('text', 'a string', Codes.invalidContentPart, { missing: Codes.invalidContentPart })],
  [
    'body.messages.*.content.*.image_url',
    spec('image_url', 'an object with a url string', Codes.invalidContentPart, { missing: Codes.invalidContentPart }),
  ],
  ['body.messages.*.content.*.image_url.url', spec('url', 'a string', Codes.invalidContentPart, { missing: Codes.invalidContentPart })],
  ['body.temperature', spec('temperature', 'a number from 0 to 2', Codes.invalidType, { range: Codes.temperatureRange })],
  ['body.top_p', spec('top_p', 'a number from 0 to 1', Codes.invalidType, { range: Codes.topPRange })],
  ['body.frequency_penalty', spec('frequency_penalty', 'a number from -2 to 2', Codes.invalidType, { range: Codes.frequencyPenaltyRange })],
  ['body.presence_penalty', spec('presence_penalty', 'a number from -2 to 2', Codes.invalidType, { range: Codes.presencePenaltyRange })],
  ['body.top_logprobs', spec('top_logprobs', 'an integer from 0 to 20', Codes.invalidType, { range: Codes.topLogprobsRange })],
  ['body.logprobs', spec('logprobs', 'a boolean', Codes.invalidType)],
  ['body.logit_bias', spec('logit_bias', 'an object mapping token ids to numbers from -100 to 100', Codes.invalidType)],
  ['body.logit_bias.*', spec('logit_bias value', 'a number from -100 to 100', Codes.invalidType, { range: Codes.logitBiasRange })],
  ['body.stop', spec('stop', 'a string or an array of at most 4 strings', Codes.invalidStop)],
  ['body.stop.*', spec('stop sequence', 'a string', Codes.invalidStop)],
  [
    'body.max_completion_tokens',
    spec('max_completion_tokens', 'a positive integer', Codes.invalidType, { range: Codes.maxCompletionTokensRange }),
  ],
  ['body.max_tokens', spec('max_tokens', 'a positive integer', Codes.invalidType, { range: Codes.maxCompletionTokensRange })],
  ['body.seed', spec('seed', 'an integer', Codes.invalidType)],
  ['body.stream', spec('stream', 'a boolean', Codes.invalidType)],
  ['body.metadata', spec('metadata', 'an object', Codes.invalidType)],
  // Results and fine-tuning lines.
  ['messages', spec('messages', 'a non-empty array of messages', Codes.invalidMessages, { missing: Codes.missingMessages })],
  ['messages.*', spec('message', 'an object with role and content', Codes.invalidMessage)],
  ['messages.*.role', spec('role', '"system", "user" or "assistant"', Codes.invalidRole, { missing: Codes.invalidRole })],
  [
    'messages.*.content',
    spec('content', 'a string or an array of text / image_url parts', Codes.invalidContent, { missing: Codes.missingContent }),
  ],
  ['id', spec('id', 'a string', Codes.missingResultFields)],
  ['response', spec('response', 'an object with status_code and body, or null', Codes.missingResultFields)],
  ['response.status_code', spec('status_code', 'an integer', Codes.missingResultFields, { missing: Codes.missingResultFields })],
  ['error', spec('error', 'an object with code and message, or null', Codes.missingResultFields)],
  ['error.message', spec('message', 'a string', Codes.missingResultFields, { missing: Codes.missingResultFields })],
]);
