import * as vscode from 'vscode';
import type { FineTuningJob } from '../core/api';
import { isTerminalJob } from '../core/fineTuning/jobText';
import { PagedList } from '../views/pagedList';

/** Jobs per page; the service's default. */
export const JOB_PAGE_SIZE = 20;

/**
 * The fine-tuning jobs the view shows, newest first, page by page (a PagedList), kept current by the poller.
 * Fires `onDidFinish` when a job seen running ends.
 */
export class FineTuningJobsModel extends PagedList<FineTuningJob> {
  private readonly finished = this._register(new vscode.EventEmitter<FineTuningJob>());
  readonly onDidFinish = this.finished.event;

  constructor() {
    super((client, limit, after) => client.listFineTuningJobs({ limit, after }), JOB_PAGE_SIZE);
  }

  running(): FineTuningJob[] {
    return this.all.filter((job) => !isTerminalJob(job.status));
  }

  protected override replaced(previous: FineTuningJob | undefined, current: FineTuningJob): void {
    if (previous && !isTerminalJob(previous.status) && isTerminalJob(current.status)) this.finished.fire(current);
  }
}
