// The hover summary of one request line: what it asks, and roughly how big it is.

export interface LineSummary {
  readonly customId?: string;
  readonly model?: string;
  readonly messageCount: number;
  readonly imageCount: number;
  /** Rough prompt size: characters of text content / 4, the usual rule of thumb for English. */
  readonly estimatedTokens: number;
  readonly maxCompletionTokens?: number;
}

const CHARS_PER_TOKEN = 4;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Summary of a batch request line, or of a fine-tuning line; undefined for lines that are neither. */
export function summarizeLine(text: string): LineSummary | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const body = isObject(value.body) ? value.body : value;
  if (!Array.isArray(body.messages)) return undefined;
  let chars = 0;
  let images = 0;
  for (const message of body.messages) {
    if (!isObject(message)) continue;
    const content = message.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (!isObject(part)) continue;
        if (typeof part.text === 'string') chars += part.text.length;
        if (part.type === 'image_url') images++;
      }
    }
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    customId: typeof value.custom_id === 'string' ? value.custom_id : undefined,
    model: typeof body.model === 'string' ? body.model : undefined,
    messageCount: body.messages.length,
    imageCount: images,
    estimatedTokens: Math.ceil(chars / CHARS_PER_TOKEN),
    maxCompletionTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
  };
}
