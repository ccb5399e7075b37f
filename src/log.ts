import * as vscode from 'vscode';
import { redact } from './core/util/redact';

/** The one `kluster.ai` log channel. Every line passes through `redact`, so the API key never reaches it. */
export class Logger implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('kluster.ai', { log: true });
  }

  /** Values that must never be written, such as the current API key. */
  addSecret(value: string | undefined): void {
    if (value) this.secrets.add(value);
  }

  info(component: string, message: string): void {
    this.channel.info(this.format(component, message));
  }

  warn(component: string, message: string): void {
    this.channel.warn(this.format(component, message));
  }

  error(component: string, message: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${error instanceof Error ? error.message : String(error)}`;
    this.channel.error(this.format(component, message + detail));
  }

  debug(component: string, message: string): void {
    this.channel.debug(this.format(component, message));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private format(component: string, message: string): string {
    return `[${component}] ${redact(message, this.secrets)}`;
  }
}
