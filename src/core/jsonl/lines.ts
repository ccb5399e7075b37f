// Line splitting shared by the in-memory and streaming validators, so both number lines as VS Code does:
// LF or CRLF ends a line, a leading BOM is not part of line 1, and a final newline does not start a line.

const BOM = 0xfeff;
const CR = 13;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
}

/** The lines of a JSONL text, without their line endings. */
export function splitLines(text: string): string[] {
  const source = stripBom(text);
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const end = source.indexOf('\n', start);
    if (end < 0) {
      if (start < source.length) lines.push(withoutCr(source.slice(start)));
      return lines;
    }
    lines.push(withoutCr(source.slice(start, end)));
    start = end + 1;
  }
}

/** True when a line holds only whitespace (JSON whitespace or any other Unicode space). */
export function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const first = line.charCodeAt(0);
  // Fast exit for the common case: a line starting with `{`.
  if (first === 123) return false;
  return line.trim().length === 0;
}

/** Splits text that arrives in chunks (a file stream) into the same lines as `splitLines`. */
export class LineSplitter {
  private rest = '';
  private first = true;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    let text = this.rest + chunk;
    if (this.first && text.length > 0) {
      text = stripBom(text);
      this.first = false;
    }
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      this.onLine(withoutCr(text.slice(start, end)));
      start = end + 1;
    }
    this.rest = start === 0 ? text : text.slice(start);
  }

  end(): void {
    if (this.rest.length > 0) this.onLine(withoutCr(this.rest));
    this.rest = '';
  }
}
