import { checkLine, voteLine, type LineVote } from './checkLine';
import {
  compareDiagnostics,
  Codes,
  atLine,
  type FileKind,
  type JsonlDiagnostic,
  type ValidationOptions,
  type ValidationResult,
} from './diagnostics';
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
import { customIdSpan, duplicateCustomIdMessage } from './customId';
import { FirstUseIndex } from './firstUse';
import { quoted } from './excerpt';

/**
 * Validates a file line by line as it streams in: the CLI's path for files up to the 100 MB cap and beyond. Lines
 * are held back only until the first non-blank lines have decided the file's kind. With a `sink`, diagnostics go
 * to it as they are found (line by line, sorted within a line; the file-size and free-tier warnings at `finish`)
 * and only the custom_id index is kept, so memory does not grow with the number of problems. Without one they are
 * collected and `finish` returns them sorted.
 */
export class JsonlStreamValidator {
  private kind: FileKind | undefined;
  private readonly held: string[] = [];
  private readonly heldVotes: LineVote[] = [];
  /** Where each custom_id was first used, for the duplicates' related location. */
  private readonly firstUse = new FirstUseIndex();
  private readonly diagnostics: JsonlDiagnostic[] = [];
  private line = 0;
  private requests = 0;
  private bytes = 0;
  private capLine: { line: number; text: string } | undefined;
  private firstLine: { line: number; text: string } | undefined;
  private sizeLine: { line: number; text: string } | undefined;
  private lastText = '';
  private readonly maxFileBytes: number;
  private byteOrderMark = false;

  /** `eolBytes`: the line-ending width `push` assumes when not told. */
  constructor(
    private readonly options: ValidationOptions,
    private readonly eolBytes = 1,
    private readonly sink?: (diagnostic: JsonlDiagnostic) => void,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? MAX_BATCH_FILE_BYTES;
  }

  /** The file's kind once its first lines have decided it (before any diagnostic is reported). */
  get decidedKind(): FileKind | undefined {
    return this.kind;
  }

  private emit(diagnostic: JsonlDiagnostic): void {
    if (this.sink) this.sink(diagnostic);
    else this.diagnostics.push(diagnostic);
  }

  /**
   * One line without its ending. `extraBytes`: the bytes the file holds for this line beyond its text (its
   * actual line ending, and a BOM before line 1), so the size cap counts what is on disk.
   */
  push(text: string, extraBytes = this.eolBytes, afterByteOrderMark = false): void {
    if (afterByteOrderMark) this.byteOrderMark = true;
    this.bytes += Buffer.byteLength(text) + extraBytes;
    if (!this.sizeLine && this.bytes > this.maxFileBytes) this.sizeLine = { line: this.line + this.held.length, text };
    if (this.kind !== undefined) {
      this.process(text);
      return;
    }
    this.held.push(text);
    const vote = voteLine(text);
    if (vote !== 'blank') this.heldVotes.push(vote);
    if (this.heldVotes.length >= KIND_WINDOW) this.release();
  }

  /** `fileBytes`: the file's size on disk when known (exact even where decoding replaced invalid bytes). */
  finish(fileBytes?: number): ValidationResult {
    if (this.kind === undefined) this.release();
    const kind = this.kind!;
    if (kind === 'batch') {
      if (this.capLine && this.options.tier === 'free') {
        this.emit(freeTierCapDiagnostic(this.capLine.line, this.capLine.text, this.requests));
      }
      const total = fileBytes ?? this.bytes;
      // Counted bytes differ from the size on disk only where invalid UTF-8 was replaced; if only the size on disk is
      // over the cap, blame the last line.
      const at = this.sizeLine ?? (this.line > 0 ? { line: this.line - 1, text: this.lastText } : undefined);
      if (at && total > this.maxFileBytes) {
        this.emit(fileTooLargeDiagnostic(at.line, at.text, total, this.maxFileBytes));
      }
    }
    if (kind === 'finetune' && this.firstLine && this.requests < FINETUNE_MIN_EXAMPLES) {
      this.emit(tooFewExamplesDiagnostic(this.firstLine.line, this.firstLine.text, this.requests));
    }
    return { kind, diagnostics: this.diagnostics.sort(compareDiagnostics) };
  }

  private release(): void {
    this.kind = decideKind(this.heldVotes);
    for (const text of this.held) this.process(text);
    this.held.length = 0;
  }

  private process(text: string): void {
    const line = this.line++;
    this.lastText = text;
    const check = checkLine(text, this.kind!, this.options);
    if (check.vote !== 'blank') {
      this.requests++;
      this.firstLine ??= { line, text };
      if (this.requests === FREE_TIER_MAX_BATCH_LINES) this.capLine = { line, text };
    }
    const duplicate = this.duplicateOf(text, line, check.customId, check.repeatsKeys);
    const bom = line === 0 && this.byteOrderMark;
    if (check.diagnostics.length === 0 && !duplicate && !bom) return;
    const found = check.diagnostics.map((d) => atLine(line, d));
    if (bom) found.push(byteOrderMarkDiagnostic(text));
    if (duplicate) found.push(duplicate);
    if (found.length > 1) found.sort(compareDiagnostics);
    for (const d of found) this.emit(d);
  }

  /** The duplicate custom_id diagnostic of this line, if its id was used before; else records the first use. */
  private duplicateOf(text: string, line: number, id: string | undefined, repeatsKeys: boolean | undefined): JsonlDiagnostic | undefined {
    if (id === undefined) return undefined;
    const first = this.firstUse.get(id);
    const span = customIdSpan(text, repeatsKeys);
    if (first === undefined) {
      this.firstUse.add(id, { line, start: span.start, end: span.end });
      return undefined;
    }
    return {
      line,
      startColumn: span.start,
      endColumn: span.end,
      severity: 'error',
      code: Codes.duplicateCustomId,
      message: duplicateCustomIdMessage(id, first.line, first.start),
      fix: { kind: 'uniqueCustomId', customId: id },
      related: [{ line: first.line, startColumn: first.start, endColumn: first.end, message: `First use of custom_id ${quoted(id)}` }],
    };
  }
}
