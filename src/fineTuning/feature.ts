import * as vscode from 'vscode';
import type { CommandFactories } from '../commands';
import type { FineTuningJob } from '../core/api';
import { jobEndedMessage } from '../core/fineTuning/jobText';
import { Commands, Views } from '../constants';
import type { Container } from '../container';
import type { FilesFeature } from '../files/feature';
import type { ChatFeature } from '../chat/feature';
import type { SubmitBlockedNotice } from '../batches/blockedNotice';
import { BatchPoller } from '../batches/poller';
import { DatasetFiles } from './datasets';
import { Disposable } from '../lifecycle';
import { fineTuningCommands } from './commands';
import { FileNameCache } from './fileNames';
import { FineTuningJobsModel } from './jobsModel';
import { FineTuningTreeProvider, type JobNode } from './jobsTree';

/** The Fine-tuning view with its poller, notifications and commands. */
export class FineTuningFeature extends Disposable {
  readonly model: FineTuningJobsModel;
  readonly fileNames: FileNameCache;
  readonly tree: FineTuningTreeProvider;
  readonly view: vscode.TreeView<JobNode>;
  readonly poller: BatchPoller<FineTuningJob>;
  readonly commands: CommandFactories;

  constructor(
    readonly container: Container,
    readonly files: FilesFeature,
    /** The status-bar notice a blocked Submit uses; a blocked upload of a dataset says so there too. */
    readonly blocked: SubmitBlockedNotice,
    readonly chat: ChatFeature,
  ) {
    super();
    this.model = this._register(new FineTuningJobsModel());
    this.fileNames = this._register(new FileNameCache(container.clients, (id) => files.tree.get(id), container.log));
    this.tree = this._register(new FineTuningTreeProvider(this.model, container.clients, this.fileNames.get, container.log));
    this.view = this._register(vscode.window.createTreeView(Views.fineTuning, { treeDataProvider: this.tree, showCollapseAll: true }));
    // The batches' schedule: 3 s after something happens, doubling to once a minute.
    this.poller = this._register(
      new BatchPoller(this.model, container.clients, container.log, {
        noun: 'fine-tuning job',
        topic: 'fineTuning',
        fetch: (client, id) => client.getFineTuningJob(id),
      }),
    );
    this._register(
      container.clients.onDidChange(() => {
        this.tree.forgetError();
        this.fileNames.reset();
        this.model.reset();
      }),
    );
    this._register(this.fileNames.onDidChange(() => this.tree.redraw()));
    this._register(
      this.model.onDidChange(() => {
        const ids = this.model.all.flatMap((job) => [job.training_file, job.validation_file].filter((id): id is string => Boolean(id)));
        void this.fileNames.fetchMissing(ids);
      }),
    );
    this._register(this.model.onDidFinish((job) => void this.notifyFinished(job)));
    // Validation and the pickers know every fine-tuned model the jobs name.
    this._register(
      this.model.onDidChange(() =>
        container.models.include(this.model.all.flatMap((job) => (job.fine_tuned_model ? [job.fine_tuned_model] : []))),
      ),
    );
    this._register(new DatasetFiles());
    this.commands = fineTuningCommands(this);
  }

  /** A job just created here: at the top, selected, polled soon. */
  added(job: FineTuningJob): void {
    this.files.tree.invalidate(); // its training file was uploaded
    this.model.upsert(job);
    this.poller.kick();
    void this.reveal(job.id);
  }

  async reveal(jobId: string): Promise<void> {
    try {
      await this.view.reveal(this.tree.nodeFor(jobId), { select: true, focus: false, expand: true });
    } catch (error) {
      this.container.log.debug('fineTuning', `reveal ${jobId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Says a job ended; a fine-tuned model gets Open in Chat and Add to Experiment. */
  private async notifyFinished(job: FineTuningJob): Promise<void> {
    const message = jobEndedMessage(job);
    this.container.log.info('fineTuning', message);
    if (job.status !== 'succeeded' || !job.fine_tuned_model) {
      void vscode.window.showWarningMessage(message);
      return;
    }
    const pick = await vscode.window.showInformationMessage(message, 'Open in Chat', 'Add to Experiment');
    if (pick === 'Open in Chat') await vscode.commands.executeCommand(Commands.fineTuningOpenInChat, job.fine_tuned_model);
    if (pick === 'Add to Experiment') await vscode.commands.executeCommand(Commands.fineTuningAddToExperiment, job.fine_tuned_model);
  }
}
