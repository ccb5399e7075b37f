import * as vscode from 'vscode';
import { DEFAULT_BASE_URL } from './core/api/errors';
import { isCompletionWindow, type CompletionWindow } from './core/api/schemas';
import { pricingOf, type Pricing } from './core/experiments/estimate';

const SECTION = 'kluster';

/** Typed access to the `kluster.*` settings. Read on demand so changes apply without a reload. */
export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get baseUrl(): string {
    const value = this.section.get<string>('baseUrl', DEFAULT_BASE_URL).trim();
    return value.replace(/\/+$/, '');
  }

  /** Default completion window offered when submitting a batch. */
  get completionWindow(): CompletionWindow {
    const value = this.section.get<string>('batch.completionWindow', '24h');
    return isCompletionWindow(value) ? value : '24h';
  }

  /** The account tier: `free` adds the under-1000-requests cap to batch file validation. */
  get tier(): 'free' | 'standard' {
    return this.section.get<string>('tier', 'standard') === 'free' ? 'free' : 'standard';
  }

  /** Whether JSONL documents are validated as they are edited. */
  get validationEnabled(): boolean {
    return this.section.get<boolean>('validation.enabled', true);
  }

  /** Model prices per 1M tokens the user set (`kluster.pricing`); entries in another shape are left out. */
  get pricing(): Pricing {
    return pricingOf(this.section.get<unknown>('pricing'));
  }

  /** Where the Open in Chat CodeLens shows: the request line under the cursor (default), every one, or none. */
  get codeLens(): 'cursor' | 'all' | 'off' {
    const value = this.section.get<string>('codeLens', 'cursor');
    return value === 'all' || value === 'off' ? value : 'cursor';
  }

  /** Fires when any `kluster.*` setting changes. */
  onDidChange(listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) listener();
    });
  }
}
