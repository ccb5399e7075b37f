// The host end of one comparison tab: scores the results against the experiment (again whenever the experiment,
// its dataset, the results or the judge's results change on disk, so an edit of the assertions needs no new
// batch), answers the webview's filters and page requests, and reads a cell whole for its details.
import * as path from 'path';
import * as vscode from 'vscode';
import { openReplyLink } from '../chat/replyLinks';
import { webviewOptions, webviewPage } from '../chat/webviewPage';
import type { Container } from '../container';
import {
  cellExcerpt,
  cellJudgeScore,
  columnTitle,
  compareResults,
  filterColumns,
  filterRows,
  isFilterFor,
  loadExperiment,
  readJudgeVerdicts,
  renderPrompt,
  type Comparison,
  type ComparisonFilter,
  type Experiment,
  type TestCase,
} from '../core/experiments';
import { fileExists } from '../core/util/atomicFile';
import { Disposable } from '../lifecycle';
import { PAGE_ROWS } from '../results/protocol';
import { judgeResultsBeside } from './paths';
import {
  emptyComparisonState,
  isComparisonState,
  isWebviewMessage,
  type CellDetail,
  type ComparisonReport,
  type ComparisonState,
  type ComparisonSummary,
  type HostMessage,
  type RowView,
} from './protocol';

const RESCORE_DELAY_MS = 300;

/** What the comparison shows, as the extension last heard it (kluster.comparison.snapshot). */
export interface ComparisonSnapshot {
  readonly experiment: string;
  readonly results: string;
  readonly judgeResults: string | null;
  readonly ready: boolean;
  readonly scored: number;
  readonly summary: ComparisonSummary | undefined;
  readonly problem: string | undefined;
  readonly state: ComparisonState;
  readonly report: ComparisonReport | undefined;
}

interface Scored {
  readonly experiment: Experiment;
  readonly tests: readonly TestCase[];
  readonly comparison: Comparison;
}

export interface ComparisonHandlers {
  judge(panel: ComparisonPanel): Promise<unknown>;
  exportCsv(panel: ComparisonPanel): Promise<unknown>;
  retry(panel: ComparisonPanel): Thenable<unknown>;
}

export class ComparisonPanel extends Disposable {
  private ready = false;
  private state: ComparisonState;
  private viewId = 0;
  private view: { rows: number[]; columns: number[] } | undefined;
  private report: ComparisonReport | undefined;
  private scored: Scored | undefined;
  private problem: string | undefined;
  private judgeLoaded = false;
  /** Times scored so far (tests wait for a rescore by it). */
  private scoredCount = 0;
  private scoring: Promise<void> = Promise.resolve();
  private rescoreTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly watchers: vscode.Disposable[] = [];

  constructor(
    readonly experimentUri: vscode.Uri,
    readonly resultsUri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly container: Container,
    private readonly handlers: ComparisonHandlers,
  ) {
    super();
    const saved = container.workspaceState.get('kluster.comparison.state')?.[this.key];
    this.state = isComparisonState(saved) ? saved : emptyComparisonState();
    panel.webview.options = webviewOptions(container.context.extensionUri);
    this._register(
      panel.webview.onDidReceiveMessage((message: unknown) =>
        this.onMessage(message).catch((error: unknown) => {
          container.log.error('comparison', 'a comparison request failed', error);
          void vscode.window.showErrorMessage(`kluster: ${error instanceof Error ? error.message : String(error)}`);
        }),
      ),
    );
    this._register(panel.onDidChangeViewState(() => !panel.visible && (this.ready = false)));
    this._register(container.config.onDidChange(() => this.scheduleRescore()));
    this._register(
      new vscode.Disposable(() => {
        clearTimeout(this.rescoreTimer);
        this.watchers.forEach((w) => w.dispose());
      }),
    );
    panel.webview.html = webviewPage(panel.webview, container.context.extensionUri, {
      title: this.title,
      script: 'dist/comparison.js',
      stylesheet: 'dist/comparison-style.css',
    });
    void this.rescore();
  }

  /** One tab per experiment and results pair. */
  get key(): string {
    return `${this.experimentUri.toString()}|${this.resultsUri.toString()}`;
  }

  get title(): string {
    return `Compare ${path.basename(this.experimentUri.fsPath).replace(/\.ya?ml$/i, '')}`;
  }

  get judgeResultsPath(): string {
    return judgeResultsBeside(this.experimentUri.fsPath);
  }

