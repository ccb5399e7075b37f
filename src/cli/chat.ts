// `chat --model M --message TEXT [--system TEXT] [--async --window 1h] [--wait]`: one turn, the reply streamed to
// stdout; with --async the request is queued (it becomes a batch of one request) and --wait prints its answer.
import { asyncBatchIdOf, isCompletionWindow, KlusterError, mayHaveBeenCreated, type ChatMessage, type KlusterClient } from '../core/api';
import { describeBatchError } from '../core/batches/displayText';
import { escapeControls } from '../core/util/printable';
import { apiCommand } from './apiCommands';
import { UsageError } from './args';
import { ExitCode, type CliContext } from './command';
import { clientFor, printJson, report } from './output';
import { waitForBatch } from './submit';

async function readAll(source: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** The one result line of an async request's batch: its completion body, or the reason it has none. */
async function asyncResult(ctx: CliContext, client: KlusterClient, batchId: string): Promise<{ body?: unknown; error?: string }> {
  const batch = await waitForBatch(ctx, client, batchId);
  const fileId = batch.output_file_id ?? batch.error_file_id;
  if (!fileId) {
    const why = batch.errors?.data?.[0];
    return { error: `The request's batch ${batchId} ended ${batch.status} without a result${why ? `: ${describeBatchError(why)}` : ''}.` };
  }
  const line = (await readAll(await client.openFileContent(fileId, { signal: ctx.signal }))).split('\n').find((l) => l.trim() !== '');
  if (!line) return { error: `The result file of batch ${batchId} is empty.` };
  const result = JSON.parse(line) as { response?: { status_code?: number; body?: unknown }; error?: { message?: string } | null };
  if (result.response?.status_code === 200) return { body: result.response.body };
  return { error: result.error?.message ?? `The request failed (status ${result.response?.status_code ?? 'unknown'}).` };
}

function replyText(body: unknown): string {
  const content = (body as { choices?: { message?: { content?: unknown } }[] } | undefined)?.choices?.[0]?.message?.content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? '');
}

export const chatCommand = apiCommand(
  {
    name: 'chat',
    usage: 'chat --model M --message TEXT [--system TEXT] [--async [--window 24h] [--wait]]',
    summary: 'Send one message and stream the reply; --async queues it as a one-request batch, --wait prints its answer',
    valueOptions: ['model', 'message', 'system', 'window'],
    switches: ['async', 'wait'],
  },
  async (ctx) => {
    if (ctx.args.positional.length) throw new UsageError(`unexpected argument '${ctx.args.positional[0]}'`);
    const model = ctx.args.options.get('model');
    if (!model) throw new UsageError('missing --model M');
    const message = ctx.args.options.get('message');
    if (message === undefined || message.trim() === '') throw new UsageError('missing --message TEXT');
    const isAsync = ctx.args.switches.has('async');
    const windowText = ctx.args.options.get('window');
    if (!isAsync && (windowText !== undefined || ctx.args.switches.has('wait')))
      throw new UsageError('--window and --wait go with --async');
    const window = windowText ?? '24h';
    if (!isCompletionWindow(window)) throw new UsageError(`--window must be one of 1h, 3h, 6h, 12h, 24h, not '${window}'`);
    const system = ctx.args.options.get('system');
    const messages: ChatMessage[] = [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: message }];
    const client = clientFor(ctx);

    if (isAsync) {
      const ack = await client.submitAsyncChat({ model, messages }, window, { signal: ctx.signal }).catch((error: unknown) => {
        // Cut off or interrupted after sending, the service may have queued it: another try would queue it twice.
        if (!mayHaveBeenCreated(error)) throw error;
        throw error.withSentence("It may have been queued anyway: 'kluster batches list' shows its batch.");
      });
      const batchId = asyncBatchIdOf(ack);
      if (!batchId)
        throw new KlusterError('invalid_response', `The service queued the request but its answer (id ${ack.id}) names no batch.`);
      if (!ctx.args.switches.has('wait')) {
        if (ctx.json) printJson(ctx, { batch_id: batchId, acknowledgement: ack });
        else {
          ctx.io.err(`queued as batch ${batchId} (completion window ${window}); 'kluster batches get ${batchId}' shows it`);
          ctx.io.out(batchId);
        }
        return ExitCode.ok;
      }
      if (!ctx.json) ctx.io.err(`queued as batch ${batchId} (completion window ${window})`);
      let result: Awaited<ReturnType<typeof asyncResult>>;
      try {
        result = await asyncResult(ctx, client, batchId);
      } catch (error) {
        // The request is queued whatever stopped the wait or the download: say where its answer will be.
        const hint = `The request is batch ${batchId}; 'kluster batches get ${batchId}' shows it, and once it has ended 'kluster files content OUTPUT_FILE_ID' prints the answer.`;
        return report(ctx, error, { batchId, hint });
      }
      if (ctx.json)
        printJson(ctx, { batch_id: batchId, ...(result.body !== undefined ? { completion: result.body } : { error: result.error }) });
      else if (result.body !== undefined) ctx.io.out(replyText(result.body));
      else ctx.io.err(`kluster: ${result.error}`);
      return result.body !== undefined ? ExitCode.ok : ExitCode.findings;
    }

    if (ctx.json) {
      printJson(ctx, await client.chat({ model, messages }, { signal: ctx.signal }));
      return ExitCode.ok;
    }
    // Streamed as it arrives where stdout is a stream; in-process callers get the whole reply as one line.
    let reply = '';
    const end = () => (ctx.io.stdout ? ctx.io.stdout.write('\n') : ctx.io.out(reply));
    try {
      for await (const chunk of client.chatStream({ model, messages }, { signal: ctx.signal })) {
        const delta = chunk.choices[0]?.delta?.content ?? '';
        if (!delta) continue;
        // Model output is untrusted: an escape sequence in it must not reach the terminal (out() escapes too).
        if (ctx.io.stdout) ctx.io.stdout.write(escapeControls(delta, true));
        reply += delta;
      }
    } catch (error) {
      // Cut off mid-reply: what arrived ends its line, and the error says it is not the whole reply.
      if (!reply || !(error instanceof KlusterError)) throw error;
      end();
      throw error.withSentence('The reply above is incomplete.');
    }
    end();
    return ExitCode.ok;
  },
);
