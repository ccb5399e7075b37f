// Line splitting shared by the in-memory and streaming validators, so both number lines as VS Code does:
// LF, CRLF and a lone CR each end a line, a leading BOM is not part of line 1, and a final line ending does not
// start a line. (kluster's own line reader and the emulator's, Node's readline, also break on a lone CR.)

const BOM = 0xfeff;
const LF = 10;
const CR = 13;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** The lines of a JSONL text, without their line endings. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  splitter.push(text);
  splitter.end();
  return lines;
}

/** True when a line holds only whitespace (JSON whitespace or any other Unicode space). */
export function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const first = line.charCodeAt(0);
  // Fast exit for the common case: a line starting with `{`.
  if (first === 123) return false;
  return line.trim().length === 0;
}

/**
 * Splits text that arrives in chunks (a file stream) into the same lines as `splitLines`, wherever the chunks
 * break, a CRLF pair split across two chunks included.
 */
export class LineSplitter {
  /** The unfinished last line, in pieces: a long line that spans many chunks is joined once, not once a chunk. */
  private readonly rest: string[] = [];
  private first = true;
  /** Whether the text started with a byte order mark (3 bytes in UTF-8), which no line includes. */
  hadBom = false;

  /** `endingLength`: the characters of the line ending that followed the line (0 for a final unterminated line). */
  constructor(private readonly onLine: (line: string, endingLength: number) => void) {}

  push(chunk: string): void {
    if (this.first && chunk.length > 0) {
      this.hadBom = chunk.charCodeAt(0) === BOM;
      chunk = stripBom(chunk);
      this.first = false;
    }
    const last = this.rest[this.rest.length - 1];
    // No line ends in this chunk (and no CR before it waits for an LF): keep it for later.
    if (chunk.indexOf('\n') < 0 && chunk.indexOf('\r') < 0 && (last === undefined || last.charCodeAt(last.length - 1) !== CR)) {
      if (chunk.length > 0) this.rest.push(chunk);
      return;
    }
    const text = this.rest.length > 0 ? this.rest.join('') + chunk : chunk;
    this.rest.length = 0;
    const start = text.indexOf('\r') < 0 ? this.splitLf(text) : this.splitAny(text);
    if (start < text.length) this.rest.push(start === 0 ? text : text.slice(start));
  }

  end(): void {
    const rest = this.rest.join('');
    // Only the last character can be a CR still waiting to see whether an LF follows.
    if (rest.length > 0) {
      if (rest.charCodeAt(rest.length - 1) === CR) this.onLine(rest.slice(0, -1), 1);
      else this.onLine(rest, 0);
    }
    this.rest.length = 0;
  }

  /** The fast path for text without CR: returns where the unfinished last line starts. */
  private splitLf(text: string): number {
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.onLine(text.slice(start, end), 1);
      start = end + 1;
    }
    return start;
  }

  private splitAny(text: string): number {
    let start = 0;
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    for (;;) {
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
      if (cr < 0 && lf < 0) return start;
      if (cr < 0 || (lf >= 0 && lf < cr)) {
        this.onLine(text.slice(start, lf), 1);
        start = lf + 1;
        continue;
      }
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for the next chunk.
      if (cr === text.length - 1) return start;
      const ending = text.charCodeAt(cr + 1) === LF ? 2 : 1;
      this.onLine(text.slice(start, cr), ending);
      start = cr + ending;
    }
  }
}
