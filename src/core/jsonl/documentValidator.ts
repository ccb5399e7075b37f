import { checkLine, voteLine, type LineCheck, type LineVote } from './checkLine';
import { Codes, type FileKind, type LineDiagnostic, type RelatedLocation, type ValidationOptions } from './diagnostics';
import {
  byteOrderMarkDiagnostic,
  decideKind,
  fileTooLargeDiagnostic,
  FREE_TIER_MAX_BATCH_LINES,
  freeTierCapDiagnostic,
  KIND_WINDOW,
  MAX_BATCH_FILE_BYTES,
  FINETUNE_MIN_EXAMPLES,
  tooFewExamplesDiagnostic,
} from './fileRules';
import { isBlank } from './lines';
import { customIdSpan, duplicateCustomIdMessage } from './customId';
import { quoted } from './excerpt';
import { type Span } from './locate';

interface LineRecord {
  readonly text: string;
  readonly bytes: number;
  readonly blank: boolean;
  index: number;
  /** undefined until checked (a big document is checked in slices). */
  check: LineCheck | undefined;
  vote: LineVote | undefined;
  customIdSpan: Span | undefined;
}

export type DiagnosticVisitor = (line: number, diagnostic: LineDiagnostic, related?: readonly RelatedLocation[]) => void;

/**
 * The validation state of one open JSONL document. Keeps one record per line and an index of custom_ids, so an
 * edit re-checks only the lines it touched. Per-line diagnostic objects stay the same until their line changes,
 * which lets callers cache what they build from them.
 */
export class JsonlDocumentValidator {
  private records: LineRecord[] = [];
  private readonly ids = new Map<string, LineRecord[]>();
  private readonly duplicates = new Set<string>();
  /** Records whose own check found something: visiting them is O(flagged), not O(lines). */
  private readonly flagged = new Set<LineRecord>();
  private pending = 0;
  private cursor = 0;
  private currentKind: FileKind = 'empty';
  private lineBytes = 0;
  private nonBlankLines = 0;
  /**
   * The line that crosses the file-size cap and the bytes before it, kept up to date by edits (a one-line edit
   * moves it by a line or so) so publishing never walks the whole document; undefined when not known.
   */
  private sizeCap: { record: LineRecord; before: number } | undefined;
  /** Whether the file on disk starts with a BOM (the text never holds it). */
  private byteOrderMark = false;
  /** Its diagnostic, the same object while line 1 is unchanged (callers cache what they build from it). */
  private byteOrderMarkSeen: { text: string; diagnostic: LineDiagnostic } | undefined;

  /** `eolBytes`: 1 for LF documents, 2 for CRLF; used for the file-size cap. */
  constructor(
    private options: ValidationOptions,
    private readonly eolBytes = 1,
  ) {}

  get kind(): FileKind {
    return this.currentKind;
  }

  get lineCount(): number {
    return this.records.length;
  }

  /** Lines not checked yet; `checkPending` works them off. */
  get pendingLines(): number {
    return this.pending;
  }

  lineText(line: number): string | undefined {
    return this.records[line]?.text;
  }

  hasCustomId(id: string): boolean {
    return this.ids.has(id);
  }

  /** Replaces the whole document. Call `checkPending` afterwards, in slices for big documents. */
  load(lines: readonly string[]): void {
    this.records = lines.map((text, index) => newRecord(text, index));
    this.lineBytes = 0;
    this.nonBlankLines = 0;
    for (const record of this.records) this.count(record, 1);
    this.sizeCap = undefined;
    this.invalidateAll();
  }

  /** Checks up to `maxLines` unchecked lines; returns how many remain. */
  checkPending(maxLines = Number.POSITIVE_INFINITY): number {
    let budget = maxLines;
    const records = this.records;
    while (this.pending > 0 && budget > 0 && this.cursor < records.length) {
      const record = records[this.cursor++]!;
      if (record.check) continue;
      this.check(record);
      this.pending--;
      budget--;
    }
    return this.pending;
  }

