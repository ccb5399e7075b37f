// Facts about a line's JSON text found in one pass without building a tree: how deep it nests and how many keys
// it writes. jsonc-parser recurses once per nesting level, so a line nested deeper than MAX_TREE_DEPTH never
// reaches it (V8's JSON.parse is not recursive and takes any depth).

/** Far beyond any real request (they nest under 10 levels), far below what overflows the stack (~6000). */
export const MAX_TREE_DEPTH = 1000;

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

/** Index of the quote closing the string that opens at `open`, or -1. */
export function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
  }
}

/** JSON whitespace: space, tab, LF, CR. */
export function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function skipSpace(text: string, at: number): number {
  while (at < text.length && isJsonSpace(text.charCodeAt(at))) at++;
  return at;
}

export interface LineShape {
  /** The deepest nesting of arrays and objects (1 for `{"a":1}`). */
  readonly depth: number;
  /** Strings followed by `:`, i.e. property names as written, repeats included. */
  readonly keys: number;
}

/** Scans the line once; on broken JSON the counts describe the text up to where it breaks. */
export function lineShape(text: string): LineShape {
  let depth = 0;
  let deepest = 0;
  let keys = 0;
  for (let at = 0; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      const close = stringEnd(text, at);
      if (close < 0) break;
      if (text.charCodeAt(skipSpace(text, close + 1)) === COLON) keys++;
      at = close;
    } else if (c === 123 || c === 91) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return { depth: deepest, keys };
}

export function tooDeepForTree(text: string): boolean {
  return lineShape(text).depth > MAX_TREE_DEPTH;
}

/** Properties in a parsed value, nested ones included; walked without recursion, so any depth is fine. */
export function propertyCount(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) stack.push(item);
      continue;
    }
    for (const key in value) {
      count++;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) stack.push(item);
    }
  }
  return count;
}

/**
 * Whether a line JSON.parse accepted writes a key twice in one object (JSON.parse keeps the last silently): the
 * keys written outnumber the properties parsed.
 */
export function repeatsKeys(text: string, value: unknown): boolean {
  return typeof value === 'object' && value !== null && lineShape(text).keys !== propertyCount(value);
}

/** Whether a JSON number literal is an integer, exactly as written (`1.0` and `2.5e1` are, `1e-1` is not). */
export function isIntegerLiteral(literal: string): boolean {
  const match = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!match) return false;
  const [, whole, fraction = '', exponent = '0'] = match;
  const digits = (whole! + fraction).replace(/0+$/, '');
  return digits.length === 0 || digits.length <= whole!.length + Number(exponent);
}
