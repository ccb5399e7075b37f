import * as vscode from 'vscode';
import type { ValidationOptions } from '../core/jsonl';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';
import { REMOVE_BOM_COMMAND, removeByteOrderMark, ValidationCodeActions } from './codeActions';
import { DocumentSession } from './documentSession';
import { RequestLineHover } from './hover';

const JSONL: vscode.DocumentSelector = { language: 'jsonl' };
/** Virtual documents (diffs, output) are not validated. */
const SKIPPED_SCHEMES = new Set(['git', 'output', 'vscode-scm', 'gitlens']);

/**
 * Batch JSONL validation in the editor: one DiagnosticCollection updated on open and change and cleared on close,
 * quick fixes, and a hover summary per request line.
 */
export class BatchValidationFeature extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('kluster'));
  private readonly sessions = new Map<string, DocumentSession>();
  /** The model ids the sessions check against, to reconfigure only when they change. */
  private knownModels: ReadonlySet<string>;

  constructor(private readonly container: Container) {
    super();
    this.knownModels = container.models.current.ids;
    const sessionFor = (document: vscode.TextDocument) => this.sessions.get(document.uri.toString());
    this._register(
      vscode.languages.registerCodeActionsProvider(
        JSONL,
        new ValidationCodeActions(sessionFor, () => this.options.knownModels),
        ValidationCodeActions.metadata,
      ),
    );
    this._register(vscode.languages.registerHoverProvider(JSONL, new RequestLineHover(sessionFor)));
    this._register(vscode.commands.registerCommand(REMOVE_BOM_COMMAND, (uri: vscode.Uri) => removeByteOrderMark(uri)));
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.open(d)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => sessionFor(e.document)?.onDidChange(e)));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.close(d)));
    this._register(container.config.onDidChange(() => this.reconfigure()));
    this._register(
      container.models.onDidChange((list) => {
        if (list.ids === this.knownModels) return; // only the note changed
        this.knownModels = list.ids;
        this.reconfigure();
      }),
    );
    this._register({ dispose: () => this.closeAll() });
    for (const document of vscode.workspace.textDocuments) this.open(document);
  }

  /** What the editor checks against now: the base URL's model list and the tier. Submit's pre-flight uses it too. */
  get options(): ValidationOptions {
    return { knownModels: this.container.models.current.ids, tier: this.container.config.tier };
  }

  private open(document: vscode.TextDocument): void {
    if (document.languageId !== 'jsonl' || SKIPPED_SCHEMES.has(document.uri.scheme) || !this.container.config.validationEnabled) return;
    const key = document.uri.toString();
    if (this.sessions.has(key)) return;
    this.sessions.set(key, new DocumentSession(document, this.options, (uri, diagnostics) => this.collection.set(uri, diagnostics)));
  }

  private close(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.sessions.get(key)?.dispose();
    this.sessions.delete(key);
    this.collection.delete(document.uri);
  }

  private closeAll(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }

  private reconfigure(): void {
    if (!this.container.config.validationEnabled) {
      this.closeAll();
      this.collection.clear();
      return;
    }
    const options = this.options;
    for (const session of this.sessions.values()) session.setOptions(options);
    for (const document of vscode.workspace.textDocuments) this.open(document);
  }
}
