// CLI commands over the API: models, files, batches.
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { StringDecoder } from 'string_decoder';
import { FILE_PURPOSES, type Batch, type FilePurpose } from '../core/api';
import { BATCH_STATE_TIMESTAMPS, formatCount } from '../core/batches/displayText';
import { UsageError } from './args';
import { ExitCode, type CliCommand, type CliContext } from './command';
import { clientFor, printJson, progressPrinter, report, table, time } from './output';
import { escapeControls } from '../core/util/printable';

/** Runs `body` with the API client, turning expected failures into one-line errors and exit codes. */
function apiCommand(spec: Omit<CliCommand, 'run'>, body: (ctx: CliContext) => Promise<ExitCode>): CliCommand {
  return {
    ...spec,
    async run(ctx) {
      try {
        return await body(ctx);
      } catch (error) {
        return report(ctx, error);
      }
    },
  };
}

function one(ctx: CliContext, what: string): string {
  const [value, ...extra] = ctx.args.positional;
  if (!value) throw new UsageError(`missing ${what}`);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  return value;
}

function none(ctx: CliContext): void {
  if (ctx.args.positional.length) throw new UsageError(`unexpected argument '${ctx.args.positional[0]}'`);
}

export function describeCounts(batch: Batch): string {
  const counts = batch.request_counts;
  if (!counts?.total) return '-';
  return `${formatCount((counts.completed ?? 0) + (counts.failed ?? 0))}/${formatCount(counts.total)}`;
}

export const modelsCommand = apiCommand({ name: 'models', usage: 'models', summary: 'List the models the API offers' }, async (ctx) => {
  none(ctx);
  const models = await clientFor(ctx).listModels({ signal: ctx.signal });
  if (ctx.json) printJson(ctx, models);
  else
    ctx.io.out(
      table(
        ['ID', 'OWNED BY', 'CREATED'],
        models.map((m) => [m.id, m.owned_by ?? '-', time(m.created)]),
      ),
    );
  return ExitCode.ok;
});

export const filesListCommand = apiCommand(
  {
    name: 'files list',
    usage: 'files list [--purpose batch|fine-tune] [--limit N] [--after ID]',
    summary: 'List uploaded files',
    valueOptions: ['purpose', 'limit', 'after'],
  },
  async (ctx) => {
    none(ctx);
    const list = await clientFor(ctx).listFiles({
      signal: ctx.signal,
      purpose: purposeOf(ctx, false),
      limit: limitOf(ctx),
      after: ctx.args.options.get('after'),
    });
    if (ctx.json) printJson(ctx, list);
    else
      ctx.io.out(
        table(
          ['ID', 'PURPOSE', 'BYTES', 'CREATED', 'FILENAME'],
          list.data.map((f) => [f.id, f.purpose ?? '-', String(f.bytes ?? '-'), time(f.created_at), f.filename ?? '-']),
        ),
      );
    return ExitCode.ok;
  },
);

export const filesUploadCommand = apiCommand(
  {
    name: 'files upload',
    usage: 'files upload FILE [--purpose batch|fine-tune]',
    summary: 'Upload a JSONL file (streamed, up to 100 MB)',
    valueOptions: ['purpose'],
  },
  async (ctx) => {
    const file = one(ctx, 'FILE');
    const uploaded = await clientFor(ctx).uploadFile(file, {
      signal: ctx.signal,
      purpose: purposeOf(ctx, true),
      onProgress: progressPrinter(ctx, `uploading ${file}`),
    });
    if (ctx.json) printJson(ctx, uploaded);
    else ctx.io.out(uploaded.id);
    return ExitCode.ok;
  },
);

export const filesContentCommand = apiCommand(
  {
    name: 'files content',
    usage: 'files content ID [--out FILE] [--force]',
    summary: "Download a file's content (to stdout, or to FILE)",
    valueOptions: ['out'],
    switches: ['force'],
  },
  async (ctx) => {
    const id = one(ctx, 'file ID');
    const client = clientFor(ctx);
    const out = ctx.args.options.get('out');
    if (out) {
      const bytes = await client.downloadFileContent(id, out, {
        signal: ctx.signal,
        overwrite: ctx.args.switches.has('force'),
        onProgress: progressPrinter(ctx, `downloading ${id}`),
      });
      if (ctx.json) printJson(ctx, { id, out, bytes });
      else ctx.io.err(`wrote ${bytes} bytes to ${out}`);
      return ExitCode.ok;
    }
    await writeBytes(ctx, await client.openFileContent(id, { signal: ctx.signal }));
    return ExitCode.ok;
  },
);

/**
 * Copies bytes to stdout unchanged, waiting whenever the reader is slower (backpressure). Without
 * a raw stdout (in-process callers), whole lines go to out(), which ends every write with a newline.
 */
