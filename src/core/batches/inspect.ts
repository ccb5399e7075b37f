// One streaming pass over a batch input file before it is submitted: the validator's verdict and the
// summary a person confirms (requests, models, estimated input tokens). Memory stays near one read buffer.
import {
  blocksSubmission,
  forEachFileLine,
  JsonlStreamValidator,
  summarizeLine,
  type FileKind,
  type JsonlDiagnostic,
  type ValidationOptions,
} from '../jsonl';
import { formatCount, plural } from './displayText';

export interface BatchFileSummary {
  readonly kind: FileKind;
  /** The first error found (errors are counted, not kept: a file may have millions). */
  readonly firstError?: JsonlDiagnostic;
  readonly errors: number;
  readonly warnings: number;
  /** Warnings the service would refuse the upload for (over 100 MB, the free-tier request cap): submit stops on them. */
  readonly refused: readonly JsonlDiagnostic[];
  /** Non-blank lines. */
  readonly requests: number;
  /** Model id → requests using it, most used first. */
  readonly models: ReadonlyMap<string, number>;
  /** Prompt text characters / 4, summed over requests. */
  readonly estimatedInputTokens: number;
  readonly bytes: number;
}

/** Collects the summary line by line as `inspectBatchFile` reads the file. */
class BatchFileInspector {
  private readonly validator: JsonlStreamValidator;
  private readonly models = new Map<string, number>();
  private requests = 0;
  private tokens = 0;
  private errors = 0;
  private warnings = 0;
  private firstError: JsonlDiagnostic | undefined;
  private readonly refused: JsonlDiagnostic[] = [];

  constructor(options: ValidationOptions) {
    this.validator = new JsonlStreamValidator(options, 1, (d) => this.found(d));
  }

  private found(d: JsonlDiagnostic): void {
    if (d.severity === 'error') {
      this.errors++;
      this.firstError ??= d;
    } else {
      if (d.severity === 'warning') this.warnings++;
      if (blocksSubmission(d)) this.refused.push(d);
    }
  }

  /** `extraBytes`: what the file holds for this line beyond its text (its ending; a BOM before line 1). */
  push(line: string, extraBytes: number, afterByteOrderMark = false): void {
    this.validator.push(line, extraBytes, afterByteOrderMark);
    if (line.trim() === '') return;
    this.requests++;
    const summary = summarizeLine(line);
    if (!summary) return;
    this.tokens += summary.estimatedTokens;
    if (summary.model) this.models.set(summary.model, (this.models.get(summary.model) ?? 0) + 1);
  }

  /** `fileBytes`: the size on disk, which the 100 MB cap uses. */
  finish(fileBytes: number): BatchFileSummary {
    const { kind } = this.validator.finish(fileBytes);
    return {
      kind,
      firstError: this.firstError,
      errors: this.errors,
      warnings: this.warnings,
      refused: this.refused,
      requests: this.requests,
      models: new Map([...this.models].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
      estimatedInputTokens: this.tokens,
      bytes: fileBytes,
    };
  }
}

export async function inspectBatchFile(file: string, options: ValidationOptions, signal?: AbortSignal): Promise<BatchFileSummary> {
  const inspector = new BatchFileInspector(options);
  const size = await forEachFileLine(file, (line, extraBytes, bom) => inspector.push(line, extraBytes, bom), signal);
  return inspector.finish(size);
}

/** `10 requests · 2 models · ~1,234 input tokens`. */
export function summaryHeadline(summary: BatchFileSummary): string {
  return `${plural(summary.requests, 'request')} · ${plural(summary.models.size, 'model')} · ~${formatCount(summary.estimatedInputTokens)} input tokens`;
}

/**
 * The models a file asks for, one row each, most requests first (`deepseek-ai/DeepSeek-R1`, `8 requests`), the
 * first few and then `and 3 more models`: shown as rows, because a line of long model names gets cut off.
 */
export function modelRows(summary: BatchFileSummary, shown = 8): { label: string; description: string }[] {
  const entries = [...summary.models].sort((a, b) => b[1] - a[1]);
  const rows = entries.slice(0, shown).map(([model, n]) => ({ label: model, description: plural(n, 'request') }));
  const rest = entries.slice(shown);
  if (rest.length)
    rows.push({
      label: `and ${plural(rest.length, 'more model')}`,
      description: plural(
        rest.reduce((sum, [, n]) => sum + n, 0),
        'request',
      ),
    });
  return rows;
}
