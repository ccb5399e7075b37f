import * as vscode from 'vscode';
import { apiKeyCommands } from './auth/commands';
import { ApiKeyStore } from './auth/apiKeyStore';
import { registerCommands } from './commands';
import { Config } from './config';
import { Disposable } from './lifecycle';
import { Logger } from './log';

/** Owns every service of the extension. Built once in `activate`, disposed with the extension. */
export class Container extends Disposable {
  readonly log: Logger;
  readonly config: Config;
  readonly apiKeys: ApiKeyStore;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    this.log = this._register(new Logger());
    this.config = new Config();
    this.apiKeys = this._register(new ApiKeyStore(context.secrets, this.log));

    for (const registration of registerCommands(this, apiKeyCommands)) this._register(registration);
    this.log.info('extension', `activated ${context.extension.id} ${context.extension.packageJSON.version}`);
  }
}
