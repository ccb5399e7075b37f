// Where a line's custom_id value sits, and the duplicate message both validators give.
import { quoted } from './excerpt';
import { LineTree, type Span } from './locate';
import { skipSpace, stringEnd } from './structure';

const QUOTE = 34;
const COLON = 58;
const KEY = '"custom_id"';

/**
 * The first top-level `"custom_id": "…"` value of a line that JSON.parse accepted, found by skipping over strings
 * instead of building a syntax tree (the streaming validator asks this of every request line).
 */
function scanCustomId(text: string): Span | undefined {
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      const close = stringEnd(text, at);
      if (close < 0) return undefined;
      if (depth === 1 && close - at === KEY.length - 1 && text.startsWith(KEY, at)) {
        const colon = skipSpace(text, close + 1);
        if (text.charCodeAt(colon) === COLON) {
          const value = skipSpace(text, colon + 1);
          if (text.charCodeAt(value) !== QUOTE) return undefined;
          const end = stringEnd(text, value);
          return end < 0 ? undefined : { start: value, end: end + 1 };
        }
      }
      at = close;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return undefined;
}

/**
 * The span of the custom_id value (else the nearest thing to it), the same one the editor underlines. On a line
 * that repeats keys the scan's first custom_id may not be the one that counts, so the tree finds the last.
 */
export function customIdSpan(text: string, repeatsKeys = false): Span {
  return (repeatsKeys ? undefined : scanCustomId(text)) ?? new LineTree(text).valueOrNearest(['custom_id']);
}

/** `line` and `column` are 0-based; the message shows them 1-based, as editors and the CLI do. */
export function duplicateCustomIdMessage(id: string, line: number, column: number): string {
  return `Duplicate custom_id ${quoted(id)}: first used on line ${line + 1}, column ${column + 1}. Each request needs its own.`;
}
