// Demo mode: the emulator (src/emulator) runs inside the extension host on a free loopback port, and this
// window's clients use it instead of `kluster.baseUrl` and the stored key, which stay as they are.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import { failed, type CommandFactories, type Outcome } from '../commands';
import { Commands, ContextKeys } from '../constants';
import { setContext } from '../context';
import { startEmulator, type Emulator } from '../emulator';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

export type DemoStartOutcome = Outcome<{ readonly status: 'started' | 'running'; readonly baseUrl: string }>;
export type DemoStopOutcome = Outcome<{ readonly status: 'stopped' | 'notRunning' }>;

/** What the tests read: where the demo server listens, its status-bar item, and the requests it has answered. */
export interface DemoSnapshot {
  readonly baseUrl?: string;
  readonly statusBar?: { readonly text: string; readonly tooltip: string; readonly command: string };
  readonly requests: string[];
}

export class DemoServer extends Disposable {
  private emulator: Promise<Emulator> | undefined;
  private running: Emulator | undefined;
  private readonly item = this._register(vscode.window.createStatusBarItem('kluster.demo.status', vscode.StatusBarAlignment.Left, 51));

  constructor(
    private readonly clients: ClientProvider,
    private readonly configuredBaseUrl: () => string,
    private readonly log: Logger,
  ) {
    super();
    this.item.name = 'kluster.ai Demo Server';
    this.item.command = Commands.stopDemoServer;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this._register({ dispose: () => void this.close() });
  }

  readonly commands: CommandFactories = {
    [Commands.startDemoServer]: () => () => this.start(),
    [Commands.stopDemoServer]: () => () => this.stop(),
    [Commands.demoSnapshot]: () => () => this.snapshot(),
  };

  async start(): Promise<DemoStartOutcome> {
    if (this.emulator) return { status: 'running', baseUrl: (await this.emulator).url };
    // A throwaway key: the demo server takes no other, and the person's own key is never sent to it.
    const starting = startEmulator({ port: 0, host: '127.0.0.1', apiKey: `demo-${randomBytes(16).toString('hex')}` });
    this.emulator = starting;
    let emulator: Emulator;
    try {
      emulator = await starting;
      if (this.emulator !== starting) return { status: 'failed', message: 'The demo server was stopped while it started.' };
    } catch (error) {
      this.emulator = undefined;
      const outcome = failed(error);
      this.log.error('demo', 'the demo server did not start', error);
      void vscode.window.showErrorMessage(`kluster.ai demo server did not start: ${outcome.message}`);
      return outcome;
    }
    this.running = emulator;
    this.clients.setOverride({ baseUrl: emulator.url, apiKey: emulator.apiKey });
    await setContext(ContextKeys.demoServerRunning, true);
    this.item.text = '$(beaker) kluster.ai demo';
    this.item.tooltip = `kluster.ai demo server at ${emulator.url}: this window uses it instead of ${this.configuredBaseUrl()} (your setting and key are unchanged). Click to stop it.`;
    this.item.accessibilityInformation = { label: 'kluster.ai demo server running. Click to stop it.' };
    this.item.show();
    this.log.info('demo', `demo server listening on ${emulator.url}`);
    void vscode.window
      .showInformationMessage(
        `kluster.ai demo server started. This window now submits batches and chats on it, not on kluster.ai; answers are canned and quote your message.`,
        'Stop Demo Server',
      )
      .then((pick) => pick && vscode.commands.executeCommand(Commands.stopDemoServer));
    return { status: 'started', baseUrl: emulator.url };
  }

  async stop(): Promise<DemoStopOutcome> {
    if (!this.emulator) return { status: 'notRunning' };
    await this.close();
    void vscode.window.showInformationMessage(`kluster.ai demo server stopped. This window uses ${this.configuredBaseUrl()} again.`);
    return { status: 'stopped' };
  }

  private async close(): Promise<void> {
    const starting = this.emulator;
    if (!starting) return;
    this.emulator = undefined;
    this.running = undefined;
    this.item.hide();
    if (!this.isDisposed) {
      this.clients.setOverride(undefined);
      await setContext(ContextKeys.demoServerRunning, false);
    }
    const emulator = await starting.catch(() => undefined);
    await emulator?.close();
    this.log.info('demo', 'demo server stopped');
  }

  snapshot(): DemoSnapshot {
    const running = this.running;
    return {
      baseUrl: running?.url,
      statusBar: running ? { text: this.item.text, tooltip: String(this.item.tooltip), command: String(this.item.command) } : undefined,
      requests: running ? running.state.requests.map((r) => `${r.method} ${r.path}`) : [],
    };
  }
}
