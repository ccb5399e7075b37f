import * as vscode from 'vscode';
import { showApiError } from './api/showError';
import type { CommandId } from './constants';
import type { Container } from './container';
import type { Logger } from './log';

// Handlers receive whatever VS Code passes (tree items, URIs, strings), so arguments are checked inside.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;

/**
 * What a command that can fail in expected ways resolves to, so callers and tests can tell the cases apart: its
 * own results, `cancelled` (the person said no or dismissed a prompt), or `failed` (already shown to them).
 */
export type Outcome<Done extends { readonly status: string }> =
  Done | { readonly status: 'cancelled' } | { readonly status: 'failed'; readonly message: string };

export type Failed = { readonly status: 'failed'; readonly message: string };

export const CANCELLED = { status: 'cancelled' } as const;

export function failed(error: unknown): Failed {
  return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
}

/**
 * How a command asks a modal question: `true` (the default) shows the dialog, `false` asks nothing and goes ahead
 * (scripts), or a function answers in the person's place (tests: VS Code refuses to show dialogs under test),
 * given the message and the buttons and returning the button picked, or undefined for dismissed.
 */
export type Confirmation = boolean | ((message: string, actions: readonly string[]) => string | undefined | Thenable<string | undefined>);

/** Asks a modal warning; resolves with the action picked (undefined: dismissed). `confirm: false` picks `actions[0]`. */
export async function askModal(
  confirm: Confirmation | undefined,
  message: string,
  detail: string,
  ...actions: [string, ...string[]]
): Promise<string | undefined> {
  if (confirm === false) return actions[0];
  if (typeof confirm === 'function') return confirm(message, actions);
  return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
}

/** Shows an expected failure that is not the API's (a line that is no request, nothing selected) and returns it. */
export function shownError(message: string): Failed {
  void vscode.window.showErrorMessage(`kluster: ${message}`);
  return { status: 'failed', message };
}

/** Shows an API failure with its remedies (Retry runs `retry`), logs it, and returns it as the `failed` outcome. */
export function shownFailure(log: Logger, action: string, error: unknown, retry?: () => unknown): Failed {
  void showApiError(log, action, error, retry);
  return failed(error);
}

/** A view's Refresh: how many items it lists now, or `noKey` (no key is set: the view shows its welcome instead). */
export type RefreshOutcome = Outcome<{ readonly status: 'refreshed'; readonly count: number } | { readonly status: 'noKey' }>;
/** A view's Load More: how many new items came (0 at the end of the list). */
export type LoadMoreOutcome = Outcome<{ readonly status: 'loaded'; readonly added: number }>;
/** Copy Id: what went to the clipboard; `cancelled` when the argument named nothing. */
export type CopyOutcome = Outcome<{ readonly status: 'copied'; readonly id: string }>;

/** The Refresh command of a view whose `refresh` resolves with its item count (undefined without a key). */
export function refreshCommand(log: Logger, what: string, self: CommandId, refresh: () => Promise<number | undefined>) {
  return async (): Promise<RefreshOutcome> => {
    try {
      const count = await refresh();
      return count === undefined ? { status: 'noKey' } : { status: 'refreshed', count };
    } catch (error) {
      return shownFailure(log, `Listing ${what}`, error, () => vscode.commands.executeCommand(self));
    }
  };
}

/** The Load More command of a view whose `loadMore` resolves with how many new items came. */
export function loadMoreCommand(log: Logger, what: string, self: CommandId, loadMore: () => Promise<number>) {
  return async (): Promise<LoadMoreOutcome> => {
    try {
      return { status: 'loaded', added: await loadMore() };
    } catch (error) {
      return shownFailure(log, `Loading more ${what}`, error, () => vscode.commands.executeCommand(self));
    }
  };
}

/** The Copy Id command of a view: `idOf` turns the argument (a node, a string) into the id. */
export function copyIdCommand(what: string, idOf: (arg: unknown) => string | undefined) {
  return async (arg?: unknown): Promise<CopyOutcome> => {
    const id = idOf(arg);
    if (!id) return CANCELLED;
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`Copied ${what} id ${id}`, 3000);
    return { status: 'copied', id };
  };
}

/** Each feature exposes a map of command factories; container.ts registers them all in one call (as rust-analyzer does). */
export type CommandFactories = Partial<Record<CommandId, (container: Container) => CommandHandler>>;

/** Registers every group's commands; a failure a handler did not catch is logged and shown, and the command returns undefined. */
export function registerCommands(container: Container, ...groups: CommandFactories[]): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  for (const group of groups) {
    for (const [id, factory] of Object.entries(group) as [CommandId, (container: Container) => CommandHandler][]) {
      const handler = factory(container);
      disposables.push(
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
          try {
            return await handler(...args);
          } catch (error) {
            container.log.error('command', `${id} failed`, error);
            const message = error instanceof Error ? error.message : String(error);
            void vscode.window.showErrorMessage(`kluster: ${message}`);
            return undefined;
          }
        }),
      );
    }
  }
  return vscode.Disposable.from(...disposables);
}
