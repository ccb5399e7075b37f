// Markdown for untrusted model output, and the block scanner that lets a streamed reply be rendered
// incrementally. No DOM here, so both are unit-tested in node.
import MarkdownIt from 'markdown-it';

/**
 * Raw HTML is off (tags are shown as text), images are never loaded (no request leaves the webview), and
 * links are kept only for http(s). Links carry `data-href` instead of `href`: nothing in the webview can
 * navigate; a click is sent to the extension, which checks the scheme again and opens it.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.validateLink = (url: string): boolean => /^https?:\/\//i.test(url.trim());

// An image is shown as a marked link to it, its alt text as the label (the URL when there is none): parsing
// it keeps `![x](url)` from showing as a stray "!" before a link.
md.renderer.rules.image = (tokens, index) => {
  const token = tokens[index]!;
  const src = token.attrGet('src') ?? '';
  const alt = md.utils.escapeHtml(token.content || src);
  const href = md.utils.escapeHtml(src);
  // Inside a link (`[![alt](img)](page)`) the label alone: a link in a link is not valid HTML.
  const inLink =
    tokens.slice(0, index).reduce((depth, t) => depth + (t.type === 'link_open' ? 1 : t.type === 'link_close' ? -1 : 0), 0) > 0;
  if (inLink) return `<span class="image-ref" title="Image not loaded: ${href}"><span class="image-label">Image:</span> ${alt}</span>`;
  return `<span class="image-ref" title="Image not loaded: ${href}"><span class="image-label">Image:</span> <a data-href="${href}" class="link" role="link" tabindex="0">${alt}</a></span>`;
};

md.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  const token = tokens[index]!;
  const href = token.attrGet('href') ?? '';
  token.attrs = [
    ['data-href', href],
    ['title', href],
    ['class', 'link'],
    ['role', 'link'],
    ['tabindex', '0'],
  ];
  return self.renderToken(tokens, index, options);
};

// Table alignment comes as a style attribute, which the CSP (no inline styles) would block: use classes.
const alignCell: NonNullable<typeof md.renderer.rules.th_open> = (tokens, index, options, _env, self) => {
  const token = tokens[index]!;
  const style = token.attrGet('style');
  if (style) {
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    const align = /text-align:(left|right|center)/.exec(style)?.[1];
    if (align) token.attrJoin('class', `align-${align}`);
  }
  return self.renderToken(tokens, index, options);
};
md.renderer.rules.th_open = alignCell;
md.renderer.rules.td_open = alignCell;

/** HTML for untrusted markdown: every tag of the input is escaped, only the renderer's own tags appear. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const BLANK = /^[ \t]*\r?$/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|\r?$)/;
const TOP_LEVEL_LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])[ \t]/;
const TABLE_DELIMITER_ROW = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\r?$/;

/** A tail larger than this may also be cut before a list item, so a long list is not re-rendered whole. */
export const SOFT_CUT_CHARS = 2048;

export interface OpenFence {
  /** The opening line's info string (language), trimmed. */
  readonly info: string;
}

/**
 * Finds where a growing markdown text can be cut: everything before the cut is finished blocks (rendered
 * once), the rest is the unfinished tail (re-rendered per frame). Cuts fall after a blank line, before and
 * after a heading, before a fenced code block and after its closing fence; for a tail past SOFT_CUT_CHARS
 * also before a top-level list item. Never inside a fence. Each `scan` reads only lines completed since the
 * last one, so the cost per chunk does not grow with the message.
 */
export class BlockScanner {
  /** Start of the first line not yet read. */
  private position = 0;
  private hardCut = 0;
  private softCut = 0;
  private fence: { marker: string; length: number; info: string } | undefined;
  /** The table being read: its header and delimiter lines, and where they start (negative once committed). */
  private table: { header: string; start: number } | undefined;
  private previousLine: { text: string; start: number } | undefined;

  /** The fenced code block the tail is inside, if any; it then starts at offset 0 of the tail. */
  get openFence(): OpenFence | undefined {
    return this.fence && this.hardCut === 0 ? { info: this.fence.info } : undefined;
  }

  /**
   * The header and delimiter lines of the table that the text at `offset` is inside, if its header comes
   * before `offset`: text cut there needs them to render as table rows.
   */
  tableHeaderAt(offset: number): string | undefined {
    return this.table && this.table.start < offset ? this.table.header : undefined;
  }

  /** Offset in `text` where finished blocks end (0: nothing to commit yet). */
  scan(text: string): number {
    let lineStart = this.position;
    for (;;) {
      const newline = text.indexOf('\n', lineStart);
      if (newline < 0) break;
      const line = text.slice(lineStart, newline);
      const next = newline + 1;
      const previous = this.previousLine;
      this.previousLine = this.fence ? undefined : { text: line, start: lineStart };
      if (this.table && (this.fence || BLANK.test(line) || !line.includes('|'))) this.table = undefined;
      if (this.fence) {
        if (this.closesFence(line)) {
          this.fence = undefined;
          this.hardCut = next;
        }
      } else if (BLANK.test(line)) {
        this.hardCut = next;
      } else {
        const open = FENCE_OPEN.exec(line);
        if (open && !(open[1]!.startsWith('`') && open[2]!.includes('`'))) {
          this.hardCut = lineStart;
          this.table = undefined;
          this.fence = { marker: open[1]![0]!, length: open[1]!.length, info: open[2]!.trim() };
        } else if (ATX_HEADING.test(line)) {
          this.hardCut = next;
          this.table = undefined;
        } else if (this.table) {
          // A row: tables are cut only at their end, or at a line once the tail is long (see StreamView).
        } else if (previous?.text.includes('|') && TABLE_DELIMITER_ROW.test(line) && line.includes('|')) {
          this.table = { header: `${previous.text}\n${line}\n`, start: previous.start };
        } else if (TOP_LEVEL_LIST_ITEM.test(line)) {
          this.softCut = lineStart;
        }
      }
      lineStart = next;
    }
    this.position = lineStart;
    if (this.softCut > this.hardCut && !this.fence && text.length - this.hardCut > SOFT_CUT_CHARS) return this.softCut;
    return this.hardCut;
  }

  /** The caller removed the first `count` characters (committed them). */
  shift(count: number): void {
    this.position -= count;
    this.hardCut = Math.max(0, this.hardCut - count);
    this.softCut = Math.max(0, this.softCut - count);
    if (this.table) this.table.start -= count;
    if (this.previousLine) this.previousLine = { ...this.previousLine, start: this.previousLine.start - count };
  }

  private closesFence(line: string): boolean {
    const fence = this.fence!;
    const match = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/.exec(line);
    return !!match && match[1]![0] === fence.marker && match[1]!.length >= fence.length;
  }
}
