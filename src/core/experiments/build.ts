// Builds an experiment's batch: one request line per row × prompt × provider, streamed to disk, every line
// checked by the batch validator as it is written, and split into parts when a file would pass the 100 MB cap or
// the free tier's line cap.
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { JsonlStreamValidator } from '../jsonl/streamValidator';
import { Codes, type JsonlDiagnostic } from '../jsonl/diagnostics';
import { FREE_TIER_MAX_BATCH_LINES, MAX_BATCH_FILE_BYTES } from '../models';
import { DestinationError, fileExists, FileExistsError } from '../util/atomicFile';
import { formatCount } from '../batches/displayText';
import { parseRequestId, requestId } from './customId';
import { renderPrompt } from './resolve';
import type { Experiment, TestCase } from './spec';

export const BATCH_URL = '/v1/chat/completions';

/**
 * Each request line of the experiment, row by row, then prompt, then provider. A row's messages are turned into
 * JSON once for all its providers, and each provider's model and config once for all rows.
 */
export function* requestLines(experiment: Experiment, tests: readonly TestCase[]): Generator<string> {
  const providers = experiment.providers.map((provider) => {
    const config = JSON.stringify(provider.config).slice(1, -1);
    return {
      head: `,"method":"POST","url":"${BATCH_URL}","body":{"model":${JSON.stringify(provider.id)},"messages":`,
      tail: `${config ? `,${config}` : ''}}}`,
    };
  });
  for (const test of tests) {
    for (let p = 0; p < experiment.prompts.length; p++) {
      const messages = JSON.stringify(renderPrompt(experiment, p, test));
      for (let m = 0; m < providers.length; m++) {
        const id = requestId({ row: test.row, prompt: p + 1, provider: m + 1 });
        yield `{"custom_id":"${id}"${providers[m]!.head}${messages}${providers[m]!.tail}`;
      }
    }
  }
}

export interface BuildOptions {
  readonly tier: 'free' | 'standard';
  readonly knownModels: ReadonlySet<string>;
  readonly overwrite?: boolean;
  /** Caps of one part; kluster.ai's unless a test lowers them. */
  readonly maxBytes?: number;
  readonly maxLines?: number;
}

export interface BuiltPart {
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
}

export interface BuildResult {
  readonly lines: number;
  readonly parts: readonly BuiltPart[];
  /** The validator's findings, per part file. Nothing is written when any is an error. */
  readonly diagnostics: readonly { file: string; diagnostic: JsonlDiagnostic }[];
}

/** `out.jsonl` → `out.part-2.jsonl`. */
export function partPath(dest: string, part: number): string {
  const ext = path.extname(dest);
  return `${dest.slice(0, dest.length - ext.length)}.part-${part}${ext || '.jsonl'}`;
}

/**
 * One part's temp file, created exclusively and written through its handle, so that every write error (a full
 * disk) rejects at once, naming the part's destination, and the file is fsynced before it is renamed into place.
 */
class PartWriter {
  lines = 0;
  bytes = 0;
  private pending = '';
  private closed = false;
  readonly validator: JsonlStreamValidator;

  private constructor(
    readonly temp: string,
    private readonly dest: string,
    private readonly file: FileHandle,
    options: BuildOptions,
  ) {
    // Parts are split at the caps already; the validator checks each line as a batch file does.
    this.validator = new JsonlStreamValidator({
      knownModels: options.knownModels,
      tier: 'standard',
      maxFileBytes: Number.MAX_SAFE_INTEGER,
    });
  }

  static async open(temp: string, dest: string, options: BuildOptions): Promise<PartWriter> {
    const file = await fs.open(temp, 'wx').catch((error: NodeJS.ErrnoException) => Promise.reject(new DestinationError(dest, error)));
    return new PartWriter(temp, dest, file, options);
  }

  async add(line: string, bytes: number): Promise<void> {
    this.validator.push(line);
    this.lines++;
    this.bytes += bytes;
    this.pending += line + '\n';
    if (this.pending.length >= 256 * 1024) await this.flush();
  }

