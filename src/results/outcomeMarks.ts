// Outcomes on the input file: a gutter mark per request line that has a result in the `*.results.jsonl`
// beside it (✓ succeeded, ✗ failed, ⊘ missing, a dashed circle once the line differs from what was
// submitted), and a hover with status, tokens and the first lines of the reply or error, linking to the
// grid and the chat. `kluster.results.showOutcomes` turns it off.
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { resultsPathFor } from '../core/batches/displayText';
import { customIdOfLine, firstLines, loadOutcomes, markLines, type LineMark, type Outcome } from '../core/results/outcomes';
import { readSpan } from '../core/results/resultsIndex';
import { contentText, type RowStatus } from '../core/results/rows';
import { Commands } from '../constants';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';

export const SHOW_OUTCOMES_SETTING = 'kluster.results.showOutcomes';

interface Loaded {
  readonly resultsPath: string;
  readonly outcomes: Map<string, Outcome>;
  /** The input was saved after the results were written: "submitted" text is the file as it was then. */
  readonly inputNewer: boolean;
}

type MarkKind = RowStatus | 'stale';
const MARK_KINDS: MarkKind[] = ['succeeded', 'failed', 'missing', 'stale'];
const RULER: Record<MarkKind, string> = {
  succeeded: 'testing.iconPassed',
  failed: 'testing.iconFailed',
  missing: 'editorWarning.foreground',
  unmatched: 'descriptionForeground',
  stale: 'descriptionForeground',
};
const LABEL: Record<MarkKind, string> = {
  succeeded: '✓ succeeded',
  failed: '✗ failed',
  missing: '⊘ missing',
  unmatched: 'unmatched',
  stale: 'stale',
};

const isInputFile = (document: vscode.TextDocument) =>
  document.uri.scheme === 'file' && /\.jsonl$/i.test(document.fileName) && !/\.results\.jsonl$/i.test(document.fileName);

