// The request lines "New Batch File" and the walkthrough's sample start from, so nobody types the envelope by hand.

/** Picked when the catalog has it (a documented model every account can use); else the catalog's first. */
export const PREFERRED_SAMPLE_MODEL = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';

/** The model for new request lines: the one last chosen in the chat if the catalog still lists it, else the preferred one, else the first. */
export function sampleModel(catalog: readonly string[], lastUsed?: string): string {
  if (lastUsed && catalog.includes(lastUsed)) return lastUsed;
  if (catalog.includes(PREFERRED_SAMPLE_MODEL) || catalog.length === 0) return PREFERRED_SAMPLE_MODEL;
  return catalog[0]!;
}

interface Message {
  readonly role: 'system' | 'user';
  readonly content: string;
}

/** One request line in the spaced style of kluster.ai's docs. */
function requestLine(customId: string, model: string, messages: readonly Message[], parameters = ''): string {
  const q = JSON.stringify;
  const list = messages.map((m) => `{"role": ${q(m.role)}, "content": ${q(m.content)}}`).join(', ');
  return `{"custom_id": ${q(customId)}, "method": "POST", "url": "/v1/chat/completions", "body": {"model": ${q(model)}, "messages": [${list}]${parameters}}}`;
}

/** Two valid requests: a system prompt with parameters, and a plain user message. */
export function newBatchFileText(model: string): string {
  return [
    requestLine(
      'request-1',
      model,
      [
        { role: 'system', content: 'You are a helpful assistant. Answer in one sentence.' },
        { role: 'user', content: 'What is the capital of Argentina?' },
      ],
      ', "temperature": 0.2, "max_completion_tokens": 200',
    ),
    requestLine('request-2', model, [{ role: 'user', content: 'Write a haiku about batch inference.' }]),
    '',
  ].join('\n');
}

/**
 * The walkthrough's sample: the two requests above and a third that reuses `request-2` as its custom_id, the
 * mistake the validator flags and its quick fix renames away.
 */
export function sampleBatchFileText(model: string): string {
  return newBatchFileText(model) + requestLine('request-2', model, [{ role: 'user', content: 'Name three uses of a batch API.' }]) + '\n';
}