  /** Writes what is pending, fsyncs and closes; the file is then complete on disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
      await this.file.sync();
    } catch (error) {
      throw new DestinationError(this.dest, error as NodeJS.ErrnoException);
    } finally {
      this.closed = true;
      await this.file.close().catch(() => undefined);
    }
  }

  private async flush(): Promise<void> {
    const data = Buffer.from(this.pending);
    this.pending = '';
    try {
      for (let done = 0; done < data.length;) done += (await this.file.write(data, done, data.length - done)).bytesWritten;
    } catch (error) {
      throw new DestinationError(this.dest, error as NodeJS.ErrnoException);
    }
  }
}

/**
 * Writes the batch to `dest`, or to `dest`'s `.part-N` files when split. Temp files are renamed into place
 * only when every line is valid and (without `overwrite`) no destination exists.
 */
export async function buildBatch(
  experiment: Experiment,
  tests: readonly TestCase[],
  dest: string,
  options: BuildOptions,
): Promise<BuildResult> {
  const maxBytes = options.maxBytes ?? MAX_BATCH_FILE_BYTES;
  const maxLines = options.maxLines ?? (options.tier === 'free' ? FREE_TIER_MAX_BATCH_LINES - 1 : Infinity);
  const stamp = randomBytes(4).toString('hex');
  const parts: PartWriter[] = [];
  const tempOf = (n: number) => path.join(path.dirname(dest), `.${path.basename(dest)}.${stamp}.${n}.tmp`);
  if (!options.overwrite && (await fileExists(dest))) throw new FileExistsError(dest);
  let current: PartWriter | undefined;
  let total = 0;
  // Requests that no part can hold: building goes on to find them all, and then writes nothing.
  const oversize: { file: string; diagnostic: JsonlDiagnostic }[] = [];
  try {
    for (const line of requestLines(experiment, tests)) {
      const bytes = Buffer.byteLength(line) + 1;
      total++;
      if (bytes > maxBytes) {
        oversize.push({ file: dest, diagnostic: tooLarge(experiment, line, bytes, maxBytes) });
        continue;
      }
      if (oversize.length) continue;
      if (!current || current.lines >= maxLines || (current.lines > 0 && current.bytes + bytes > maxBytes)) {
        await current?.close();
        current = await PartWriter.open(tempOf(parts.length + 1), dest, options);
        parts.push(current);
      }
      await current.add(line, bytes);
    }
    await current?.close();
    if (oversize.length) {
      await removeAll(parts);
      return { lines: total, parts: [], diagnostics: oversize };
    }
    const finals = parts.length === 1 ? [dest] : parts.map((_, i) => partPath(dest, i + 1));
    const diagnostics = parts.flatMap((part, i) =>
      part.validator.finish().diagnostics.map((diagnostic) => ({ file: finals[i]!, diagnostic })),
    );
    if (diagnostics.some((d) => d.diagnostic.severity === 'error')) {
      await removeAll(parts);
      return { lines: total, parts: [], diagnostics };
    }
    if (!options.overwrite) for (const final of finals) if (await fileExists(final)) throw new FileExistsError(final);
    for (let i = 0; i < parts.length; i++) await fs.rename(parts[i]!.temp, finals[i]!);
    return { lines: total, parts: parts.map((p, i) => ({ path: finals[i]!, lines: p.lines, bytes: p.bytes })), diagnostics };
  } catch (error) {
    await current?.close().catch(() => undefined);
    await removeAll(parts);
    throw error;
  }
}

function tooLarge(experiment: Experiment, line: string, bytes: number, maxBytes: number): JsonlDiagnostic {
  const key = parseRequestId(/^\{"custom_id":"([^"]*)"/.exec(line)?.[1] ?? '');
  const which = key
    ? `Row ${key.row} (prompt ${experiment.prompts[key.prompt - 1]!.label}, provider ${experiment.providers[key.provider - 1]!.label})`
    : 'A request';
  const cap = maxBytes === MAX_BATCH_FILE_BYTES ? `100 MB (${formatCount(maxBytes)} bytes)` : `${formatCount(maxBytes)} bytes`;
  return {
    line: 0,
    startColumn: 0,
    endColumn: 0,
    severity: 'error',
    code: Codes.fileTooLarge,
    message: `${which} makes a request of ${formatCount(bytes)} bytes, over the ${cap} a batch file may hold: no part can take it. Shorten the row's text.`,
  };
}

async function removeAll(parts: readonly PartWriter[]): Promise<void> {
  await Promise.all(parts.map((p) => fs.rm(p.temp, { force: true })));
}
