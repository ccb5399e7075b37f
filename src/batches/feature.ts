import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandFactories } from '../commands';
import { BATCH_STATUSES_WITH_RESULTS, type Batch } from '../core/api';
import {
  ageRefreshDelayMs,
  batchDescription,
  batchLabel,
  completionMessage,
  isTerminal,
  ownerFromFileName,
  requestCounts,
  type FileOwner,
} from '../core/batches/displayText';
import { Commands, ContextKeys, Views } from '../constants';
import type { Container } from '../container';
import type { FilesFeature } from '../files/feature';
import { stepDone } from '../firstRun/walkthroughProgress';
import { Disposable } from '../lifecycle';
import { AsyncRequests } from './asyncRequests';
import { BatchLinks } from './batchLinks';
import { asyncLabel } from './batchItems';
import type { BatchNode } from './batchItems';
import { BatchesModel } from './batchesModel';
import { BatchesTreeProvider } from './batchesTree';
import { batchCommands } from './commands';
import { mergeRetry } from './retry';
import { BatchPoller } from './poller';
import { SubmitBlockedNotice } from './blockedNotice';
import { BatchStatusBar } from './statusBar';

/** The Batches view with its poller, status-bar item, notifications and commands. */
export class BatchesFeature extends Disposable {
  readonly links: BatchLinks;
  readonly model: BatchesModel;
  readonly tree: BatchesTreeProvider;
  readonly poller: BatchPoller<Batch>;
  readonly statusBar: BatchStatusBar;
  readonly view: vscode.TreeView<BatchNode>;
  readonly commands: CommandFactories = batchCommands(this);
  /** Why the last submit of a file was blocked, until that is stale. */
  readonly blocked = this._register(new SubmitBlockedNotice());
  /** errors.data of failed batches, shown on their input files by "Show Errors". */
  readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('kluster-batch'));
  /** Request lines sent async: each a batch of one request, marked async in the tree. */
  readonly asyncRequests: AsyncRequests;
  /**
   * Views other than the results grid that show a results file (the experiment comparison): Retry Failed
   * Requests from the palette takes the file of the one in front.
   */
  readonly resultsInFront = new Set<() => vscode.Uri | undefined>();

  constructor(
    private readonly container: Container,
    private readonly files: FilesFeature,
  ) {
    super();
    this.links = new BatchLinks(container.workspaceState);
    this.model = this._register(new BatchesModel());
    const items = {
      batch: (id: string) => this.model.get(id),
      inputFile: (b: Batch) => this.inputFile(b),
      asyncOf: (b: Batch) => this.asyncRequests.get(b.id),
    };
    this.tree = this._register(new BatchesTreeProvider(this.model, container.clients, items, container.log));
    this.view = this._register(vscode.window.createTreeView(Views.batches, { treeDataProvider: this.tree, showCollapseAll: true }));
    this.poller = this._register(
      new BatchPoller(this.model, container.clients, container.log, {
        noun: 'batch',
        topic: 'batches',
        fetch: (client, id) => client.getBatch(id),
      }),
    );
    this.statusBar = this._register(new BatchStatusBar(this.model, (id) => this.labelOf(id)));
    this.asyncRequests = this._register(new AsyncRequests(container, this));
    this._register(
      container.clients.onDidChange(() => {
        this.tree.forgetError();
        this.model.reset();
      }),
    );
    this._register(
      this.model.onDidFinish((batch) => {
        this.files.tree.invalidate(); // output and error files appeared
        // A retry's results go back into the results file it came from, instead of beside its own batch file.
        if (this.links.retryOf(batch.id)) this.mergeEndedRetries();
        else void this.notifyFinished(batch);
      }),
    );
    // Also a retry that ended while VS Code was closed, once the list shows it.
    this._register(this.model.onDidChange(() => this.mergeEndedRetries()));
    this._register(files.tree.useOwners((file) => this.ownerOf(file.id, file.filename), this.model.onDidChange));
    this.clearErrorsOnEdit();
    this.keepAgesCurrent();
  }

  /** Batch errors name lines of the file as it was: an edit or closing the file makes them stale. */
  private clearErrorsOnEdit(): void {
    this._register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length && this.diagnostics.has(event.document.uri)) this.diagnostics.delete(event.document.uri);
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((document) => this.diagnostics.delete(document.uri)));
  }

  private ageRedraws = 0;
  /** Redraws of the tree made only so the ages move on (for tests). */
  get agesRedrawn(): number {
    return this.ageRedraws;
  }

  /**
   * While the view is visible, ages move on from memory, without requests: every 5 s while a batch is under a
   * minute old ("42s ago"), else once a minute.
   */
  private keepAgesCurrent(): void {
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = undefined;
      if (!this.view.visible) return;
      timer = setTimeout(
        () => {
          this.ageRedraws++;
          this.tree.redraw();
          schedule();
        },
        ageRefreshDelayMs(this.model.all.map((b) => b.created_at)),
      );
    };
    this._register(this.view.onDidChangeVisibility(schedule));
    // Any change redraws the tree anyway; the next beat counts from there, at the pace the new list needs.
    this._register(this.model.onDidChange(schedule));
    this._register({ dispose: () => clearTimeout(timer) });
    schedule();
  }

  /** Retry batches whose merge was started this session: each is tried once (a failure says why and what to do). */
  private readonly mergesStarted = new Set<string>();

  private mergeEndedRetries(): void {
    for (const batch of this.model.all) {
      if (!isTerminal(batch.status) || this.mergesStarted.has(batch.id) || !this.links.retryOf(batch.id)) continue;
      this.mergesStarted.add(batch.id);
      void mergeRetry(this.container, this, batch);
    }
  }

  /** The input file as far as known, without touching the disk (labels, messages). */
  inputFile(batch: Batch): vscode.Uri | undefined {
    return this.links.resolve(batch);
  }

  /** The input file that is actually there, trying every workspace folder the metadata may mean. */
  locateInputFile(batch: Batch): Promise<vscode.Uri | undefined> {
    return this.links.locate(batch);
  }

  /** The batch whose output or error file this is, when it is loaded: by file id, else by the service's file name. */
  private ownerOf(fileId: string, filename: string | null | undefined): FileOwner | undefined {
    for (const batch of this.model.all) {
      if (batch.output_file_id === fileId) return { role: 'output', batchLabel: this.labelOf(batch.id) };
      if (batch.error_file_id === fileId) return { role: 'error', batchLabel: this.labelOf(batch.id) };
    }
    const named = ownerFromFileName(filename);
    return named && this.model.get(named.batchId) ? { role: named.role, batchLabel: this.labelOf(named.batchId) } : undefined;
  }

  labelOf(batchId: string): string {
    const batch = this.model.get(batchId);
    if (!batch) return batchId;
    const sent = this.asyncRequests.get(batchId);
    if (sent) return asyncLabel(sent);
    const local = this.inputFile(batch);
    return batchLabel(batch, local && path.posix.basename(local.path));
  }

  /** A batch just created here: show it at the top, select it, poll it soon. */
  added(batch: Batch): void {
    this.files.tree.invalidate(); // its input file was uploaded
    this.model.upsert(batch);
    this.poller.kick();
    void this.reveal(batch.id);
    stepDone(ContextKeys.batchSubmitted);
  }

  async reveal(batchId: string, expand = false): Promise<void> {
    try {
      await this.view.reveal(this.tree.nodeFor(batchId), { select: true, focus: false, expand });
    } catch (error) {
      this.container.log.debug('batches', `reveal ${batchId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Makes sure the list is loaded, then asks which batch; undefined when dismissed. */
  async pickBatch(prompt: string, filter: (b: Batch) => boolean = () => true): Promise<string | undefined> {
    if (!this.model.isLoaded) await this.tree.refresh();
    const items = this.model.all
      .filter(filter)
      .map((b) => ({ label: this.labelOf(b.id), description: batchDescription(b), detail: b.id, id: b.id }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage('No batch fits. Refresh the Batches view, or submit a .jsonl file first.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: prompt, matchOnDetail: true }))?.id;
  }

  private async notifyFinished(batch: Batch): Promise<void> {
    if (this.asyncRequests.get(batch.id)) return; // its result opens beside its file instead
    const label = this.labelOf(batch.id);
    const { failed } = requestCounts(batch);
    const hasErrors = failed > 0 || Boolean(batch.errors?.data?.length) || Boolean(batch.error_file_id);
    const actions = [...(BATCH_STATUSES_WITH_RESULTS.has(batch.status) ? ['Open Results'] : []), ...(hasErrors ? ['Show Errors'] : [])];
    const message = completionMessage(batch, label);
    this.container.log.info('batches', message);
    const show = batch.status === 'completed' && !hasErrors ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const pick = await show(message, ...actions);
    if (pick === 'Open Results') await vscode.commands.executeCommand(Commands.openResults, batch.id);
    if (pick === 'Show Errors') await vscode.commands.executeCommand(Commands.showBatchErrors, batch.id);
  }
}
