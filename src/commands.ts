import * as vscode from 'vscode';
import type { CommandId } from './constants';
import type { Container } from './container';

// Handlers receive whatever VS Code passes (tree items, URIs, strings), so arguments are checked inside.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;

/**
 * What a command that can fail in expected ways resolves to, so callers and tests can tell the cases apart: its
 * own results, `cancelled` (the person said no or dismissed a prompt), or `failed` (already shown to them).
 */
export type Outcome<Done extends { readonly status: string }> =
  Done | { readonly status: 'cancelled' } | { readonly status: 'failed'; readonly message: string };

export const CANCELLED = { status: 'cancelled' } as const;

export function failed(error: unknown): { readonly status: 'failed'; readonly message: string } {
  return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
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
