// Reads one line of a results file (the joined format of results/join.ts, or a raw batch output line).

export type ReplyOutcome =
  | {
      readonly ok: true;
      readonly customId: string;
      readonly text: string;
      readonly promptTokens: number;
      readonly completionTokens: number;
    }
  | { readonly ok: false; readonly customId: string | undefined; readonly reason: string };

interface ResultRecord {
  custom_id?: unknown;
  status?: unknown;
  response?: {
    status_code?: unknown;
    body?: { choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
  } | null;
  error?: { message?: unknown } | null;
}

export function readReply(line: string): ReplyOutcome | undefined {
  if (!line.trim()) return undefined;
  let record: ResultRecord;
  try {
    record = JSON.parse(line) as ResultRecord;
  } catch {
    return { ok: false, customId: undefined, reason: 'The result line is not valid JSON.' };
  }
  if (typeof record !== 'object' || record === null)
    return { ok: false, customId: undefined, reason: 'The result line is not a JSON object.' };
  const customId = typeof record.custom_id === 'string' ? record.custom_id : undefined;
  if (customId === undefined) return { ok: false, customId, reason: 'The result line has no custom_id.' };
  const status = Number(record.response?.status_code);
  const failed = (record.status !== undefined && record.status !== 'succeeded') || record.error || !(status >= 200 && status < 300);
  if (failed) {
    const message =
      typeof record.error?.message === 'string'
        ? record.error.message
        : `status ${record.status ?? record.response?.status_code ?? 'unknown'}`;
    return { ok: false, customId, reason: `The request failed: ${message}` };
  }
  const body = record.response?.body;
  const content = body?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') return { ok: false, customId, reason: 'The response has no reply text (choices[0].message.content).' };
  return {
    ok: true,
    customId,
    text: content,
    promptTokens: Number(body?.usage?.prompt_tokens) || 0,
    completionTokens: Number(body?.usage?.completion_tokens) || 0,
  };
}
