import * as vscode from 'vscode';
import type { Batch } from '../core/api';
import { isTerminal } from '../core/batches/displayText';
import { PagedList } from '../views/pagedList';

/** Batches per page; the service's default. */
export const BATCH_PAGE_SIZE = 20;

/**
 * The batches the tree shows, newest first, page by page (a PagedList), kept current by the poller. Fires
 * `onDidFinish` when a batch seen running ends.
 */
export class BatchesModel extends PagedList<Batch> {
  private readonly finished = this._register(new vscode.EventEmitter<Batch>());
  readonly onDidFinish = this.finished.event;

  constructor() {
    super((client, limit, after) => client.listBatches({ limit, after }), BATCH_PAGE_SIZE);
  }

  running(): Batch[] {
    return this.all.filter((b) => !isTerminal(b.status));
  }

  protected override replaced(previous: Batch | undefined, current: Batch): void {
    if (previous && !isTerminal(previous.status) && isTerminal(current.status)) this.finished.fire(current);
  }
}
