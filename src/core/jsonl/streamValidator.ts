import { checkLine, voteLine, type LineVote } from './checkLine';
import { compareDiagnostics, Codes, atLine, type FileKind, type JsonlDiagnostic, type ValidationOptions, type ValidationResult } from './diagnostics';
import {
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
import { quoted } from './excerpt';

/**
 * Validates a file line by line as it streams in, keeping only the custom_id index and the diagnostics: the CLI's
 * path for files up to the 100 MB cap and beyond. Lines are held back only until the first non-blank lines have
 * decided the file's kind.
 */
export class JsonlStreamValidator {
  private kind: FileKind | undefined;
  private readonly held: string[] = [];
  private readonly heldVotes: LineVote[] = [];
  /** Where each custom_id was first used, for the duplicates' related location. */
  private readonly firstUse = new Map<string, { line: number; start: number; end: number }>();
  private readonly diagnostics: JsonlDiagnostic[] = [];
  private line = 0;
  private requests = 0;
  private bytes = 0;
  private capLine: { line: number; text: string } | undefined;
  private firstLine: { line: number; text: string } | undefined;
  private sizeLine: { line: number; text: string } | undefined;
  private lastText = '';
  private readonly maxFileBytes: number;

  /** `eolBytes`: the line-ending width `push` assumes when not told. */
  constructor(
    private readonly options: ValidationOptions,
    private readonly eolBytes = 1,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? MAX_BATCH_FILE_BYTES;
  }

  /**
   * One line without its ending. `extraBytes`: the bytes the file holds for this line beyond its text (its
   * actual line ending, and a BOM before line 1), so the size cap counts what is on disk.
   */
  push(text: string, extraBytes = this.eolBytes): void {
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
        this.diagnostics.push(freeTierCapDiagnostic(this.capLine.line, this.capLine.text, this.requests));
      }
      const total = fileBytes ?? this.bytes;
      // Counted bytes differ from the size on disk only where invalid UTF-8 was replaced; if only the size on disk is
      // over the cap, blame the last line.
      const at = this.sizeLine ?? (this.line > 0 ? { line: this.line - 1, text: this.lastText } : undefined);
      if (at && total > this.maxFileBytes) {
        this.diagnostics.push(fileTooLargeDiagnostic(at.line, at.text, total, this.maxFileBytes));
      }
    }
    if (kind === 'finetune' && this.firstLine && this.requests < FINETUNE_MIN_EXAMPLES) {
      this.diagnostics.push(tooFewExamplesDiagnostic(this.firstLine.line, this.firstLine.text, this.requests));
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
    for (const d of check.diagnostics) this.diagnostics.push(atLine(line, d));
    if (check.vote !== 'blank') {
      this.requests++;
      this.firstLine ??= { line, text };
      if (this.requests === FREE_TIER_MAX_BATCH_LINES) this.capLine = { line, text };
    }
    const id = check.customId;
    if (id === undefined) return;
    const first = this.firstUse.get(id);
    const span = customIdSpan(text);
    if (first === undefined) {
      this.firstUse.set(id, { line, start: span.start, end: span.end });
      return;
    }
    this.diagnostics.push({
      line,
      startColumn: span.start,
      endColumn: span.end,
      severity: 'error',
      code: Codes.duplicateCustomId,
      message: duplicateCustomIdMessage(id, first.line, first.start),
      fix: { kind: 'uniqueCustomId', customId: id },
      related: [{ line: first.line, startColumn: first.start, endColumn: first.end, message: `First use of custom_id ${quoted(id)}` }],
    });
  }
}
