// Decides how a streaming reply's DOM changes per frame, without touching the DOM (so it is unit-tested in
// node): finished blocks are parsed once, and the markdown parsed per frame stays under a fixed size
// whatever the shape of the reply (long tables, paragraphs without a blank line, one huge line).
import { BlockScanner, renderMarkdown, SOFT_CUT_CHARS } from './markdown';

export type StreamUpdate =
  /** Finished text, rendered once: goes before the tail. `continuesTable`: its first table continues the previous one (header left out). */
  | { readonly kind: 'commit'; readonly html: string; readonly continuesTable: boolean }
  /** The unfinished tail, re-rendered. `continuesTable`: its first table continues the previous one (header left out). */
  | { readonly kind: 'tail'; readonly html: string; readonly continuesTable: boolean }
  /** The tail is an open code fence: an empty code block with this language; its text comes as `text` updates. */
  | { readonly kind: 'fence'; readonly language: string | undefined }
  /** Plain text appended to the tail as it is (fence body, or the overflow of one very long line). */
  | { readonly kind: 'text'; readonly text: string };

/**
 * The incremental markdown of one streamed reply. Besides the scanner's block cuts, a tail past
 * SOFT_CUT_CHARS is committed at its last line break (inside a table, the rows are rendered under the
 * table's header, then shown as a table part without it); a single line longer than that is shown as plain
 * text from there on. Both can differ slightly from a one-shot render while streaming: when the reply ends, the caller
 * renders the whole `text` once, which restores the exact layout.
 */
export class IncrementalMarkdown {
  private readonly scanner = new BlockScanner();
  private readonly committed: string[] = [];
  private tail = '';
  /** Header lines of the table the tail is inside, when the tail starts after the header. */
  private tableHeader: string | undefined;
  /** How the tail is shown: re-rendered as markdown, or appended to as plain text (fence, long line). */
  private mode: 'markdown' | 'fence' | 'line' = 'markdown';
  /** Characters of the tail already shown as text, in `fence` and `line` mode. */
  private shown = 0;

  constructor(private readonly render: (markdown: string) => string = renderMarkdown) {}

  /** All text so far. Joins the parts: call it when the reply ends or is saved, not per chunk. */
  get text(): string {
    return this.committed.join('') + this.tail;
  }

  /** True when parts were cut where a one-shot render could differ (line cuts, plain-text overflow). */
  approximate = false;

  /** The DOM changes for `delta`. Cost: the new text plus at most about SOFT_CUT_CHARS of the tail. */
  append(delta: string): StreamUpdate[] {
    const updates: StreamUpdate[] = [];
    this.tail += delta;
    const cut = this.scanner.scan(this.tail);
    if (cut > 0) this.commit(cut, updates);
    if (!this.scanner.openFence && this.tail.length > SOFT_CUT_CHARS) {
      const lineEnd = this.tail.lastIndexOf('\n') + 1;
      if (lineEnd > 0) {
        this.approximate = true;
        this.commit(lineEnd, updates);
      }
    }
    this.updateTail(updates);
    return updates;
  }

  private commit(cut: number, updates: StreamUpdate[]): void {
    const finished = this.tail.slice(0, cut);
    const header = this.tableHeader;
    updates.push({ kind: 'commit', html: this.render(header ? header + finished : finished), continuesTable: header !== undefined });
    this.tableHeader = this.scanner.tableHeaderAt(cut);
    this.committed.push(finished);
    this.tail = this.tail.slice(cut);
    this.scanner.shift(cut);
    this.mode = 'markdown';
    this.shown = 0;
  }

  private updateTail(updates: StreamUpdate[]): void {
    const fence = this.scanner.openFence;
    if (fence) {
      if (this.mode !== 'fence') {
        updates.push({ kind: 'fence', language: fence.info.split(/\s+/)[0] || undefined });
        this.mode = 'fence';
        this.shown = 0;
      }
      this.appendText(this.tail.substring(this.tail.indexOf('\n') + 1 + this.shown), updates);
      return;
    }
    if (this.mode === 'line') {
      this.appendText(this.tail.substring(this.shown), updates);
      return;
    }
    const header = this.tableHeader;
    updates.push({ kind: 'tail', html: this.render(header ? header + this.tail : this.tail), continuesTable: header !== undefined });
    if (this.tail.length > SOFT_CUT_CHARS) {
      // One line longer than the limit (no line break to cut at): from here on its text is appended as is.
      this.approximate = true;
      this.mode = 'line';
      this.shown = this.tail.length;
    }
  }

  private appendText(text: string, updates: StreamUpdate[]): void {
    if (!text) return;
    updates.push({ kind: 'text', text });
    this.shown += text.length;
  }
}
