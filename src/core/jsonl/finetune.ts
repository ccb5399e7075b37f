import { Codes, type LineDiagnostic } from './diagnostics';
import { LineTree } from './locate';

// What the fine-tuning tutorial asks of each example beyond its schema: the conversation ends with the assistant's
// reply, which is what the model learns to produce (system, user, then assistant in the tutorial's dataset).

/** The diagnostic for an example whose last message is not the assistant's; undefined when it is (or is broken). */
export function finalAssistantDiagnostic(text: string, value: { messages?: unknown }): LineDiagnostic | undefined {
  const messages = value.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const last: unknown = messages[messages.length - 1];
  if (typeof last !== 'object' || last === null) return undefined;
  const role = (last as { role?: unknown }).role;
  // A missing or unknown role is already reported as invalidRole.
  if (role !== 'system' && role !== 'user') return undefined;
  const span = new LineTree(text).valueOrNearest(['messages', messages.length - 1, 'role']);
  return {
    startColumn: span.start,
    endColumn: span.end,
    severity: 'error',
    code: Codes.finetuneNoFinalAssistant,
    message: `A fine-tuning example must end with the assistant's reply (role "assistant"), the answer the model learns; this one ends with a "${role}" message.`,
  };
}