  /**
   * Replaces `deletedCount` lines from `startLine` with `newLines` and re-checks them, or leaves them pending with
   * `deferCheck` (a big paste). Returns true when the edit changed the file's kind, which leaves every line pending.
   */
  applyEdit(startLine: number, deletedCount: number, newLines: readonly string[], deferCheck = false): boolean {
    const added = newLines.map((text, i) => newRecord(text, startLine + i));
    const removed = this.records.splice(startLine, deletedCount, ...added);
    for (const record of removed) {
      this.count(record, -1);
      this.flagged.delete(record);
      if (record.check) this.unindex(record);
      else this.pending--;
    }
    for (const record of added) this.count(record, 1);
    if (added.length !== removed.length) {
      for (let i = startLine + added.length; i < this.records.length; i++) this.records[i]!.index = i;
    }
    this.moveSizeCap(startLine, removed, added);
    this.cursor = Math.min(this.cursor, startLine);
    if (this.computeKind() !== this.currentKind) {
      this.invalidateAll();
      return true;
    }
    if (deferCheck) this.pending += added.length;
    else for (const record of added) this.check(record);
    return false;
  }

  /** Whether the file starts with a byte order mark (not part of the text). Returns true when that changed. */
  setByteOrderMark(present: boolean): boolean {
    if (present === this.byteOrderMark) return false;
    this.byteOrderMark = present;
    return true;
  }

  private byteOrderMarkDiagnostic(): LineDiagnostic {
    const text = this.records[0]?.text ?? '';
    if (this.byteOrderMarkSeen?.text !== text) {
      const { line: _line, ...diagnostic } = byteOrderMarkDiagnostic(text);
      this.byteOrderMarkSeen = { text, diagnostic };
    }
    return this.byteOrderMarkSeen.diagnostic;
  }

  /** New settings. Returns true when every line must be checked again (the model list changed). */
  setOptions(options: ValidationOptions): boolean {
    const recheck = options.knownModels !== this.options.knownModels;
    this.options = options;
    this.sizeCap = undefined;
    if (recheck) this.invalidateAll();
    return recheck;
  }

  /** Calls `visit` for every diagnostic: the BOM, per line, then duplicates, then the file caps. */
  visit(visit: DiagnosticVisitor): void {
    const records = this.records;
    if (this.byteOrderMark) visit(0, this.byteOrderMarkDiagnostic());
    // Few flagged lines: sort them. Many: one pass over all lines is cheaper than sorting.
    const flagged = this.flagged.size * 8 < records.length ? [...this.flagged].sort((a, b) => a.index - b.index) : records;
    const last = records.length - 1;
    for (const record of flagged) {
      const check = record.check;
      if (!check || check.diagnostics.length === 0) continue;
      for (const d of check.diagnostics) {
        // A final empty line is where the cursor sits after the last newline, not a blank line.
        if (d.code === Codes.blankLine && record.index === last && record.text.length === 0) continue;
        visit(record.index, d);
      }
    }
    for (const id of this.duplicates) this.visitDuplicates(id, visit);
    if (this.currentKind === 'batch') this.visitCaps(visit);
    if (this.currentKind === 'finetune' && this.nonBlankLines < FINETUNE_MIN_EXAMPLES) this.visitTooFewExamples(visit);
  }

  /** Fewer than 10 non-blank lines, so this walk is short unless the file is mostly blank lines. */
  private visitTooFewExamples(visit: DiagnosticVisitor): void {
    const first = this.records.find((record) => !record.blank);
    if (!first) return;
    const { line, ...d } = tooFewExamplesDiagnostic(first.index, first.text, this.nonBlankLines);
    visit(line, d);
  }

  private visitDuplicates(id: string, visit: DiagnosticVisitor): void {
    const holders = [...this.ids.get(id)!].sort((a, b) => a.index - b.index);
    const first = holders[0]!;
    const firstSpan = this.customIdSpan(first);
    const related: RelatedLocation[] = [
      { line: first.index, startColumn: firstSpan.start, endColumn: firstSpan.end, message: `First use of custom_id ${quoted(id)}` },
    ];
    for (const holder of holders.slice(1)) {
      const span = this.customIdSpan(holder);
      visit(
        holder.index,
        {
          startColumn: span.start,
          endColumn: span.end,
          severity: 'error',
          code: Codes.duplicateCustomId,
          message: duplicateCustomIdMessage(id, first.index, firstSpan.start),
          fix: { kind: 'uniqueCustomId', customId: id },
        },
        related,
      );
    }
  }

