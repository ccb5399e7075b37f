import * as vscode from 'vscode';
import {
  Codes,
  JsonlDocumentValidator,
  type LineDiagnostic,
  type RelatedLocation,
  type Severity,
  type ValidationOptions,
} from '../core/jsonl';

/** Lines checked per slice before yielding to the extension host (~10–20 ms of work). */
const SLICE_LINES = 2000;
/** Lines read from the document per slice while loading. */
const LOAD_SLICE_LINES = 10000;
/** Edits that add more lines than this are checked in slices too. */
const DEFER_ABOVE_LINES = 500;
const PUBLISH_DELAY_MS = 150;
/** Problems one document publishes, so the Problems panel stays usable; then one note says how many more. */
export const MAX_PUBLISHED_PROBLEMS = 10_000;
/** File-wide findings are published whatever the count: they are why a submission would be refused. */
const ALWAYS_PUBLISHED: ReadonlySet<string> = new Set([Codes.fileTooLarge, Codes.freeTierLineCap, Codes.byteOrderMark]);
/** Shown before each code in the Problems panel: `kluster.ai(kluster.temperatureRange)`. */
export const DIAGNOSTIC_SOURCE = 'kluster.ai';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * Validation of one open JSONL document. Edits go straight into the incremental validator (only the touched lines
 * are re-checked); diagnostics are published after a short pause. Loading and checking a big document happens in
 * slices, so the extension host never stalls.
 */
export class DocumentSession implements vscode.Disposable {
  readonly validator: JsonlDocumentValidator;
  private loading = false;
  private slicing = false;
  private publishTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** vscode.Diagnostic objects built for unchanged lines are reused. */
  private built = new WeakMap<LineDiagnostic, { line: number; diagnostic: vscode.Diagnostic }>();

  constructor(
    readonly document: vscode.TextDocument,
    options: ValidationOptions,
    private readonly publish: (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]) => void,
  ) {
    this.validator = new JsonlDocumentValidator(options, document.eol === vscode.EndOfLine.CRLF ? 2 : 1);
    this.validator.setByteOrderMark(hasByteOrderMark(document));
    void this.load();
  }

  onDidChange(event: vscode.TextDocumentChangeEvent): void {
    // Also fired when only the encoding changed (the BOM was removed).
    this.validator.setByteOrderMark(hasByteOrderMark(this.document));
    if (this.loading) {
      // The lines read so far may be stale: start over.
      void this.load();
      return;
    }
    let deferred = false;
    let kindChanged = false;
    for (const change of event.contentChanges) {
      const start = change.range.start;
      const end = change.range.end;
      const first = this.validator.lineText(start.line) ?? '';
      const last = this.validator.lineText(end.line) ?? '';
      const text = first.slice(0, start.character) + change.text + last.slice(end.character);
      const lines = text.split(/\r\n|\r|\n/);
      const defer = lines.length > DEFER_ABOVE_LINES;
      deferred ||= defer;
      kindChanged = this.validator.applyEdit(start.line, end.line - start.line + 1, lines, defer) || kindChanged;
    }
    if (this.validator.lineCount !== this.document.lineCount) {
      void this.load();
      return;
    }
    if (deferred || kindChanged) this.runSlices();
    else this.schedulePublish();
  }

  setOptions(options: ValidationOptions): void {
    if (this.validator.setOptions(options)) this.runSlices();
    else this.schedulePublish(0);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.publishTimer);
  }

  private async load(): Promise<void> {
    this.loading = true;
    const version = this.document.version;
    const lines: string[] = [];
    for (let i = 0; i < this.document.lineCount; i++) {
      lines.push(this.document.lineAt(i).text);
      if (i % LOAD_SLICE_LINES === LOAD_SLICE_LINES - 1) {
        await yieldToHost();
        if (this.disposed || this.document.version !== version) return;
      }
    }
    if (this.disposed || this.document.version !== version) return;
    this.loading = false;
    this.built = new WeakMap();
    this.validator.load(lines);
    this.runSlices();
  }

  /** Works off pending lines in slices, then publishes. */
  private runSlices(): void {
    if (this.slicing) return;
    this.slicing = true;
    const step = (): void => {
      if (this.disposed) return;
      if (this.validator.checkPending(SLICE_LINES) > 0) {
        setImmediate(step);
        return;
      }
      this.slicing = false;
      this.schedulePublish(0);
    };
    step();
  }

  private schedulePublish(delay = PUBLISH_DELAY_MS): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      if (!this.disposed && !this.loading) this.publish(this.document.uri, this.toVscode());
    }, delay);
  }

  private toVscode(): vscode.Diagnostic[] {
    const out: vscode.Diagnostic[] = [];
    let shown = 0;
    let omitted = 0;
    let firstOmitted: { line: number; column: number } | undefined;
    this.validator.visit((line, d, related) => {
      if (!ALWAYS_PUBLISHED.has(d.code) && ++shown > MAX_PUBLISHED_PROBLEMS) {
        omitted++;
        firstOmitted ??= { line, column: d.startColumn };
        return;
      }
      const cached = related ? undefined : this.built.get(d);
      if (cached && cached.line === line) {
        out.push(cached.diagnostic);
        return;
      }
      const diagnostic = toDiagnostic(this.document.uri, line, d, related);
      if (!related) this.built.set(d, { line, diagnostic });
      out.push(diagnostic);
    });
    if (firstOmitted) out.push(this.omittedNote(omitted, firstOmitted.line, firstOmitted.column));
    return out;
  }

  private omittedNote(omitted: number, line: number, column: number): vscode.Diagnostic {
    const count = (n: number) => n.toLocaleString('en-US');
    const file = this.document.uri.scheme === 'file' ? this.document.uri.fsPath : this.document.uri.toString();
    const message = `${count(omitted)} more problem${omitted === 1 ? '' : 's'} not shown: the first ${count(MAX_PUBLISHED_PROBLEMS)} are. The kluster CLI lists them all: node dist/cli.js validate ${JSON.stringify(file)}`;
    const note = new vscode.Diagnostic(new vscode.Range(line, column, line, column), message, vscode.DiagnosticSeverity.Information);
    note.code = Codes.moreProblems;
    note.source = DIAGNOSTIC_SOURCE;
    return note;
  }
}

export function toDiagnostic(uri: vscode.Uri, line: number, d: LineDiagnostic, related?: readonly RelatedLocation[]): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(new vscode.Range(line, d.startColumn, line, d.endColumn), d.message, SEVERITY[d.severity]);
  diagnostic.code = d.code;
  diagnostic.source = DIAGNOSTIC_SOURCE;
  if (related) {
    diagnostic.relatedInformation = related.map(
      (r) =>
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(uri, new vscode.Range(r.line, r.startColumn, r.line, r.endColumn)),
          r.message,
        ),
    );
  }
  return diagnostic;
}

/** VS Code keeps a UTF-8 BOM out of the text and reports it as the document's encoding. */
function hasByteOrderMark(document: vscode.TextDocument): boolean {
  return document.encoding === 'utf8bom';
}

function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
