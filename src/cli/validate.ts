import { UsageError } from './args';
import { ExitCode, type CliCommand, type CliContext } from './command';
import { DOCUMENTED_MODEL_IDS } from '../core/models';
import { plural } from '../core/batches/displayText';
import { once } from 'events';
import {
  forEachFileLine,
  JsonlStreamValidator,
  type FileKind,
  type JsonlDiagnostic,
  type ValidationOptions,
  type ValidationResult,
} from '../core/jsonl';
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
 * Streams the file through the validator, handing each diagnostic to `onDiagnostic` as it is found: memory stays
 * near one read buffer and the custom_id index, whatever the number of problems. The 100 MB cap counts each
 * line's actual ending (LF, CRLF or CR) and the file's size on disk, so mixed line endings count exactly.
 */
export async function streamFile(
  path: string,
  options: ValidationOptions,
  onDiagnostic: (diagnostic: JsonlDiagnostic, kind: FileKind) => void,
  signal?: AbortSignal,
  afterChunk?: () => Promise<void> | void,
): Promise<FileKind> {
  const validator: JsonlStreamValidator = new JsonlStreamValidator(options, 1, (d) => onDiagnostic(d, validator.decidedKind!));
  const size = await forEachFileLine(path, (line, extraBytes, bom) => validator.push(line, extraBytes, bom), signal, afterChunk).catch(
    (error: unknown) => {
      // A folder, a missing or unreadable file: named, with the reason in words (fs's EISDIR names no path).
      throw typeof (error as NodeJS.ErrnoException).syscall === 'string' ? new FileReadError(path, error) : error;
    },
  );
  return validator.finish(size).kind;
}

/** The whole result at once, for callers that keep it (tests, small files). */
export async function validateFile(path: string, options: ValidationOptions, signal?: AbortSignal): Promise<ValidationResult> {
  const diagnostics: JsonlDiagnostic[] = [];
  const kind = await streamFile(path, options, (d) => diagnostics.push(d), signal);
  return { kind, diagnostics };
}

type JsonDiagnostic = JsonFileReport['diagnostics'][number];

function toJson(d: JsonlDiagnostic): JsonDiagnostic {
  return {
    line: d.line + 1,
    column: d.startColumn + 1,
    endLine: d.line + 1,
    endColumn: d.endColumn + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.related && {
      related: d.related.map((r) => ({
        line: r.line + 1,
        column: r.startColumn + 1,
        endLine: r.line + 1,
        endColumn: r.endColumn + 1,
        message: r.message,
      })),
    }),
  };
}

/** `file:line:col: severity code: message`, 1-based, the shape editors and CI log parsers read. */
export function formatDiagnostic(file: string, d: JsonlDiagnostic): string {
  return `${file}:${d.line + 1}:${d.startColumn + 1}: ${d.severity} ${d.code}: ${d.message}`;
}

export { plural };

/** Lines of output gathered into writes of ~64 KB; `drain` waits when stdout is a pipe that is full. */
class Output {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly ctx: CliContext) {}

  line(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.ctx.io.out(this.parts.join('\n'));
    this.parts = [];
    this.size = 0;
  }

  async drain(): Promise<void> {
    this.flush();
    const stdout = this.ctx.io.stdout as (NodeJS.WritableStream & { writableNeedDrain?: boolean }) | undefined;
    if (stdout?.writableNeedDrain) await once(stdout, 'drain');
  }
}

async function run(ctx: CliContext): Promise<ExitCode> {
  const files = ctx.args.positional;
  if (files.length === 0) throw new UsageError('validate needs at least one FILE');
  const tier = ctx.args.options.get('tier') ?? 'standard';
  if (tier !== 'free' && tier !== 'standard') throw new UsageError(`--tier must be free or standard, not '${tier}'`);
  const format = ctx.args.options.get('format') ?? (ctx.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const options: ValidationOptions = { knownModels: DOCUMENTED_MODEL_IDS, tier };
  const json = format === 'json';

  // JSON is written as it is found too: one file object after another in one array, a diagnostic a line.
  const output = new Output(ctx);
  let errors = 0;
  let warnings = 0;
  let unreadable = 0;
  let reports = 0;
  if (json) output.line('[');
  for (const file of files) {
    let fileErrors = 0;
    let fileWarnings = 0;
    let opened = false;
    let count = 0;
    const open = (kind: FileKind) => {
      opened = true;
      output.line(
        `${reports++ > 0 ? '  },\n' : ''}  {\n    "file": ${JSON.stringify(file)},\n    "kind": ${JSON.stringify(kind)},\n    "diagnostics": [`,
      );
    };
    const onDiagnostic = (d: JsonlDiagnostic, kind: FileKind) => {
      if (d.severity === 'error') fileErrors++;
      else if (d.severity === 'warning') fileWarnings++;
      if (!json) return output.line(formatDiagnostic(file, d));
      if (!opened) open(kind);
      output.line(`${count++ > 0 ? ',' : ''}      ${JSON.stringify(toJson(d))}`);
    };
    let kind: FileKind;
    try {
      kind = await streamFile(file, options, onDiagnostic, ctx.signal, () => output.drain());
    } catch (error) {
      unreadable++;
      const message =
        error instanceof FileReadError ? error.message : `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
      // A file whose object is already begun still closes it, saying why it stops.
      if (opened) output.line(`    ],\n    "error": ${JSON.stringify(message)}`);
      output.flush();
      ctx.io.err(`kluster: ${message}`);
      continue;
    }
    errors += fileErrors;
    warnings += fileWarnings;
    if (json) {
      if (!opened) open(kind);
      output.line('    ]');
    } else output.line(`${file}: ${KIND_NAMES[kind]}; ${plural(fileErrors, 'error')}, ${plural(fileWarnings, 'warning')}`);
  }
  if (json) output.line(reports > 0 ? '  }\n]' : ']');
  else if (files.length > 1) output.line(`${plural(files.length, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  output.flush();
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
