// Async requests: one request line of a batch file ("kluster: Send Request Line Async") or a chat reply (the chat
// panel's Send Async) sent as an async request. Each becomes a batch of one request, listed (marked async) in the
// Batches view; when it ends, a line's result opens beside its file like a one-line batch's, and a chat reply is
// fetched and handed to the chat (onDidAnswerChat). Pending ones are remembered in workspaceState, so a reload
// loses none.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { showApiError } from '../api/showError';
import { uriOf } from '../commandArgs';
import { CANCELLED, failed, type Outcome } from '../commands';
import { asyncBatchIdOf, COMPLETION_WINDOWS, mayHaveBeenCreated, type Batch, type ChatRequest, type CompletionWindow } from '../core/api';
import { describeBatchError, isTerminal, resultsMessage } from '../core/batches/displayText';
import { asyncRequestOf, asyncResultsPath, oneLineBatch } from '../core/batches/asyncLine';
import { asyncChatReply, type AsyncChatReply } from '../core/chat/asyncReply';
import { checkLine } from '../core/jsonl';
import { writeJoinedResults } from '../core/results/join';
import { fileExists } from '../core/util/atomicFile';
import { Commands } from '../constants';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';
import type { StoredAsyncChat, StoredAsyncLine, StoredAsyncRequest } from '../storage';
import type { BatchesFeature } from './feature';
import { showResults } from './results';

export interface SendAsyncOptions {
  readonly completionWindow?: CompletionWindow;
  /** false: no questions (scripts, tests): the setting's window. Default true. */
  readonly confirm?: boolean;
}

export type SendAsyncOutcome = Outcome<{ readonly status: 'queued'; readonly batchId: string; readonly customId: string }>;
export type AsyncResultOutcome =
  { readonly status: 'written'; readonly path: string } | { readonly status: 'failed'; readonly message: string };
/** A chat reply fetched from its ended batch. */
export interface AsyncChatAnswer {
  readonly batchId: string;
  readonly turnId: string;
  readonly reply: AsyncChatReply;
}

const KEY = 'kluster.asyncRequests';
const KEEP_DELIVERED_MS = 30 * 86_400_000;
const SEND_ASYNC_KIND = vscode.CodeActionKind.Refactor.append('kluster.sendAsync');

/** A request line (custom_id and a body with model and messages) of a saved document (its result goes beside it). */
function isRequestLine(document: vscode.TextDocument, line: number): boolean {
  return document.uri.scheme === 'file' && line < document.lineCount && !('error' in asyncRequestOf(document.lineAt(line).text));
}

/** The light bulb on a request line. */
function sendAsyncActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
  const line = range.start.line;
  if (!isRequestLine(document, line)) return [];
  const action = new vscode.CodeAction('Send Request Line Async', SEND_ASYNC_KIND);
  action.command = { command: Commands.sendRequestLineAsync, title: 'Send Request Line Async', arguments: [document.uri, line] };
  return [action];
}

/** The hover's action on a request line; the validator's hover says what the request is. */
function sendAsyncHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  if (!isRequestLine(document, position.line)) return undefined;
  const args = encodeURIComponent(JSON.stringify([document.uri.toString(), position.line]));
  const text = new vscode.MarkdownString(
    `[$(cloud-upload) Send Request Line Async](command:${Commands.sendRequestLineAsync}?${args})`,
    true,
  );
  text.isTrusted = { enabledCommands: [Commands.sendRequestLineAsync] };
  return new vscode.Hover(text, document.lineAt(position.line).range);
}

export class AsyncRequests extends Disposable {
  private readonly delivering = new Set<string>();
  private readonly delivered = this._register(new vscode.EventEmitter<AsyncResultOutcome & { batchId: string }>());
  /** A result was written beside its file (for tests and the log). */
  readonly onDidDeliver = this.delivered.event;
  private readonly answered = this._register(new vscode.EventEmitter<AsyncChatAnswer>());
  /** A chat reply was fetched from its ended batch. */
  readonly onDidAnswerChat = this.answered.event;

  constructor(
    private readonly container: Container,
    private readonly feature: BatchesFeature,
  ) {
    super();
    // Ended while nobody looked (or before a reload): delivered once the list shows it ended.
    this._register(feature.model.onDidChange(() => this.deliverEnded()));
    this._register(container.clients.onDidChange(() => void this.track()));
    const selector: vscode.DocumentSelector = [{ language: 'jsonl' }, { pattern: '**/*.jsonl' }];
    this._register(
      vscode.languages.registerCodeActionsProvider(
        selector,
        { provideCodeActions: sendAsyncActions },
        { providedCodeActionKinds: [SEND_ASYNC_KIND] },
      ),
    );
    this._register(vscode.languages.registerHoverProvider(selector, { provideHover: sendAsyncHover }));
    void this.prune().then(() => this.track());
  }

  /** Delivered entries only name their line in the tree; after 30 days they go. */
  private async prune(): Promise<void> {
    const cutoff = Date.now() - KEEP_DELIVERED_MS;
    const kept = Object.entries(this.stored).filter(([, r]) => !r.delivered || r.at > cutoff);
    if (kept.length !== Object.keys(this.stored).length) await this.container.workspaceState.update(KEY, Object.fromEntries(kept));
  }

