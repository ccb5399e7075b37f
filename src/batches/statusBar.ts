import * as vscode from 'vscode';
import { batchDescription, formatCount, progressOf, runningSummary } from '../core/batches/displayText';
import { Views } from '../constants';
import { Disposable } from '../lifecycle';
import type { BatchesModel } from './batchesModel';

/** `$(sync~spin) 2 batches · 45%` while batches run; hidden otherwise. Click to show the Batches view. */
export class BatchStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('kluster.batches.status', vscode.StatusBarAlignment.Left, 50));

  constructor(
    private readonly model: BatchesModel,
    private readonly labelOf: (batchId: string) => string,
  ) {
    super();
    this.item.name = 'kluster.ai Batches';
    this.item.command = `${Views.batches}.focus`;
    this._register(model.onDidChange(() => this.update()));
    this.update();
  }

  /** What the item says now; undefined when hidden. */
  get text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  private shown = false;

  private update(): void {
    const running = this.model.running();
    if (running.length === 0) {
      this.item.hide();
      this.shown = false;
      return;
    }
    const summary = runningSummary(running, (batch) => this.labelOf(batch.id));
    this.item.text = `$(sync~spin) ${summary.text}`;
    // A failure while the batch still runs is worth a glance: the warning colours, as VS Code's own items use.
    this.item.backgroundColor = summary.failed > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const tooltip = new vscode.MarkdownString(`**kluster.ai: ${formatCount(running.length)} running**\n\n`);
    for (const batch of running) {
      const progress = progressOf(batch);
      tooltip.appendText(
        `${this.labelOf(batch.id)}: ${batchDescription(batch)}${progress !== undefined ? ` (${Math.floor(progress * 100)}%)` : ''}`,
      );
      tooltip.appendMarkdown('\n\n');
    }
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = {
      label: `kluster.ai: ${running.length === 1 ? '1 batch' : `${formatCount(running.length)} batches`} running, ${summary.text.replace(/ · /g, ', ')}`,
    };
    this.item.show();
    this.shown = true;
  }
}