  /** The experiment and rows last scored, for Judge Replies and Export CSV. */
  get current(): Scored | undefined {
    return this.scored;
  }

  /** The dataset rows and columns shown now (Export CSV writes these). */
  shown(): { rows: number[]; columns: number[] } | undefined {
    if (!this.scored) return undefined;
    return this.view ?? this.viewOf(this.state.filter);
  }

  snapshot(): ComparisonSnapshot {
    return {
      experiment: this.experimentUri.fsPath,
      results: this.resultsUri.fsPath,
      judgeResults: this.judgeLoaded ? this.judgeResultsPath : null,
      ready: this.ready,
      scored: this.scoredCount,
      summary: this.scored && this.summary(this.scored),
      problem: this.problem,
      state: this.state,
      report: this.report,
    };
  }

  setFilter(filter: ComparisonFilter): void {
    this.post({ type: 'setFilter', filter });
  }

  setBusy(text: string | null): void {
    this.post({ type: 'busy', text });
  }

  /** Scores again from the files on disk (queued behind a scoring under way). */
  rescore(): Promise<void> {
    this.scoring = this.scoring
      .then(() => this.score())
      .catch((error: unknown) => this.container.log.error('comparison', 'scoring failed', error));
    return this.scoring;
  }

  private scheduleRescore(): void {
    clearTimeout(this.rescoreTimer);
    this.rescoreTimer = setTimeout(() => void this.rescore(), RESCORE_DELAY_MS);
  }

  private async score(): Promise<void> {
    this.setBusy('Scoring…');
    try {
      const file = this.experimentUri.fsPath;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
      // Unsaved edits of the experiment count: re-scoring after an edit of the assertions is the point.
      const loaded = await loadExperiment(file, { knownModels: this.container.models.current.ids }, open?.getText());
      this.watch(loaded.experiment);
      if (!loaded.ok || !loaded.experiment) {
        const first = loaded.problems.find((p) => p.severity === 'error');
        this.problem = `${path.basename(file)} has errors, so the replies cannot be scored${first ? `: line ${first.range.start.line + 1}: ${first.message}` : '.'}`;
        this.post({ type: 'busy', text: this.problem });
        return;
      }
      if (!(await fileExists(this.resultsUri.fsPath))) {
        this.problem = `${path.basename(this.resultsUri.fsPath)} does not exist yet: submit the experiment's batch and open its results.`;
        this.post({ type: 'busy', text: this.problem });
        return;
      }
      const judgePath = this.judgeResultsPath;
      this.judgeLoaded = await fileExists(judgePath);
      const judge = this.judgeLoaded ? await readJudgeVerdicts(judgePath) : undefined;
      const pricing = this.container.config.pricing;
      const comparison = await compareResults(loaded.experiment, loaded.tests, this.resultsUri.fsPath, { judge, pricing });
      this.scored = { experiment: loaded.experiment, tests: loaded.tests, comparison };
      this.problem = undefined;
      this.scoredCount++;
      if (!isFilterFor(comparison, this.state.filter)) this.state.filter = { kind: 'all' };
      this.postSummary();
      this.setBusy(null);
      if (this.ready) this.runQuery(++this.viewId, this.state.filter);
    } catch (error) {
      this.problem = `Scoring failed: ${error instanceof Error ? error.message : String(error)}`;
      this.post({ type: 'busy', text: this.problem });
      throw error;
    }
  }

