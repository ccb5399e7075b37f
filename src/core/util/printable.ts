// Text from elsewhere (the service's messages, errors.data and file names; a user's file) before a person
// sees it: control characters made visible, so a terminal cannot be recoloured, cleared or retitled by it;
// HTML pages reduced to their words; and a length that fits in one line of a message.

/** Characters that move the cursor, change a terminal's state or reorder what is shown: C0 (except tab and
 * line feed, handled by the caller's choice), DEL, C1, and the bidirectional overrides and isolates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS_AND_LINE_BREAKS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Writes control characters as `\u001b` escapes, which read plainly and are valid inside a JSON string,
 * so JSON output stays JSON. `keepLineBreaks` leaves tab and line feed alone (text of several lines).
 */
export function escapeControls(text: string, keepLineBreaks = false): string {
  return text.replace(keepLineBreaks ? CONTROLS : CONTROLS_AND_LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How much of the service's own words a message quotes. */
export const SERVICE_TEXT_LIMIT = 300;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The words of an HTML page: no scripts, styles, comments or tags. */
function htmlToText(html: string): string {
  const words = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ');
  return decodeEntities(words);
}

/**
 * The service's text as one short line: HTML stripped to its words, white space collapsed, cut to the
 * first `limit` characters (with `…`), control characters escaped.
 */
export function serviceText(raw: string, limit = SERVICE_TEXT_LIMIT): string {
  const text = /<\/?[a-z!][^>]*>/i.test(raw) ? htmlToText(raw) : raw;
  return escapeControls(cutText(text.replace(/\s+/g, ' ').trim(), limit));
}

/** The first `max` characters of `text` and "…", never splitting a surrogate pair; `text` itself when it fits. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