export class OutcomeMarks extends Disposable implements vscode.HoverProvider {
  private readonly types: Record<MarkKind, vscode.TextEditorDecorationType>;
  private readonly loaded = new Map<string, Promise<Loaded | undefined>>();
  private readonly marks = new Map<string, LineMark[]>();
  /** custom_id per line text, so a keystroke re-parses only the lines it changed. */
  private readonly idCache = new Map<string, string | undefined>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly container: Container) {
    super();
    const icon = (kind: MarkKind) =>
      vscode.Uri.joinPath(container.context.extensionUri, 'media', `result-${kind === 'unmatched' ? 'stale' : kind}.svg`);
    this.types = Object.fromEntries(
      MARK_KINDS.map((kind) => [
        kind,
        this._register(
          vscode.window.createTextEditorDecorationType({
            gutterIconPath: icon(kind),
            gutterIconSize: '70%',
            overviewRulerColor: new vscode.ThemeColor(RULER[kind]),
            overviewRulerLane: vscode.OverviewRulerLane.Left,
          }),
        ),
      ]),
    ) as Record<MarkKind, vscode.TextEditorDecorationType>;
    this._register(vscode.languages.registerHoverProvider([{ scheme: 'file', pattern: '**/*.jsonl' }], this));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => isInputFile(e.document) && this.schedule()));
    // The outcomes read so far are kept: what was submitted is the input as it was when its results were read.
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SHOW_OUTCOMES_SETTING) && this.schedule(0)));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*.results.jsonl'));
    const changed = (uri: vscode.Uri) => {
      for (const key of this.loaded.keys()) if (resultsPathFor(key) === uri.fsPath) this.loaded.delete(key);
      this.schedule();
    };
    this._register(watcher.onDidChange(changed));
    this._register(watcher.onDidCreate(changed));
    this._register(watcher.onDidDelete(changed));
    this.schedule();
  }

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration().get<boolean>(SHOW_OUTCOMES_SETTING, true);
  }

  private schedule(delay = 150): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => void this.render().catch((error: unknown) => this.container.log.error('results', 'drawing result marks failed', error)),
      delay,
    );
  }

  private load(inputPath: string): Promise<Loaded | undefined> {
    let pending = this.loaded.get(inputPath);
    if (!pending) {
      pending = (async () => {
        const resultsPath = resultsPathFor(inputPath);
        try {
          const [results, input] = await Promise.all([fs.stat(resultsPath), fs.stat(inputPath)]);
          return { resultsPath, outcomes: await loadOutcomes(resultsPath, inputPath), inputNewer: input.mtimeMs > results.mtimeMs + 1000 };
        } catch {
          return undefined; // no results beside this file
        }
      })();
      this.loaded.set(inputPath, pending);
    }
    return pending;
  }

  private customIdOf = (text: string): string | undefined => {
    if (this.idCache.size > 200_000) this.idCache.clear();
    if (!this.idCache.has(text)) this.idCache.set(text, customIdOfLine(text));
    return this.idCache.get(text);
  };

  private async render(): Promise<void> {
    for (const editor of vscode.window.visibleTextEditors) {
      const document = editor.document;
      if (!isInputFile(document)) continue;
      const loaded = this.enabled ? await this.load(document.fileName) : undefined;
      const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
      const marks = loaded ? markLines(lines, loaded.outcomes, this.customIdOf) : [];
      this.marks.set(document.uri.toString(), marks);
      for (const kind of MARK_KINDS) {
        const ranges = marks.filter((m) => (m.stale ? 'stale' : m.status) === kind).map((m) => new vscode.Range(m.line, 0, m.line, 0));
        editor.setDecorations(this.types[kind], ranges);
      }
    }
  }

  /** The marks drawn on a document, for automation and tests. */
  snapshot(uri: vscode.Uri): { line: number; status: RowStatus; stale: boolean }[] | undefined {
    return this.marks.get(uri.toString())?.map((m) => ({ line: m.line, status: m.status, stale: m.stale }));
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const mark = this.marks.get(document.uri.toString())?.find((m) => m.line === position.line);
    const loaded = mark && (await this.load(document.fileName));
    if (!mark || !loaded) return undefined;
    const row = mark.outcome.row;
    const text = await readSpan(loaded.resultsPath, row).catch(() => '');
    const parsed = safeParse(text);
    const reply = contentText(parsed?.response?.body?.choices?.[0]?.message?.content);
    const error = parsed?.error ? JSON.stringify(parsed.error) : row.error;
    const tokens =
      row.promptTokens !== null || row.completionTokens !== null
        ? ` · ${row.promptTokens ?? 0} prompt + ${row.completionTokens ?? 0} completion tokens`
        : '';
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.resultsOpenAt, Commands.resultsOpenInChat] };
    md.appendMarkdown(`**kluster result: ${LABEL[row.status]}**`);
    md.appendText(`${row.attempts > 1 ? ` after ${row.attempts} attempts` : ''}${row.model ? ` · ${row.model}` : ''}${tokens}`);
    if (mark.stale)
      md.appendMarkdown('\n\n$(warning) ').appendText('This line changed since it was submitted: the result is of the text it had then.');
    else if (loaded.inputNewer)
      md.appendMarkdown('\n\n$(info) ').appendText(`${path.basename(document.fileName)} was saved after the results were written.`);
    const body = reply || error;
    // Model output goes in a code block: shown as text, no link or command in it can run.
    if (body) md.appendCodeblock(firstLines(body), 'text');
    const args = (command: string) => `command:${command}?${encodeURIComponent(JSON.stringify([loaded.resultsPath, row.customId]))}`;
    md.appendMarkdown(`\n\n[Open in Results](${args(Commands.resultsOpenAt)}) · [Open in Chat](${args(Commands.resultsOpenInChat)})`);
    return new vscode.Hover(md, new vscode.Range(position.line, 0, position.line, document.lineAt(position.line).text.length));
  }
}

type Parsed = { response?: { body?: { choices?: { message?: { content?: unknown } }[] } }; error?: unknown } | undefined;
function safeParse(text: string): Parsed {
  try {
    return JSON.parse(text) as Parsed;
  } catch {
    return undefined;
  }
}
