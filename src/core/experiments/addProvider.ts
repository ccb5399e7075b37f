// Adds a model to an experiment's `providers` as a text insertion at the end of the list, found with the `yaml`
// library: every other byte of the file (comments, spacing, flow style) stays as written.
import { isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';

export type AddProviderResult =
  | { readonly status: 'added'; readonly text: string }
  | { readonly status: 'present' }
  | { readonly status: 'invalid'; readonly message: string };

/** The id a `providers` entry names: a plain model id, or `{id: …}`. */
function providerId(item: unknown): unknown {
  if (isScalar(item)) return item.value;
  if (isMap(item)) return item.get('id');
  return undefined;
}

/** A scalar as YAML writes it on its own (quoted only when it must be). */
const scalar = (value: string) => stringify(value).trimEnd();

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** `text` with `model` appended to `providers` (created when missing); `present` when one already names it. */
export function addProvider(text: string, model: string, label?: string): AddProviderResult {
  const doc = parseDocument(text);
  if (doc.errors.length) return { status: 'invalid', message: `The file is not valid YAML: ${doc.errors[0]!.message}` };
  if (doc.contents !== null && !isMap(doc.contents)) return { status: 'invalid', message: 'The file is not a YAML mapping.' };
  const providers = doc.get('providers', true);
  const entry = label ? `{id: ${scalar(model)}, label: ${scalar(label)}}` : scalar(model);
  if (providers === undefined || providers === null) {
    const before = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    return { status: 'added', text: `${before}providers:\n  - ${entry}\n` };
  }
  if (!isSeq(providers) || !providers.range) return { status: 'invalid', message: '`providers` is not a list.' };
  if (providers.items.some((item) => providerId(item) === model)) return { status: 'present' };
  if (providers.flow) {
    const close = text.lastIndexOf(']', providers.range[1]);
    if (close < 0) return { status: 'invalid', message: '`providers` is not a list.' };
    const separator = providers.items.length ? ', ' : '';
    return { status: 'added', text: `${text.slice(0, close).trimEnd()}${separator}${entry}${text.slice(close)}` };
  }
  const last = providers.items.at(-1) as { range?: [number, number, number] } | undefined;
  if (!last?.range) return { status: 'invalid', message: '`providers` is not a list.' };
  // The new item goes on the line after the last one, indented like it (its dash, not its value).
  const prefix = text.slice(lineStart(text, last.range[0]), last.range[0]);
  const dash = /^(\s*)-\s/.exec(prefix);
  const indent = dash ? dash[1]! : ' '.repeat(Math.max(0, prefix.length - 2));
  const end = last.range[2];
  const lineEnd = text.indexOf('\n', end > 0 && text[end - 1] === '\n' ? end - 1 : end);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  const head = lineEnd < 0 ? `${text}\n` : text.slice(0, at);
  return { status: 'added', text: `${head}${indent}- ${entry}\n${text.slice(at)}` };
}