  private visitCaps(visit: DiagnosticVisitor): void {
    const records = this.records;
    if (this.options.tier === 'free' && this.nonBlankLines >= FREE_TIER_MAX_BATCH_LINES) {
      // Only the first ~1000 lines are walked; the request count is kept by edits.
      let requests = 0;
      for (const record of records) {
        if (record.blank || ++requests < FREE_TIER_MAX_BATCH_LINES) continue;
        const { line, ...d } = freeTierCapDiagnostic(record.index, record.text, this.nonBlankLines);
        visit(line, d);
        break;
      }
    }
    const cap = this.capBytes;
    const total = this.lineBytes + this.eolBytes * records.length;
    if (total > cap) {
      const crossing = (this.sizeCap ??= this.findSizeCap()).record;
      const { line, ...d } = fileTooLargeDiagnostic(crossing.index, crossing.text, total, cap);
      visit(line, d);
    }
  }

  private get capBytes(): number {
    return this.options.maxFileBytes ?? MAX_BATCH_FILE_BYTES;
  }

  private count(record: LineRecord, sign: 1 | -1): void {
    this.lineBytes += sign * record.bytes;
    if (!record.blank) this.nonBlankLines += sign;
  }

  /** The whole-document walk, needed only when the document first grows over the cap. */
  private findSizeCap(): { record: LineRecord; before: number } {
    let before = 0;
    for (const record of this.records) {
      const after = before + record.bytes + this.eolBytes;
      if (after > this.capBytes) return { record, before };
      before = after;
    }
    throw new Error('findSizeCap called on a document under the cap');
  }

  /** Keeps `sizeCap` right after an edit by walking from where it was: a few lines for a one-line edit. */
  private moveSizeCap(startLine: number, removed: readonly LineRecord[], added: readonly LineRecord[]): void {
    const known = this.sizeCap;
    if (!known) return;
    const records = this.records;
    const crossingRemoved = removed.includes(known.record);
    // Edits after the crossing line change nothing before it.
    if (!crossingRemoved && known.record.index < startLine) return;
    const size = (list: readonly LineRecord[]) => list.reduce((sum, r) => sum + r.bytes + this.eolBytes, 0);
    let at: number;
    let before: number;
    if (crossingRemoved) {
      // Restart at the edit: the bytes before it are those before the old crossing line minus the removed lines
      // that came before that line.
      at = startLine;
      before = known.before - size(removed.slice(0, removed.indexOf(known.record)));
    } else {
      at = known.record.index;
      before = known.before + size(added) - size(removed);
    }
    const cap = this.capBytes;
    while (at > 0 && before > cap) before -= records[--at]!.bytes + this.eolBytes;
    while (at < records.length && before + records[at]!.bytes + this.eolBytes <= cap) before += records[at++]!.bytes + this.eolBytes;
    this.sizeCap = at < records.length ? { record: records[at]!, before } : undefined;
  }

  private customIdSpan(record: LineRecord): Span {
    record.customIdSpan ??= customIdSpan(record.text, record.check?.repeatsKeys);
    return record.customIdSpan;
  }

  private computeKind(): FileKind {
    const votes: LineVote[] = [];
    for (const record of this.records) {
      record.vote ??= record.check?.vote ?? voteLine(record.text);
      if (record.vote === 'blank') continue;
      votes.push(record.vote);
      if (votes.length === KIND_WINDOW) break;
    }
    return decideKind(votes);
  }

  private invalidateAll(): void {
    for (const record of this.records) record.check = undefined;
    this.flagged.clear();
    this.ids.clear();
    this.duplicates.clear();
    this.pending = this.records.length;
    this.cursor = 0;
    this.currentKind = this.computeKind();
  }

  private check(record: LineRecord): void {
    const check = checkLine(record.text, this.currentKind, this.options);
    record.check = check;
    record.vote = check.vote;
    if (check.diagnostics.length > 0) this.flagged.add(record);
    const id = check.customId;
    if (id === undefined) return;
    const holders = this.ids.get(id);
    if (!holders) this.ids.set(id, [record]);
    else if (holders.push(record) === 2) this.duplicates.add(id);
  }

  private unindex(record: LineRecord): void {
    const id = record.check?.customId;
    if (id === undefined) return;
    const holders = this.ids.get(id)!;
    holders.splice(holders.indexOf(record), 1);
    if (holders.length === 0) this.ids.delete(id);
    else if (holders.length === 1) this.duplicates.delete(id);
  }
}

function newRecord(text: string, index: number): LineRecord {
  return { text, bytes: Buffer.byteLength(text), blank: isBlank(text), index, check: undefined, vote: undefined, customIdSpan: undefined };
}
