// Splits a file into lines with their byte offsets, 1 MB at a time into one reused buffer (so a big file leaves
// no trail of dead buffers for the GC). The lines of a chunk are handed out synchronously: a caller that reads
// 100k lines pays one await per chunk, not one (and an async generator's promises) per line.
import { promises as fs } from 'fs';

/** A line as the scanner sees it: a view of the read buffer, valid only until the scanner reads on. */
export class ScannedLine {
  number = 0;
  offset = 0;
  bytes: Buffer = Buffer.alloc(0);

  get length(): number {
    return this.bytes.length;
  }

  get text(): string {
    return this.bytes.toString('utf8');
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const LF = 10;
const CR = 13;
const CHUNK_BYTES = 1024 * 1024;

/**
 * A line ends at LF, CRLF or a lone CR, and a leading BOM is not part of line 1, as in the validator (and the
 * editor): the line numbers agree, and JSON.parse does not refuse line 1 for its BOM. The validator's
 * LineSplitter applies the same rules to decoded text; this splits the bytes instead, so offsets stay exact for
 * large result files read back from disk even when a line is not valid UTF-8 (decoding would turn its bytes into
 * U+FFFD and shift every later offset). Use: `while (await s.fill()) for (let l = s.next(); l; l = s.next())`.
 */
export class LineScanner {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly line = new ScannedLine();
  private number = 0;
  /** The next byte of `buffer` not yet in a line, and the end of what was read into it. */
  private start = 0;
  private filled = 0;
  /** File offset of buffer[0]. */
  private bufferOffset = 0;
  /** The next CR at or after `start`, looked up again only once passed (-1: none in this chunk). */
  private cr = -1;
  private ended = false;

  private constructor(
    private readonly handle: fs.FileHandle,
    private readonly signal?: AbortSignal,
  ) {}

  static async open(file: string, signal?: AbortSignal): Promise<LineScanner> {
    return new LineScanner(await fs.open(file, 'r'), signal);
  }

  /** Reads the next chunk, keeping the unfinished last line; false once the file is done. */
  async fill(): Promise<boolean> {
    if (this.ended) return false;
    this.signal?.throwIfAborted();
    const kept = this.filled - this.start;
    this.buffer.copy(this.buffer, 0, this.start, this.filled);
    this.bufferOffset += this.start;
    this.start = 0;
    if (kept === this.buffer.length) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2); // a line longer than the buffer
      this.buffer.copy(bigger, 0, 0, kept);
      this.buffer = bigger;
    }
    const { bytesRead } = await this.handle.read(this.buffer, kept, this.buffer.length - kept, this.bufferOffset + kept);
    this.ended = bytesRead === 0;
    this.filled = kept + bytesRead;
    const atBom =
      this.bufferOffset === 0 &&
      this.number === 0 &&
      this.filled >= UTF8_BOM.length &&
      this.buffer.subarray(0, UTF8_BOM.length).equals(UTF8_BOM);
    if (atBom) this.start = UTF8_BOM.length;
    this.cr = this.buffer.indexOf(CR, this.start);
    return true;
  }

  /** The next whole line of what was read (the same object each time), or undefined: `fill` again. */
  next(): ScannedLine | undefined {
    const { buffer, filled, start } = this;
    let cr = this.cr;
    if (cr >= filled) cr = -1;
    if (cr >= 0 && cr < start) cr = buffer.indexOf(CR, start);
    if (cr >= filled) cr = -1;
    this.cr = cr;
    let lf = buffer.indexOf(LF, start);
    if (lf >= filled) lf = -1;
    if (cr >= 0 && (lf < 0 || cr < lf)) {
      if (cr + 1 === lf) return this.emit(cr, lf + 1); // CRLF
      if (cr + 1 < filled || this.ended) return this.emit(cr, cr + 1); // a lone CR
      return undefined; // the chunk ends at a CR: the next one tells whether an LF follows
    }
    if (lf >= 0) return this.emit(lf, lf + 1);
    if (this.ended && start < filled) return this.emit(filled, filled);
    return undefined;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private emit(end: number, next: number): ScannedLine {
    const line = this.line;
    line.number = ++this.number;
    line.offset = this.bufferOffset + this.start;
    line.bytes = this.buffer.subarray(this.start, end);
    this.start = next;
    return line;
  }
}

/** Every line of a file (see LineScanner for the rules); the yielded object and its bytes are reused. */
export async function* scanLines(file: string, signal?: AbortSignal): AsyncGenerator<ScannedLine> {
  const scanner = await LineScanner.open(file, signal);
  try {
    while (await scanner.fill()) for (let line = scanner.next(); line; line = scanner.next()) yield line;
  } finally {
    await scanner.close();
  }
}
