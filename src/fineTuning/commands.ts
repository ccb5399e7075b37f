import * as vscode from 'vscode';
import { showApiError } from '../api/showError';
import {
  askModal,
  CANCELLED,
  copyIdCommand,
  failed,
  loadMoreCommand,
  refreshCommand,
  type CommandFactories,
  type Confirmation,
  type Outcome,
} from '../commands';
import { statusText } from '../core/batches/displayText';
import { isTerminalJob, jobLabel } from '../core/fineTuning/jobText';
import { Commands, ContextKeys } from '../constants';
import { getContext } from '../context';
import { createFineTuningJob, type CreateJobOptions } from './create';
import type { FineTuningFeature } from './feature';
import { addToExperiment, openInChat } from './tunedModel';

/** A job id: a string, or a Fine-tuning view node (a job and everything under it). */
export function jobIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  const id = (arg as { jobId?: unknown } | undefined)?.jobId;
  return typeof id === 'string' && id ? id : undefined;
}

/** `requested`: the service took the request; `jobStatus` is what it answered (`cancelling`, or already `cancelled`). */
export type CancelJobOutcome = Outcome<{ readonly status: 'requested'; readonly jobStatus: string }>;

async function pickRunningJob(feature: FineTuningFeature): Promise<string | undefined> {
  if (!feature.model.isLoaded) await feature.tree.refresh();
  const items = feature.model
    .running()
    .map((job) => ({ label: jobLabel(job), description: statusText(job.status), detail: job.id, id: job.id }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No fine-tuning job is running.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: 'Cancel which fine-tuning job?', matchOnDetail: true }))?.id;
}

async function cancelJob(feature: FineTuningFeature, arg: unknown, options: { confirm?: Confirmation } = {}): Promise<CancelJobOutcome> {
  const id = jobIdOf(arg) ?? (await pickRunningJob(feature));
  if (!id) return CANCELLED;
  const known = feature.model.get(id);
  const label = known ? `${jobLabel(known)} (${id})` : id;
  if (known && isTerminalJob(known.status)) {
    void vscode.window.showInformationMessage(`Fine-tuning job ${label} has already ${statusText(known.status)}.`);
    return CANCELLED;
  }
  const pick = await askModal(
    options.confirm,
    `Cancel fine-tuning job ${label}?`,
    'Training stops and no fine-tuned model is made. This cannot be undone.',
    'Cancel Job',
  );
  if (pick !== 'Cancel Job') return CANCELLED;
  try {
    const job = await (await feature.container.clients.get()).cancelFineTuningJob(id);
    feature.model.upsert(job);
    feature.poller.kick();
    feature.container.log.info('fineTuning', `cancel requested for ${id}: now ${job.status}`);
    void vscode.window.showInformationMessage(`Fine-tuning job ${label} is ${statusText(job.status)}.`);
    return { status: 'requested', jobStatus: job.status };
  } catch (error) {
    void showApiError(feature.container.log, `Cancelling fine-tuning job ${label}`, error, () =>
      cancelJob(feature, id, { confirm: false }),
    );
    return failed(error);
  }
}

export function fineTuningCommands(feature: FineTuningFeature): CommandFactories {
  return {
    [Commands.createFineTuningJob]: () => (arg?: unknown, options?: CreateJobOptions) => createFineTuningJob(feature, arg, options),
    [Commands.fineTuningOpenInChat]: () => (arg?: unknown) => openInChat(feature, feature.chat, arg),
    [Commands.fineTuningAddToExperiment]: () => (arg?: unknown, experiment?: unknown) => addToExperiment(feature, arg, experiment),
    [Commands.refreshFineTuning]: (container) =>
      refreshCommand(container.log, 'fine-tuning jobs', Commands.refreshFineTuning, () => feature.tree.refresh()),
    [Commands.loadMoreFineTuning]: (container) =>
      loadMoreCommand(container.log, 'fine-tuning jobs', Commands.loadMoreFineTuning, () => feature.tree.loadMore()),
    [Commands.cancelFineTuningJob]: () => (arg?: unknown, options?: { confirm?: Confirmation }) => cancelJob(feature, arg, options),
    [Commands.copyFineTuningJobId]: () => copyIdCommand('fine-tuning job', jobIdOf),
    /** Hidden: the tree as data and the poller's state, for tests. */
    [Commands.fineTuningSnapshot]: () => async () => ({
      items: await feature.tree.snapshot(),
      polling: feature.poller.isActive,
      empty: getContext(ContextKeys.fineTuningEmpty),
      datasets: getContext(ContextKeys.fineTuningDatasets),
    }),
  };
}
