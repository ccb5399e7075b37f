import * as vscode from 'vscode';

/** How long a task may take before it gets a progress notification of its own. */
export const PROGRESS_NOTIFICATION_DELAY_MS = 600;

/**
 * Runs `task` and shows a progress notification only if it is still running after `delayMs`. A quick task then
 * adds one notification (its outcome) instead of two, and the workbench, which drops toasts that come faster than
 * three in 800 ms, never swallows the outcome.
 */
export async function withSlowProgress<T>(title: string, task: () => Promise<T>, delayMs = PROGRESS_NOTIFICATION_DELAY_MS): Promise<T> {
  const running = task();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = await Promise.race([
    running.then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), delayMs))),
  ]);
  clearTimeout(timer);
  if (!slow) return running;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => running);
}
