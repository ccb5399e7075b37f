// One request line sent as an async request: the service runs it as a batch of one request under its own
// custom_id, so its result is given back the line's custom_id and line number, and then reads like a one-line batch.
import * as path from 'path';
import type { ChatRequest } from '../api/schemas';

/** What is needed to send a request line as an async chat request; or why the line cannot be sent. */
export function asyncRequestOf(text: string): { customId: string; body: ChatRequest } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'the line is not valid JSON' };
  }
  const line = value as { custom_id?: unknown; body?: unknown };
  if (typeof line?.custom_id !== 'string' || !line.custom_id) return { error: 'the line has no custom_id' };
  const body = line.body as { model?: unknown; messages?: unknown } | undefined;
  if (typeof body?.model !== 'string' || !Array.isArray(body.messages)) return { error: 'its body has no model and messages' };
  const { stream: _stream, metadata: _metadata, ...request } = body as Record<string, unknown>;
  return { customId: line.custom_id, body: request as unknown as ChatRequest };
}

/** `data/requests.jsonl` + `q-7` → `data/requests.async-q-7.results.jsonl` (the id made safe for a file name). */
export function asyncResultsPath(input: string, customId: string): string {
  const ext = path.extname(input);
  const stem = ext.toLowerCase() === '.jsonl' ? input.slice(0, -ext.length) : input;
  const safe = customId.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'request';
  return `${stem}.async-${safe}.results.jsonl`;
}

/**
 * The input and output a results join needs for that one line: an input with the request on its own line number
 * (blank lines before it are skipped by the join but counted), and the result lines with the line's custom_id.
 */
export function oneLineBatch(
  requestLine: string,
  lineNumber: number,
  resultLines: readonly string[],
  customId: string,
): { input: string; results: string } {
  const input = '\n'.repeat(Math.max(0, lineNumber - 1)) + requestLine + '\n';
  const results = resultLines
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.stringify({ ...(JSON.parse(l) as object), custom_id: customId });
      } catch {
        return l; // kept, so the join reports it as unmatched
      }
    })
    .join('\n');
  return { input, results: results ? results + '\n' : '' };
}
