import { UsageError } from './args';
import { ExitCode, type CliCommand, type CliContext } from './command';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { forEachFileLine, JsonlStreamValidator, type JsonlDiagnostic, type ValidationOptions, type ValidationResult } from '../core/jsonl';
import { FileReadError } from '../core/util/fileReadError';

/** One file's entry in `--format json` output. Lines and columns are 1-based. */
export interface JsonFileReport {
  readonly file: string;
  readonly kind: ValidationResult['kind'];
  readonly diagnostics: {
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: JsonlDiagnostic['severity'];
    code: string;
    message: string;
    /** Other places the diagnostic refers to, e.g. a duplicate custom_id's first use. */
    related?: { line: number; column: number; endLine: number; endColumn: number; message: string }[];
  }[];
}

const KIND_NAMES: Record<ValidationResult['kind'], string> = {
  batch: 'batch requests',
  results: 'batch results',
  finetune: 'fine-tuning dataset',
  unknown: 'JSONL of an unknown kind (syntax checked only)',
  empty: 'empty',
};

/**
 * Streams the file through the validator: memory stays near the size of one read buffer. The 100 MB cap counts
 * each line's actual ending (LF, CRLF or CR) and the file's size on disk, so mixed line endings count exactly.
 */
export async function validateFile(path: string, options: ValidationOptions, signal?: AbortSignal): Promise<ValidationResult> {
  const validator = new JsonlStreamValidator(options);
  const size = await forEachFileLine(path, (line, extraBytes) => validator.push(line, extraBytes), signal).catch((error: unknown) => {
    // A folder, a missing or unreadable file: named, with the reason in words (fs's EISDIR names no path).
    throw typeof (error as NodeJS.ErrnoException).syscall === 'string' ? new FileReadError(path, error) : error;
  });
  return validator.finish(size);
}

function toJson(file: string, result: ValidationResult): JsonFileReport {
  return {
    file,
    kind: result.kind,
    diagnostics: result.diagnostics.map((d) => ({
      line: d.line + 1,
      column: d.startColumn + 1,
      endLine: d.line + 1,
      endColumn: d.endColumn + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.related && {
        related: d.related.map((r) => ({ line: r.line + 1, column: r.startColumn + 1, endLine: r.line + 1, endColumn: r.endColumn + 1, message: r.message })),
      }),
    })),
  };
}

/** `file:line:col: severity code: message`, 1-based, the shape editors and CI log parsers read. */
export function formatDiagnostic(file: string, d: JsonlDiagnostic): string {
  return `${file}:${d.line + 1}:${d.startColumn + 1}: ${d.severity} ${d.code}: ${d.message}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function count(result: ValidationResult, severity: JsonlDiagnostic['severity']): number {
  return result.diagnostics.reduce((n, d) => n + (d.severity === severity ? 1 : 0), 0);
}

async function run(ctx: CliContext): Promise<ExitCode> {
  const files = ctx.args.positional;
  if (files.length === 0) throw new UsageError('validate needs at least one FILE');
  const tier = ctx.args.options.get('tier') ?? 'standard';
  if (tier !== 'free' && tier !== 'standard') throw new UsageError(`--tier must be free or standard, not '${tier}'`);
  const format = ctx.args.options.get('format') ?? (ctx.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const options: ValidationOptions = { knownModels: DOCUMENTED_MODEL_IDS, tier };

  const reports: JsonFileReport[] = [];
  let errors = 0;
  let warnings = 0;
  let unreadable = 0;
  for (const file of files) {
    let result: ValidationResult;
    try {
      result = await validateFile(file, options, ctx.signal);
    } catch (error) {
      unreadable++;
      ctx.io.err(`kluster: ${error instanceof FileReadError ? error.message : `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`}`);
      continue;
    }
    const fileErrors = count(result, 'error');
    const fileWarnings = count(result, 'warning');
    errors += fileErrors;
    warnings += fileWarnings;
    if (format === 'json') {
      reports.push(toJson(file, result));
      continue;
    }
    for (const d of result.diagnostics) ctx.io.out(formatDiagnostic(file, d));
    ctx.io.out(`${file}: ${KIND_NAMES[result.kind]}; ${plural(fileErrors, 'error')}, ${plural(fileWarnings, 'warning')}`);
  }
  if (format === 'json') ctx.io.out(JSON.stringify(reports, null, 2));
  else if (files.length > 1) ctx.io.out(`${plural(files.length, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  if (unreadable > 0) return ExitCode.io;
  return errors > 0 ? ExitCode.findings : ExitCode.ok;
}

export const validateCommand: CliCommand = {
  name: 'validate',
  usage: 'validate FILE... [--tier free|standard] [--format text|json]',
  summary: 'Check batch JSONL files offline; exit 1 when any has an error',
  valueOptions: ['tier', 'format'],
  run,
};