  /** Watches every file the scores come from; the dataset's path is known only once the experiment parses. */
  private watch(experiment: Experiment | undefined): void {
    const files = [this.experimentUri.fsPath, this.resultsUri.fsPath, this.judgeResultsPath];
    if (experiment?.tests.kind === 'file') files.push(experiment.tests.path);
    const key = files.join('\n');
    if (this.watchedKey === key) return;
    this.watchedKey = key;
    this.watchers.splice(0).forEach((w) => w.dispose());
    for (const file of files) {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
      );
      const changed = () => this.scheduleRescore();
      watcher.onDidChange(changed);
      watcher.onDidCreate(changed);
      watcher.onDidDelete(changed);
      this.watchers.push(watcher);
    }
    this.watchers.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.fsPath === this.experimentUri.fsPath && event.contentChanges.length) this.scheduleRescore();
      }),
    );
  }
  private watchedKey = '';

  private summary(scored: Scored): ComparisonSummary {
    const { comparison, experiment, tests } = scored;
    const judgeable = [...experiment.defaultAssert, ...tests.flatMap((t) => t.assert)].some((a) => a.type === 'llm-rubric');
    return {
      columns: comparison.columns,
      rows: comparison.rows.length,
      unmatched: comparison.unmatched,
      priced: comparison.columns.some((c) => c.cost !== null),
      judgeable,
    };
  }

  private postSummary(): void {
    if (!this.ready || !this.scored) return;
    const { comparison } = this.scored;
    const notice = comparison.unmatched
      ? `${comparison.unmatched} result line(s) of ${path.basename(this.resultsUri.fsPath)} are not requests of this experiment (another experiment's results?).`
      : undefined;
    this.post({ type: 'summary', summary: this.summary(this.scored), notice });
  }

  private viewOf(filter: ComparisonFilter): { rows: number[]; columns: number[] } {
    const comparison = this.scored!.comparison;
    return { rows: filterRows(comparison, filter), columns: filterColumns(comparison, filter) };
  }

  private runQuery(viewId: number, filter: ComparisonFilter, seq?: number): void {
    if (!this.scored) return;
    this.viewId = viewId;
    this.state.filter = isFilterFor(this.scored.comparison, filter) ? filter : { kind: 'all' };
    this.view = this.viewOf(this.state.filter);
    this.post({ type: 'view', viewId, count: this.view.rows.length, columns: this.view.columns, seq });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private rowView(index: number, columns: readonly number[]): RowView {
    const row = this.scored!.comparison.rows[index]!;
    return {
      index,
      row: row.row,
      label: row.label,
      cells: columns.map((c) => {
        const cell = row.cells[c]!;
        return { outcome: cell.outcome, excerpt: cellExcerpt(cell), score: cellJudgeScore(cell) };
      }),
    };
  }

  private detail(index: number, column: number): CellDetail | undefined {
    const scored = this.scored;
    const row = scored?.comparison.rows[index];
    const cell = row?.cells[column];
    const test = scored?.tests[index];
    if (!scored || !row || !cell || !test) return undefined;
    const info = scored.comparison.columns[column]!;
    const provider = scored.experiment.providers[cell.provider - 1]!;
    return {
      index,
      column,
      row: row.row,
      title: columnTitle(info),
      model: info.model,
      outcome: cell.outcome,
      messages: renderPrompt(scored.experiment, cell.prompt - 1, test).map((m) => ({ role: m.role, text: m.content })),
      params: JSON.stringify(provider.config, null, 2),
      reply: cell.reply ?? null,
      reason: cell.reason ?? null,
      assertions: cell.assertions,
    };
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.container.log.warn('comparison', 'ignored a malformed message from the comparison');
      return;
    }
    switch (raw.type) {
      case 'ready':
        this.ready = true;
        this.state = raw.state ?? this.state;
        this.post({ type: 'init', title: this.title, state: this.state });
        if (this.problem) this.post({ type: 'busy', text: this.problem });
        this.postSummary();
        if (this.scored) this.runQuery(++this.viewId, this.state.filter);
        return;
      case 'query':
        return this.runQuery(++this.viewId, raw.filter, raw.seq);
      case 'page': {
        if (raw.viewId !== this.viewId || !this.view) return;
        const { rows, columns } = this.view;
        const end = Math.min(raw.start + PAGE_ROWS, rows.length);
        const page: RowView[] = [];
        for (let i = raw.start; i < end; i++) page.push(this.rowView(rows[i]!, columns));
        this.post({ type: 'rows', viewId: raw.viewId, start: raw.start, rows: page });
        return;
      }
      case 'expand': {
        const detail = this.detail(raw.index, raw.column);
        if (detail) this.post({ type: 'detail', detail });
        return;
      }
      case 'exportCsv':
        await this.handlers.exportCsv(this);
        return;
      case 'judge':
        await this.handlers.judge(this);
        return;
      case 'retry':
        await this.handlers.retry(this);
        return;
      case 'rescore':
        return this.rescore();
      case 'state': {
        this.state = raw.state;
        const all = this.container.workspaceState.get('kluster.comparison.state') ?? {};
        await this.container.workspaceState.update('kluster.comparison.state', { ...all, [this.key]: raw.state });
        return;
      }
      case 'rendered':
        this.report = raw.report;
        return;
      case 'openLink':
        return openReplyLink(this.container.log, 'comparison', raw.href);
    }
  }
}
