// Markdown built from text a file or the service supplied.

/**
 * `text` as a code span. Backslash escapes do not work inside one (`Meta\-Llama` shows the backslash), so
 * the text goes in as it is, fenced by one backtick more than its longest run of them, padded with a space when
 * it starts or ends with a backtick. Line breaks become spaces, as a code span shows them anyway.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r\n|[\r\n]/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
