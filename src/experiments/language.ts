// Hover on a `{{variable}}`: its values in the first rows. Completion: column names inside `{{ }}`, model ids
// under `providers`. CodeLens at the top: Build Batch · Preview N Rows · Submit · Open Comparison.
import * as vscode from 'vscode';
import { lookup, valueText } from '../core/experiments/template';
import { codeSpan } from '../core/util/markdown';
import type { ModelCatalog } from '../api/modelCatalog';
import { Commands } from '../constants';
import type { ExperimentDocuments } from './documents';

const HOVER_ROWS = 5;
const SHOWN_CHARS = 80;

/** The `{{ name }}` around `position` on its line, with the name's range. */
export function variableAt(line: string, character: number): { path: string; start: number; end: number } | undefined {
  for (const match of line.matchAll(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g)) {
    const start = match.index;
    const end = start + match[0].length;
    if (character >= start && character <= end) return { path: match[1]!, start, end };
  }
  return undefined;
}

/** A dataset value as inline code: cut at SHOWN_CHARS, line breaks shown as ⏎. */
function code(text: string): string {
  const shown = text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
  return codeSpan(shown.replace(/\r?\n/g, '⏎'));
}

export class VariableHover implements vscode.HoverProvider {
  constructor(private readonly documents: ExperimentDocuments) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = variableAt(document.lineAt(position.line).text, position.character);
    if (!found) return undefined;
    const loaded = await this.documents.loaded(document);
    const segments = found.path.split('.');
    const rows = loaded.tests.slice(0, HOVER_ROWS);
    const markdown = new vscode.MarkdownString();
    markdown.appendMarkdown(`**${found.path}** in the first ${rows.length === 1 ? 'row' : `${rows.length} rows`}`);
    if (loaded.tests.length > rows.length) markdown.appendMarkdown(` of ${loaded.tests.length.toLocaleString('en-US')}`);
    markdown.appendMarkdown('\n\n');
    if (rows.length === 0) markdown.appendMarkdown('The dataset has no rows (or could not be read).');
    for (const test of rows) {
      const value = lookup(test.vars, segments);
      markdown.appendMarkdown(`- row ${test.row}: ${value === undefined ? '*(no value)*' : code(valueText(value))}\n`);
    }
    return new vscode.Hover(markdown, new vscode.Range(position.line, found.start, position.line, found.end));
  }
}

/** The top-level key a line belongs to: the nearest line above at indent 0 that is `key:`. */
function topLevelKey(document: vscode.TextDocument, line: number): string | undefined {
  for (let l = line; l >= 0; l--) {
    const match = /^([A-Za-z_][\w-]*)\s*:/.exec(document.lineAt(l).text);
    if (match) return match[1];
  }
  return undefined;
}

export class ExperimentCompletion implements vscode.CompletionItemProvider {
  static readonly triggers = ['{', ' ', '-', ':'];

  constructor(
    private readonly documents: ExperimentDocuments,
    private readonly models: ModelCatalog,
  ) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const inBraces = /\{\{\s*([\w.-]*)$/.exec(before);
    if (inBraces) {
      const loaded = await this.documents.loaded(document);
      const range = new vscode.Range(position.translate(0, -inBraces[1]!.length), position);
      return loaded.columns.map((column) => {
        const item = new vscode.CompletionItem(column, vscode.CompletionItemKind.Variable);
        item.range = range;
        const first = loaded.tests[0] && lookup(loaded.tests[0].vars, [column]);
        if (first !== undefined) item.detail = `row 1: ${valueText(first).slice(0, SHOWN_CHARS)}`;
        return item;
      });
    }
    const modelSlot = /^\s*-\s+(?:id:\s*)?([^\s#]*)$/.exec(before) ?? /^\s+id:\s*([^\s#]*)$/.exec(before);
    if (modelSlot && topLevelKey(document, position.line) === 'providers') {
      const range = new vscode.Range(position.translate(0, -modelSlot[1]!.length), position);
      return this.models.current.options.map((model) => {
        const item = new vscode.CompletionItem(model.id, vscode.CompletionItemKind.Value);
        item.range = range;
        item.detail = 'kluster.ai model';
        return item;
      });
    }
    return undefined;
  }
}

export class ExperimentCodeLens implements vscode.CodeLensProvider {
  constructor(private readonly previewRows: () => number) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const range = new vscode.Range(0, 0, 0, 0);
    const rows = this.previewRows();
    return [
      new vscode.CodeLens(range, { title: '$(package) Build Batch', command: Commands.experimentBuild, arguments: [document.uri] }),
      new vscode.CodeLens(range, {
        title: `$(play) Preview ${rows} Row${rows === 1 ? '' : 's'}`,
        command: Commands.experimentPreview,
        arguments: [document.uri],
      }),
      new vscode.CodeLens(range, { title: '$(cloud-upload) Submit', command: Commands.experimentSubmit, arguments: [document.uri] }),
      new vscode.CodeLens(range, {
        title: '$(table) Open Comparison',
        command: Commands.experimentOpenComparison,
        arguments: [document.uri],
      }),
    ];
  }
}
