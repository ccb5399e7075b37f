// The context keys that complete steps of the "Get Started with kluster.ai" walkthrough (package.json
// `walkthroughs`), each set by what proves the step was done.
import * as vscode from 'vscode';
import { ContextKeys } from '../constants';
import { setContext } from '../context';
import { Disposable } from '../lifecycle';

/** A step was done in this window: its context key turns true (the walkthrough keeps the step checked). */
export function stepDone(
  key: typeof ContextKeys.problemFixed | typeof ContextKeys.batchSubmitted | typeof ContextKeys.resultsOpened,
): void {
  void setContext(key, true);
}

/** "See a problem fixed": a document that is still open loses its last kluster.ai problem. */
export class ProblemFixedWatcher extends Disposable {
  private readonly withProblems = new Set<string>();

  constructor() {
    super();
    this._register(vscode.languages.onDidChangeDiagnostics((event) => this.changed(event.uris)));
  }

  private changed(uris: readonly vscode.Uri[]): void {
    for (const uri of uris) {
      const key = uri.toString();
      if (vscode.languages.getDiagnostics(uri).some((d) => d.source === 'kluster.ai')) {
        this.withProblems.add(key);
      } else if (this.withProblems.delete(key) && vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) {
        stepDone(ContextKeys.problemFixed); // fixed, not closed
      }
    }
  }
}