  private get stored(): Record<string, StoredAsyncRequest> {
    return this.container.workspaceState.get(KEY) ?? {};
  }

  get(batchId: string): StoredAsyncRequest | undefined {
    const entry = this.stored[batchId];
    if (!entry) return undefined;
    if (entry.kind === 'chat') return typeof entry.turnId === 'string' ? entry : undefined;
    return typeof entry.customId === 'string' ? entry : undefined;
  }

  private getLine(batchId: string): StoredAsyncLine | undefined {
    const entry = this.get(batchId);
    return entry?.kind !== 'chat' ? entry : undefined;
  }

  /** The chat reply asked for as batch `batchId`, when it is one. */
  getChat(batchId: string): StoredAsyncChat | undefined {
    const entry = this.get(batchId);
    return entry?.kind === 'chat' ? entry : undefined;
  }

  private async store(batchId: string, entry: StoredAsyncRequest): Promise<void> {
    await this.container.workspaceState.update(KEY, { ...this.stored, [batchId]: entry });
  }

  /** Asks for the completion window, `fallback` marked as the default; undefined when dismissed. */
  async pickWindow(title: string, fallback: CompletionWindow): Promise<CompletionWindow | undefined> {
    const pick = await vscode.window.showQuickPick(
      COMPLETION_WINDOWS.map((w) => ({ label: w, description: w === fallback ? '(default)' : undefined })),
      { title, placeHolder: 'The result arrives as a batch of one request, within this window' },
    );
    return pick?.label as CompletionWindow | undefined;
  }

  /** Sends `body` async and starts following the batch it becomes; throws what the service answered. */
  private async queue(body: ChatRequest, window: CompletionWindow, entry: (at: number) => StoredAsyncRequest): Promise<string> {
    const client = await this.container.clients.get();
    const ack = await client.submitAsyncChat(body, window).catch((error: unknown) => {
      // Cut off after sending, the service may have queued it: say so before a Retry queues it twice.
      if (!mayHaveBeenCreated(error)) throw error;
      void this.feature.tree.refresh().catch(() => undefined);
      throw error.withSentence('It may have been queued anyway: the Batches view shows its batch.');
    });
    const batchId = asyncBatchIdOf(ack);
    if (!batchId) throw new Error(`The service queued the request but its answer (id ${ack.id}) names no batch.`);
    await this.store(batchId, entry(Date.now()));
    this.feature.model.upsert(await client.getBatch(batchId));
    this.feature.poller.kick();
    return batchId;
  }

  /** A chat reply asked for async: resolves with its batch; throws (for the chat to show inline) when it fails. */
  async sendChat(body: ChatRequest, window: CompletionWindow, turnId: string, label: string): Promise<string> {
    const batchId = await this.queue(body, window, (at) => ({ kind: 'chat', turnId, label, window, at }));
    this.container.log.info('chat', `reply ${turnId} asked for async as batch ${batchId} (${window})`);
    return batchId;
  }

  /** The chat turn was deleted: its batch goes on (it is the service's), but its reply is no longer wanted. */
  async forgetChat(batchId: string): Promise<void> {
    const entry = this.getChat(batchId);
    if (entry && !entry.forgotten) await this.store(batchId, { ...entry, forgotten: true });
  }

