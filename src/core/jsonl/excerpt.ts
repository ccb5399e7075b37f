// How a user's text appears inside a diagnostic message: short and printable, whatever the line holds (a 2 MB
// token, binary with NUL runs), so messages stay readable in the Problems panel and in CI logs.
import { cutText, escapeControls } from '../util/printable';

/** Characters of user text a message quotes before cutting it with "…". */
export const EXCERPT_CHARS = 40;

/** `text` in double quotes, JSON-escaped (control characters as \n, \t, \u0000…), cut to `max` characters. */
export function quoted(text: string, max = EXCERPT_CHARS): string {
  return JSON.stringify(cutText(text, max));
}

/** `text` escaped as inside a JSON string but without the quotes (for names shown in backticks), cut to `max`. */
export function escaped(text: string, max = EXCERPT_CHARS): string {
  return quoted(text, max).slice(1, -1);
}

/** A message from elsewhere (V8's JSON.parse error, which quotes the input) made printable and bounded. */
export function printable(message: string, max = 200): string {
  return escapeControls(cutText(message, max));
}
