// `*.experiment.yaml` in the editor: diagnostics as you type, hover and completion, CodeLens and its commands.
import * as vscode from 'vscode';
import type { BatchesFeature } from '../batches/feature';
import type { CommandFactories } from '../commands';
import type { Container } from '../container';
import { Disposable } from '../lifecycle';
import { ExperimentCommands } from './commands';
import { EXPERIMENT_SELECTOR, ExperimentDocuments } from './documents';
import { ExperimentCodeLens, ExperimentCompletion, VariableHover } from './language';

export class ExperimentsFeature extends Disposable {
  readonly documents: ExperimentDocuments;
  readonly actions: ExperimentCommands;
  readonly commands: CommandFactories;

  constructor(container: Container, batches: BatchesFeature) {
    super();
    this.documents = this._register(new ExperimentDocuments(() => container.models.current.ids));
    this.actions = new ExperimentCommands(container, this.documents, batches);
    this.commands = this.actions.factories();
    this._register(vscode.languages.registerHoverProvider(EXPERIMENT_SELECTOR, new VariableHover(this.documents)));
    this._register(
      vscode.languages.registerCompletionItemProvider(
        EXPERIMENT_SELECTOR,
        new ExperimentCompletion(this.documents, container.models),
        ...ExperimentCompletion.triggers,
      ),
    );
    const lenses = new ExperimentCodeLens(() => this.actions.previewRows);
    this._register(vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lenses));
    // Unknown-model warnings follow the catalog; the lens title follows the preview-rows setting.
    this._register(container.models.onDidChange(() => this.documents.refreshAll()));
    this._register(batches.model.onDidFinish((batch) => void this.actions.finished(batch)));
  }
}
