// The experiment comparison in VS Code: one webview tab per experiment and results file, its commands (Open
// Comparison, Judge Replies, Export CSV) and, for automation and tests, a snapshot and a filter setter.
import * as path from 'path';
import * as vscode from 'vscode';
import type { BatchesFeature } from '../batches/feature';
import { uriOf } from '../commandArgs';
import { CANCELLED, type CommandFactories } from '../commands';
import { Commands } from '../constants';
import type { Container } from '../container';
import { exportedMessage } from '../core/batches/displayText';
import { comparisonCsv } from '../core/experiments';
import { fileExists, writeAtomically } from '../core/util/atomicFile';
import { Disposable } from '../lifecycle';
import { chooseCsvTarget, pickBom } from '../results/exportCsv';
import { ComparisonPanel, type ComparisonSnapshot } from './comparisonPanel';
import { judgeReplies, type JudgeOptions } from './judge';
import { resultsBeside } from './paths';
import { COMPARISON_VIEW_TYPE, isFilter } from './protocol';

const EXPERIMENT_FILE = /\.experiment\.ya?ml$/i;

export class ComparisonFeature extends Disposable {
  private readonly panels = new Map<string, ComparisonPanel>();
  private lastActive: ComparisonPanel | undefined;
  readonly commands: CommandFactories;

  constructor(
    private readonly container: Container,
    private readonly batches: BatchesFeature,
  ) {
    super();
    this._register(new vscode.Disposable(() => [...this.panels.values()].forEach((p) => p.panel.dispose())));
    const inFront = () => [...this.panels.values()].find((p) => p.panel.active)?.resultsUri;
    batches.resultsInFront.add(inFront);
    this._register(new vscode.Disposable(() => batches.resultsInFront.delete(inFront)));
    this.commands = {
      [Commands.openComparison]: () => async (experiment?: unknown, results?: unknown) => {
        const panel = await this.open(uriOf(experiment), uriOf(results));
        return panel !== undefined;
      },
      [Commands.comparisonJudge]: () => async (options?: JudgeOptions) => {
        const panel = this.active ?? (await this.open(undefined, undefined));
        if (!panel) return CANCELLED;
        return judgeReplies(this.container, this.batches, panel, typeof options === 'object' && options ? options : {});
      },
      [Commands.comparisonExportCsv]: () => async (target?: unknown, bom?: unknown) => {
        const panel = this.active;
        if (!panel) throw new Error('Open a comparison first (kluster: Open Comparison).');
        return this.exportCsv(panel, uriOf(target), typeof bom === 'boolean' ? bom : undefined);
      },
      [Commands.comparisonSnapshot]: () => (): ComparisonSnapshot | undefined => this.active?.snapshot(),
      [Commands.comparisonSetFilter]: () => (filter: unknown) => {
        if (!isFilter(filter)) throw new Error('Not a comparison filter.');
        const panel = this.active;
        if (!panel) throw new Error('Open a comparison first (kluster: Open Comparison).');
        panel.setFilter(filter);
        return true;
      },
    };
  }

  /** The comparison tab in front, else the one used last. */
  get active(): ComparisonPanel | undefined {
    return [...this.panels.values()].find((p) => p.panel.active) ?? this.lastActive;
  }

  /** Opens (or reveals) the comparison of `experiment` with `results`, asking for what is not given. */
  async open(experiment: vscode.Uri | undefined, results: vscode.Uri | undefined): Promise<ComparisonPanel | undefined> {
    experiment ??= await pickExperiment();
    if (!experiment) return undefined;
    results ??= await pickResults(experiment);
    if (!results) return undefined;
    const key = `${experiment.toString()}|${results.toString()}`;
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const webview = vscode.window.createWebviewPanel(
      COMPARISON_VIEW_TYPE,
      `Compare ${path.basename(experiment.fsPath).replace(/\.ya?ml$/i, '')}`,
      vscode.ViewColumn.Active,
      { retainContextWhenHidden: false },
    );
    const panel = new ComparisonPanel(experiment, results, webview, this.container, {
      judge: (p) => judgeReplies(this.container, this.batches, p),
      exportCsv: (p) => this.exportCsv(p),
      // The merged results land in the comparison's file, which the panel watches: it scores again by itself.
      retry: (p) => vscode.commands.executeCommand(Commands.retryFailed, p.resultsUri),
    });
    this.panels.set(key, panel);
    this.lastActive = panel;
    webview.onDidChangeViewState(() => {
      if (webview.active) this.lastActive = panel;
    });
    webview.onDidDispose(() => {
      this.panels.delete(key);
      if (this.lastActive === panel) this.lastActive = undefined;
      panel.dispose();
    });
    return panel;
  }

  /** Writes the rows and columns shown as CSV; a target and a BOM flag skip the questions (automation). */
  private async exportCsv(panel: ComparisonPanel, target?: vscode.Uri, bom?: boolean): Promise<vscode.Uri | undefined> {
    const shown = panel.shown();
    const scored = panel.current;
    if (!shown || !scored) throw new Error('The comparison has not been scored yet.');
    const chosen = await chooseCsvTarget(panel.experimentUri.fsPath.replace(/(\.experiment)?\.ya?ml$/i, '') + '.comparison.csv', target);
    if (!chosen) return undefined;
    const withBom = bom ?? (await pickBom());
    if (withBom === undefined) return undefined;
    const text = comparisonCsv(scored.comparison, shown.rows, shown.columns, { bom: withBom });
    await writeAtomically(chosen.fsPath, (temp) => temp.write(text), { overwrite: true });
    void vscode.window.showInformationMessage(exportedMessage(shown.rows.length, vscode.workspace.asRelativePath(chosen)));
    return chosen;
  }
}

async function pickExperiment(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && EXPERIMENT_FILE.test(active.fsPath)) return active;
  const found = await vscode.workspace.findFiles('**/*.experiment.{yaml,yml}', '**/node_modules/**', 200);
  if (found.length === 0) {
    const [picked] =
      (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Experiment: ['yaml', 'yml'] }, title: 'Experiment file' })) ??
      [];
    return picked;
  }
  const items = found.map((uri) => ({
    label: path.basename(uri.fsPath),
    description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)),
    uri,
  }));
  return (await vscode.window.showQuickPick(items, { title: 'Open Comparison: which experiment?' }))?.uri;
}

async function pickResults(experiment: vscode.Uri): Promise<vscode.Uri | undefined> {
  const found: vscode.Uri[] = [];
  for (const file of resultsBeside(experiment.fsPath)) if (await fileExists(file)) found.push(vscode.Uri.file(file));
  if (found.length) {
    const items = [
      ...found.map((uri) => ({
        label: path.basename(uri.fsPath),
        description: 'beside the experiment',
        uri: uri as vscode.Uri | undefined,
      })),
      { label: 'Choose a Results File…', description: '', uri: undefined },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `Results to compare for ${path.basename(experiment.fsPath)}` });
    if (!pick) return undefined;
    if (pick.uri) return pick.uri;
  }
  const [picked] =
    (await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: vscode.Uri.file(path.dirname(experiment.fsPath)),
      filters: { 'Batch results': ['jsonl'] },
      title: `Results to compare for ${path.basename(experiment.fsPath)}`,
      openLabel: 'Compare',
    })) ?? [];
  return picked;
}
