import { validateText, type JsonlDiagnostic, type ValidationOptions } from '../../../src/core/jsonl';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';

export const OPTIONS: ValidationOptions = { knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard' };

export const MODEL = 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo';

/** A valid request line; `body` and `top` are merged in (undefined deletes a key). */
export function request(body: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string {
  const value: Record<string, unknown> = {
    custom_id: 'req-1',
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: MODEL, messages: [{ role: 'user', content: 'Hello' }], ...body },
    ...top,
  };
  for (const [k, v] of Object.entries(top)) if (v === undefined) delete value[k];
  const b = value.body as Record<string, unknown> | undefined;
  if (b && typeof b === 'object') for (const [k, v] of Object.entries(body)) if (v === undefined) delete b[k];
  return JSON.stringify(value);
}

export const VALID = request({}, { custom_id: 'anchor' });

/** [code, exact text under the range, startColumn, endColumn, severity] — what tests compare. */
export type Seen = [string, string, number, number, string];

export function seen(text: string, diagnostics: readonly JsonlDiagnostic[]): Seen[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  return diagnostics.map((d) => [d.code, lines[d.line]!.slice(d.startColumn, d.endColumn), d.startColumn, d.endColumn, d.severity]);
}

/**
 * Diagnostics of `line` as the second line of a batch file (the first, valid line makes the file a batch file
 * whatever `line` looks like).
 */
export function diagnose(line: string, options: ValidationOptions = OPTIONS): Seen[] {
  const text = `${VALID}\n${line}\n`;
  const result = validateText(text, options);
  return seen(
    text,
    result.diagnostics.filter((d) => d.line === 1),
  );
}

/** Only the codes and covered text, for tests where columns follow from the text. */
export function codesAndText(line: string, options: ValidationOptions = OPTIONS): [string, string][] {
  return diagnose(line, options).map(([code, covered]) => [code, covered]);
}
