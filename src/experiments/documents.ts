// Open `*.experiment.yaml` documents, each loaded (parsed with its dataset) once per version, and their problems
// as diagnostics: exact to the YAML node, updated as you type, and again when a dataset file changes.
import * as path from 'path';
import * as vscode from 'vscode';
import { loadExperiment, type ExperimentProblem, type LoadedExperiment } from '../core/experiments';
import { Disposable } from '../lifecycle';

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = { scheme: 'file', pattern: '**/*.experiment.{yaml,yml}' };
const EXPERIMENT_FILE = /\.experiment\.ya?ml$/i;
/** Typing pauses this long before the dataset is read again. */
const DEBOUNCE_MS = 250;

export function isExperimentDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && EXPERIMENT_FILE.test(document.uri.fsPath);
}

function toDiagnostic(problem: ExperimentProblem): vscode.Diagnostic {
  const { start, end } = problem.range;
  const severity =
    problem.severity === 'error'
      ? vscode.DiagnosticSeverity.Error
      : problem.severity === 'warning'
        ? vscode.DiagnosticSeverity.Warning
        : vscode.DiagnosticSeverity.Information;
  const diagnostic = new vscode.Diagnostic(new vscode.Range(start.line, start.column, end.line, end.column), problem.message, severity);
  diagnostic.source = 'kluster.ai';
  diagnostic.code = problem.code;
  return diagnostic;
}

interface Entry {
  version: number;
  loaded: Promise<LoadedExperiment>;
  timer?: NodeJS.Timeout;
  /** Other files (datasets) this document's problems were put on. */
  datasets: Set<string>;
}

export class ExperimentDocuments extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('kluster-experiment'));
  private readonly entries = new Map<string, Entry>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires when a document's problems were set again. */
  readonly onDidUpdate = this.changed.event;

  constructor(private readonly knownModels: () => ReadonlySet<string>) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.schedule(e.document, DEBOUNCE_MS)));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)));
    // A dataset written, created or deleted changes the problems of every experiment that may read it.
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*.{csv,jsonl}'));
    const datasetChanged = () => this.refreshAll(DEBOUNCE_MS);
    this._register(watcher.onDidChange(datasetChanged));
    this._register(watcher.onDidCreate(datasetChanged));
    this._register(watcher.onDidDelete(datasetChanged));
    this._register(
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (!isExperimentDocument(d)) datasetChanged();
      }),
    );
    this._register({ dispose: () => this.entries.forEach((e) => clearTimeout(e.timer)) });
    this.refreshAll(0);
  }

  /** The document as loaded at its current version (loading it now when needed). */
  loaded(document: vscode.TextDocument): Promise<LoadedExperiment> {
    const entry = this.entries.get(document.uri.toString());
    if (entry && entry.version === document.version && !entry.timer) return entry.loaded;
    return this.load(document);
  }

  /** Loads again every open experiment (the model list or a dataset changed). */
  refreshAll(delay = 0): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, delay, true);
  }

  private schedule(document: vscode.TextDocument, delay: number, force = false): void {
    if (!isExperimentDocument(document)) return;
    const key = document.uri.toString();
    const entry = this.entries.get(key);
    if (entry && entry.version === document.version && !force && !entry.timer) return;
    if (entry?.timer) clearTimeout(entry.timer);
    if (delay === 0) {
      void this.load(document);
      return;
    }
    const pending: Entry = entry ?? {
      version: -1,
      loaded: Promise.resolve({ tests: [], columns: [], problems: [], ok: false }),
      datasets: new Set(),
    };
    pending.timer = setTimeout(() => {
      pending.timer = undefined;
      void this.load(document);
    }, delay);
    this.entries.set(key, pending);
  }

  private load(document: vscode.TextDocument): Promise<LoadedExperiment> {
    const key = document.uri.toString();
    const previous = this.entries.get(key);
    if (previous?.timer) clearTimeout(previous.timer);
    const version = document.version;
    const loaded = loadExperiment(document.uri.fsPath, { knownModels: this.knownModels() }, document.getText()).catch(
      (error: unknown): LoadedExperiment => ({
        tests: [],
        columns: [],
        ok: false,
        problems: [
          {
            file: document.uri.fsPath,
            range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
            severity: 'error',
            code: 'experiment.unreadable',
            message: `The experiment could not be read: ${error instanceof Error ? error.message : String(error)}`,
          },
        ],
      }),
    );
    const entry: Entry = { version, loaded, datasets: previous?.datasets ?? new Set() };
    this.entries.set(key, entry);
    void loaded.then((result) => {
      // A newer version may have started loading meanwhile: only the latest sets diagnostics.
      if (this.entries.get(key) !== entry || this.isDisposed) return;
      this.publish(document.uri, result.problems, entry);
    });
    return loaded;
  }

  private publish(uri: vscode.Uri, problems: readonly ExperimentProblem[], entry: Entry): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    byFile.set(uri.fsPath, []);
    for (const problem of problems) {
      const file = path.resolve(problem.file);
      if (!byFile.has(file)) byFile.set(file, []);
      byFile.get(file)!.push(toDiagnostic(problem));
    }
    for (const stale of entry.datasets) if (!byFile.has(stale)) this.collection.delete(vscode.Uri.file(stale));
    entry.datasets = new Set([...byFile.keys()].filter((f) => f !== uri.fsPath));
    for (const [file, diagnostics] of byFile) this.collection.set(file === uri.fsPath ? uri : vscode.Uri.file(file), diagnostics);
    this.changed.fire(uri);
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const entry = this.entries.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    for (const dataset of entry.datasets) this.collection.delete(vscode.Uri.file(dataset));
    this.collection.delete(document.uri);
    this.entries.delete(key);
  }
}