async function writeBytes(ctx: CliContext, source: AsyncIterable<Uint8Array>): Promise<void> {
  if (ctx.io.stdout) {
    await pipeline(Readable.from(source, { objectMode: false }), ctx.io.stdout, { end: false, signal: ctx.signal });
    return;
  }
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of source) {
    pending += decoder.write(Buffer.from(chunk));
    const cut = pending.lastIndexOf('\n');
    if (cut >= 0) {
      ctx.io.out(pending.slice(0, cut + 1));
      pending = pending.slice(cut + 1);
    }
  }
  pending += decoder.end();
  if (pending) ctx.io.out(pending);
}

export const batchesListCommand = apiCommand(
  {
    name: 'batches list',
    usage: 'batches list [--limit N] [--after ID]',
    summary: 'List batches, newest first',
    valueOptions: ['limit', 'after'],
  },
  async (ctx) => {
    none(ctx);
    const list = await clientFor(ctx).listBatches({ signal: ctx.signal, limit: limitOf(ctx), after: ctx.args.options.get('after') });
    if (ctx.json) {
      printJson(ctx, list);
      return ExitCode.ok;
    }
    const rows = list.data.map((b) => [
      b.id,
      b.status,
      describeCounts(b),
      String(b.request_counts?.failed ?? 0),
      time(b.created_at),
      b.completion_window ?? '-',
    ]);
    ctx.io.out(table(['ID', 'STATUS', 'DONE', 'FAILED', 'CREATED', 'WINDOW'], rows));
    if (list.has_more && list.last_id) ctx.io.err(`more: kluster batches list --after ${list.last_id}`);
    return ExitCode.ok;
  },
);

export function describeBatch(batch: Batch): string {
  const lines = [
    `id:               ${batch.id}`,
    `status:           ${batch.status}`,
    `requests:         ${formatCount(batch.request_counts?.total ?? 0)} total, ${formatCount(batch.request_counts?.completed ?? 0)} completed, ${formatCount(batch.request_counts?.failed ?? 0)} failed`,
    `completion window: ${batch.completion_window ?? '-'}`,
    `input file:       ${batch.input_file_id ?? '-'}`,
    `output file:      ${batch.output_file_id ?? '-'}`,
    `error file:       ${batch.error_file_id ?? '-'}`,
    `created:          ${time(batch.created_at)}`,
    `expires:          ${time(batch.expires_at)}`,
  ];
  for (const stamp of BATCH_STATE_TIMESTAMPS) {
    if (batch[stamp] != null) lines.push(`${(stamp.replace('_at', '') + ':').padEnd(18)}${time(batch[stamp])}`);
  }
  // The service's words, on one line each: a line break in them must not start a line of ours.
  for (const error of batch.errors?.data ?? [])
    lines.push(
      `error: ${error.line != null ? `line ${error.line}: ` : ''}${escapeControls(error.message ?? error.code ?? 'unknown error')}`,
    );
  return lines.join('\n');
}

export const batchesGetCommand = apiCommand(
  { name: 'batches get', usage: 'batches get ID', summary: "Show a batch's status and counts" },
  async (ctx) => {
    const batch = await clientFor(ctx).getBatch(one(ctx, 'batch ID'), { signal: ctx.signal });
    if (ctx.json) printJson(ctx, batch);
    else ctx.io.out(describeBatch(batch));
    return ExitCode.ok;
  },
);

export const batchesCancelCommand = apiCommand(
  { name: 'batches cancel', usage: 'batches cancel ID', summary: 'Cancel a running batch' },
  async (ctx) => {
    const batch = await clientFor(ctx).cancelBatch(one(ctx, 'batch ID'), { signal: ctx.signal });
    if (ctx.json) printJson(ctx, batch);
    else ctx.io.out(`${batch.id}: ${batch.status}`);
    return ExitCode.ok;
  },
);

function limitOf(ctx: CliContext): number | undefined {
  const text = ctx.args.options.get('limit');
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new UsageError(`--limit must be a whole number from 1 to 100, not '${text}'`);
  return limit;
}

function purposeOf(ctx: CliContext, withDefault: true): FilePurpose;
function purposeOf(ctx: CliContext, withDefault: false): FilePurpose | undefined;
function purposeOf(ctx: CliContext, withDefault: boolean): FilePurpose | undefined {
  const text = ctx.args.options.get('purpose');
  if (text === undefined) return withDefault ? 'batch' : undefined;
  if (!(FILE_PURPOSES as readonly string[]).includes(text)) throw new UsageError(`--purpose must be batch or fine-tune, not '${text}'`);
  return text as FilePurpose;
}

export { apiCommand };
