// The Fine-tuning view. State lives in `contextValue` (`fineTune:<status>`, `fineTuneDetail:<field>`), which
// package.json menus match. Loads only when VS Code asks for the root (the view is visible).
import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import type { FineTuningJob } from '../core/api';
import {
  fileText,
  hyperparametersText,
  jobDescription,
  jobErrorText,
  jobIcon,
  jobLabel,
  jobTooltip,
  type FileNames,
} from '../core/fineTuning/jobText';
import { Commands, ContextKeys } from '../constants';
import type { Logger } from '../log';
import { snapshotOf, type ItemSnapshot } from '../batches/batchesTree';
import { messageItem, type MessageNode } from '../views/messageNode';
import { loadMoreItem, PagedTreeProvider, type LoadMoreNode } from '../views/pagedTree';
import type { FineTuningJobsModel } from './jobsModel';

export type JobField = 'fineTunedModel' | 'training' | 'validation' | 'hyperparameters' | 'error';

export type JobNode =
  | { readonly kind: 'job'; readonly jobId: string }
  | { readonly kind: 'detail'; readonly jobId: string; readonly field: JobField }
  | LoadMoreNode
  | MessageNode;

function detailFields(job: FineTuningJob): JobField[] {
  const fields: JobField[] = [];
  if (job.fine_tuned_model) fields.push('fineTunedModel');
  if (jobErrorText(job)) fields.push('error');
  if (job.training_file) fields.push('training');
  if (job.validation_file) fields.push('validation');
  fields.push('hyperparameters');
  return fields;
}

export class FineTuningTreeProvider extends PagedTreeProvider<FineTuningJob, JobNode> {
  /** One node object per job, so `reveal` and expansion state find the same element again. */
  private readonly jobNodes = new Map<string, JobNode>();

  constructor(
    model: FineTuningJobsModel,
    clients: ClientProvider,
    private readonly names: FileNames,
    log: Logger,
  ) {
    super(model, clients, log, {
      what: 'fine-tuning jobs',
      topic: 'fineTuning',
      emptyKey: ContextKeys.fineTuningEmpty,
      refreshCommand: Commands.refreshFineTuning,
    });
  }

  nodeFor(jobId: string): JobNode {
    let node = this.jobNodes.get(jobId);
    if (!node) {
      node = { kind: 'job', jobId };
      this.jobNodes.set(jobId, node);
    }
    return node;
  }

  getParent(node: JobNode): JobNode | undefined {
    return node.kind === 'detail' ? this.nodeFor(node.jobId) : undefined;
  }

  getTreeItem(node: JobNode): vscode.TreeItem {
    if (node.kind === 'message') return messageItem(node);
    if (node.kind === 'loadMore') {
      return loadMoreItem('fineTuning:loadMore', { command: Commands.loadMoreFineTuning, title: 'Load More Fine-tuning Jobs' });
    }
    const job = this.list.get(node.jobId);
    if (!job) return new vscode.TreeItem(node.jobId);
    return node.kind === 'job' ? this.jobItem(job) : this.detailItem(job, node.field);
  }

  private jobItem(job: FineTuningJob): vscode.TreeItem {
    const item = new vscode.TreeItem(jobLabel(job), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `fineTune:${job.id}`;
    item.description = jobDescription(job);
    const icon = jobIcon(job);
    item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    const tooltip = new vscode.MarkdownString(jobTooltip(job, this.names));
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
    item.contextValue = `fineTune:${job.status}`;
    item.accessibilityInformation = { label: `Fine-tuning job of ${item.label as string}, ${item.description}` };
    return item;
  }

  private detailItem(job: FineTuningJob, field: JobField): vscode.TreeItem {
    const make = (label: string, description: string, icon: vscode.ThemeIcon) => {
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.id = `fineTune:${job.id}/${field}`;
      item.description = description;
      item.iconPath = icon;
      item.tooltip = `${label}: ${description}`;
      item.contextValue = `fineTuneDetail:${field}`;
      return item;
    };
    switch (field) {
      case 'fineTunedModel':
        return make('Fine-tuned model', job.fine_tuned_model ?? '', new vscode.ThemeIcon('sparkle'));
      case 'error': {
        const text = jobErrorText(job) ?? '';
        const item = make(text, '', new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground')));
        item.tooltip = text;
        return item;
      }
      case 'hyperparameters':
        return make('Hyperparameters', hyperparametersText(job), new vscode.ThemeIcon('settings'));
      case 'training':
      case 'validation': {
        const fileId = (field === 'training' ? job.training_file : job.validation_file) ?? '';
        const item = make(
          field === 'training' ? 'Training file' : 'Validation file',
          fileText(fileId, this.names),
          new vscode.ThemeIcon('file'),
        );
        item.command = { command: Commands.openRemoteFile, title: 'Open Remote File', arguments: [fileId] };
        return item;
      }
    }
  }

  async getChildren(node?: JobNode): Promise<JobNode[]> {
    if (node) {
      if (node.kind !== 'job') return [];
      const job = this.list.get(node.jobId);
      return job ? detailFields(job).map((field) => ({ kind: 'detail', jobId: job.id, field })) : [];
    }
    return this.roots((job) => this.nodeFor(job.id));
  }

  /** The visible tree as plain data: roots, and the children of every job. */
  async snapshot(): Promise<ItemSnapshot[]> {
    const roots = await this.getChildren();
    return Promise.all(
      roots.map(async (node) => {
        const children = node.kind === 'job' ? await this.getChildren(node) : undefined;
        return {
          ...snapshotOf(this.getTreeItem(node)),
          ...(children ? { children: children.map((c) => snapshotOf(this.getTreeItem(c))) } : {}),
        };
      }),
    );
  }
}
