import * as vscode from 'vscode';

/** How long a task may take before it gets a progress notification of its own. */
export const PROGRESS_NOTIFICATION_DELAY_MS = 600;

export type ProgressStep = { message?: string; increment?: number };

export interface SlowProgressOptions {
  /** The notification gets a Cancel button, which cancels the token the task was given. */
  readonly cancellable?: boolean;
  readonly delayMs?: number;
}

/**
 * Runs `task` and shows a progress notification only if it is still running after `delayMs`. A quick task then
 * adds one notification (its outcome) instead of two, and the workbench, which drops toasts that come faster than
 * three in 800 ms, never swallows the outcome; nor does a progress toast linger beside the outcome.
 * What the task reports before the notification shows is kept, and the notification starts from it.
 */
export async function withSlowProgress<T>(
  title: string,
  task: (progress: vscode.Progress<ProgressStep>, token: vscode.CancellationToken) => Promise<T>,
  options: SlowProgressOptions = {},
): Promise<T> {
  const cancel = new vscode.CancellationTokenSource();
  let shown: vscode.Progress<ProgressStep> | undefined;
  const pending: Required<ProgressStep> = { message: '', increment: 0 };
  const progress: vscode.Progress<ProgressStep> = {
    report(step) {
      if (shown) return shown.report(step);
      pending.increment += step.increment ?? 0;
      if (step.message !== undefined) pending.message = step.message;
    },
  };
  try {
    const running = task(progress, cancel.token);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = await Promise.race([
      running.then(
        () => false,
        () => false,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.delayMs ?? PROGRESS_NOTIFICATION_DELAY_MS))),
    ]);
    clearTimeout(timer);
    if (!slow) return await running;
    const location = vscode.ProgressLocation.Notification;
    return await vscode.window.withProgress({ location, title, cancellable: options.cancellable ?? false }, (notification, token) => {
      const listener = token.onCancellationRequested(() => cancel.cancel());
      if (pending.increment || pending.message)
        notification.report({ increment: pending.increment, message: pending.message || undefined });
      shown = notification;
      return running.finally(() => listener.dispose());
    });
  } finally {
    cancel.dispose();
  }
}