  /** Puts the pending ones in the Batches model, so the poller follows them even with the view closed. */
  private async track(): Promise<void> {
    const client = await this.container.clients.tryGet();
    if (!client) return;
    for (const [batchId, request] of Object.entries(this.stored)) {
      if (request.delivered || this.feature.model.get(batchId)) continue;
      try {
        this.feature.model.upsert(await client.getBatch(batchId));
      } catch (error) {
        this.container.log.warn('batches', `async request ${batchId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  async send(uriArg: unknown, lineArg: unknown, options: SendAsyncOptions = {}): Promise<SendAsyncOutcome> {
    const editor = vscode.window.activeTextEditor;
    const uri = uriOf(uriArg) ?? editor?.document.uri;
    if (!uri) throw new Error('Open a batch .jsonl file and put the cursor on a request line.');
    if (uri.scheme !== 'file') {
      const message = `Save ${path.basename(uri.path)} first: the result of an async request is written beside its file.`;
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', message };
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const line = typeof lineArg === 'number' ? lineArg : (editor?.selection.active.line ?? 0);
    if (line < 0 || line >= document.lineCount) throw new Error(`Line ${line + 1} is not in ${path.basename(uri.path)}.`);
    const text = document.lineAt(line).text;
    const request = asyncRequestOf(text);
    const where = `${path.basename(uri.path)}:${line + 1}`;
    if ('error' in request) {
      const message = `${where} cannot be sent async: ${request.error}.`;
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', message };
    }
    // The line itself is checked too: the editor may not have validated it (validation off, not yet run).
    const lineErrors = checkLine(text, 'batch', this.container.validation.options).diagnostics.filter((d) => d.severity === 'error');
    const errors = lineErrors.length
      ? lineErrors
      : vscode.languages.getDiagnostics(uri).filter((d) => d.range.start.line === line && d.severity === vscode.DiagnosticSeverity.Error);
    if (errors.length) {
      const message = `${where} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}; nothing was sent. ${errors[0]!.message}`;
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', message };
    }
    const fallback = options.completionWindow ?? this.container.config.completionWindow;
    const window =
      options.confirm === false || options.completionWindow
        ? fallback
        : await this.pickWindow(`Send ${request.customId} async: completion window`, fallback);
    if (!window) return CANCELLED;
    try {
      const batchId = await this.queue(request.body, window, (at) => ({ uri: uri.toString(), line, text, customId: request.customId, at }));
      void this.feature.reveal(batchId);
      this.container.log.info('batches', `sent ${where} (${request.customId}) async as batch ${batchId} (${window})`);
      void vscode.window.showInformationMessage(
        `Sent ${request.customId} async (batch ${batchId}, ${window} window); its result opens beside ${path.basename(uri.path)} when it arrives.`,
      );
      return { status: 'queued', batchId, customId: request.customId };
    } catch (error) {
      void showApiError(this.container.log, `Sending ${where} async`, error);
      return failed(error);
    }
  }

  private deliverEnded(): void {
    for (const [batchId, request] of Object.entries(this.stored)) {
      if (request.delivered) continue;
      const batch = this.feature.model.get(batchId);
      if (batch && isTerminal(batch.status) && !this.delivering.has(batchId))
        void (request.kind === 'chat' ? this.answerChat(batch, request) : this.deliver(batch));
    }
  }

  /** The result lines of an ended batch: its output file's, then its error file's. */
  private async resultLines(batch: Batch, dir: string): Promise<string[]> {
    const client = await this.container.clients.get();
    const lines: string[] = [];
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (!fileId) continue;
      const file = path.join(dir, `${fileId}.jsonl`);
      await client.downloadFileContent(fileId, file);
      lines.push(...(await fs.readFile(file, 'utf8')).split('\n'));
    }
    return lines;
  }

  /** Fetches the reply of an ended chat batch, keeps it with the entry and hands it to the chat. */
  private async answerChat(batch: Batch, request: StoredAsyncChat): Promise<void> {
    this.delivering.add(batch.id);
    let reply: AsyncChatReply | undefined;
    if (!request.forgotten) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-async-'));
      try {
        const why = batch.errors?.data?.[0];
        reply = asyncChatReply(batch.status, await this.resultLines(batch, dir), why && describeBatchError(why));
      } catch (error) {
        this.container.log.error('chat', `fetching the async reply of batch ${batch.id}`, error);
        reply = { status: 'error', message: `The reply could not be fetched: ${error instanceof Error ? error.message : String(error)}` };
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
    await this.store(batch.id, { ...request, ...(reply ? { reply } : {}), delivered: true });
    this.delivering.delete(batch.id);
    this.container.log.info('chat', `async reply ${request.turnId} (${batch.id}): ${reply?.status ?? 'not wanted any more'}`);
    if (reply) this.answered.fire({ batchId: batch.id, turnId: request.turnId, reply });
  }

  /** Writes the result beside the file (asking before replacing one) and opens it; forgets the request either way. */
  private async deliver(batch: Batch): Promise<void> {
    const request = this.getLine(batch.id);
    if (!request || request.delivered) return;
    this.delivering.add(batch.id);
    const input = vscode.Uri.parse(request.uri, true);
    // A result of an earlier send of this line stays: the new one gets the next free name.
    let dest = asyncResultsPath(input.fsPath, request.customId);
    for (let n = 2; await fileExists(dest); n++) dest = asyncResultsPath(input.fsPath, `${request.customId}-${n}`);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-async-'));
    let outcome: AsyncResultOutcome;
    try {
      const lines = await this.resultLines(batch, dir);
      const { input: inputText, results } = oneLineBatch(request.text, request.line + 1, lines, request.customId);
      await fs.writeFile(path.join(dir, 'input.jsonl'), inputText);
      await fs.writeFile(path.join(dir, 'output.jsonl'), results);
      const summary = await writeJoinedResults(
        {
          inputPath: path.join(dir, 'input.jsonl'),
          outputPath: path.join(dir, 'output.jsonl'),
          missingReason: `The async request's batch ended ${batch.status} without a result.`,
        },
        dest,
      );
      await showResults(vscode.Uri.file(dest), input);
      const message = resultsMessage(path.basename(dest), summary);
      this.container.log.info('batches', `async ${request.customId} (${batch.id}): ${message}`);
      void (summary.succeeded ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(message);
      outcome = { status: 'written', path: dest };
    } catch (error) {
      void showApiError(this.container.log, `Fetching the async result of ${request.customId}`, error);
      outcome = failed(error);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    await this.store(batch.id, { ...request, delivered: true });
    this.delivering.delete(batch.id);
    this.delivered.fire({ ...outcome, batchId: batch.id });
  }
}
