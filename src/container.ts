import * as vscode from 'vscode';
import { apiKeyCommands } from './auth/commands';
import { ApiKeyStore } from './auth/apiKeyStore';
import { BatchesFeature } from './batches/feature';
import { ChatFeature } from './chat/feature';
import { ExperimentsFeature } from './experiments/feature';
import { FilesFeature } from './files/feature';
import { newBatchFileCommands } from './firstRun/newBatchFile';
import { FineTuningFeature } from './fineTuning/feature';
import { ProblemFixedWatcher } from './firstRun/walkthroughProgress';
import { ClientProvider } from './api/clientProvider';
import { ComparisonFeature } from './comparison/feature';
import { ModelCatalog } from './api/modelCatalog';
import { registerCommands } from './commands';
import { Config } from './config';
import { DemoServer } from './demo/demoServer';
import { Disposable } from './lifecycle';
import { Logger } from './log';
import { ResultsFeature } from './results/feature';
import { Storage, type GlobalStorage, type WorkspaceStorage } from './storage';
import { BatchValidationFeature } from './validation/feature';

/** Owns every service of the extension. Built once in `activate`, disposed with the extension. */
export class Container extends Disposable {
  readonly log: Logger;
  readonly globalState: Storage<GlobalStorage>;
  readonly workspaceState: Storage<WorkspaceStorage>;
  readonly config: Config;
  readonly apiKeys: ApiKeyStore;
  readonly clients: ClientProvider;
  /** The models of the current client, for validation and pickers. */
  readonly models: ModelCatalog;
  readonly validation: BatchValidationFeature;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    this.log = this._register(new Logger());
    this.globalState = new Storage(context.globalState);
    this.workspaceState = new Storage(context.workspaceState);
    this.config = new Config();
    this.apiKeys = this._register(new ApiKeyStore(context.secrets, this.log));
    this.clients = this._register(new ClientProvider(this.config, this.apiKeys, this.log));
    this.models = this._register(new ModelCatalog(this.clients, this.globalState, this.log));

    this.validation = this._register(new BatchValidationFeature(this));
    const files = this._register(new FilesFeature(this));
    const batches = this._register(new BatchesFeature(this, files));
    const chat = this._register(new ChatFeature(this, batches.asyncRequests));
    const fineTuning = this._register(new FineTuningFeature(this, files, batches.blocked, chat));
    const results = this._register(new ResultsFeature(this, chat));
    this._register(new ProblemFixedWatcher());
    const demo = this._register(new DemoServer(this.clients, () => this.config.baseUrl, this.log));
    const experiments = this._register(new ExperimentsFeature(this, batches));
    const comparison = this._register(new ComparisonFeature(this, batches));
    this._register(
      registerCommands(
        this,
        apiKeyCommands,
        files.commands,
        batches.commands,
        chat.commands,
        results.commands,
        demo.commands,
        newBatchFileCommands,
        experiments.commands,
        comparison.commands,
        fineTuning.commands,
      ),
    );
    this.log.info('extension', `activated ${context.extension.id} ${context.extension.packageJSON.version}`);
  }
}
