// Bridges a VS Code CancellationToken (structurally, so core stays vscode-free) to an AbortSignal, and
// always removes its listener: a token outlives the work, and each leftover listener is a leak.

export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** Runs `work` with a signal that aborts when `token` is cancelled; the listener is disposed when work ends. */
export async function abortOnCancel<T>(token: CancellationLike, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort();
  const listener = token.onCancellationRequested(() => abort.abort());
  try {
    return await work(abort.signal);
  } finally {
    listener.dispose();
  }
}
