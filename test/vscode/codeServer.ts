// One isolated code-server instance: its own port, HOME, XDG dirs, TMPDIR, user data and extensions,
// all under a run folder, in its own process group.
import { spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { spawnGroup, stopGroup } from './processGroup';
import type { Runtime } from './runtime';

export interface CodeServer {
  readonly url: string;
  readonly dir: string;
  readonly extensionsDir: string;
  /** Everything the server printed, for failure reports. */
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Honour the test payload in the URL (hides notification toasts, so UI tests do without it). */
  smokeTestDriver?: boolean;
  /** Extra environment for the server and so for the extension host. */
  env?: Record<string, string | undefined>;
  /** User settings on top of the offline defaults, e.g. `kluster.baseUrl` of an emulator. */
  settings?: Record<string, unknown>;
}

// Keeps the workbench from reaching the marketplace, telemetry or update hosts, and from showing welcome pages.
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.commandCenter': false,
  // The emulator's port would otherwise pop a "port is available" toast over screenshots.
  'remote.autoForwardPorts': false,
  // Newer releases open an empty secondary side bar (for AI chat) on the right, a fifth of every screenshot.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isolatedEnv(runtime: Runtime, dir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${runtime.nodeHome}/bin:${process.env.PATH ?? ''}`,
    HOME: path.join(dir, 'home'),
    XDG_CONFIG_HOME: path.join(dir, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(dir, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg', 'cache'),
    TMPDIR: path.join(dir, 'tmp'),
  };
  // The developer's own key must never leak into tests; tests set what they need.
  delete env.KLUSTER_API_KEY;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function prepareDirs(dir: string, settings: Record<string, unknown> = {}): void {
  for (const sub of ['home', 'tmp', 'ext', 'ud/User', 'xdg/config', 'xdg/data', 'xdg/cache']) {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  const file = path.join(dir, 'ud', 'User', 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ ...SETTINGS, ...settings }, null, 2));
}

function baseArgs(dir: string): string[] {
  return [
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    path.join(dir, 'ud'),
    '--extensions-dir',
    path.join(dir, 'ext'),
  ];
}

/** Installs a VSIX into the instance's extensions folder, as `code --install-extension` does. */
export function installExtension(runtime: Runtime, dir: string, vsix: string): void {
  prepareDirs(dir);
  const result = spawnSync(runtime.codeServer, [...baseArgs(dir), '--install-extension', vsix], {
    env: isolatedEnv(runtime, dir),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`installing ${vsix} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const request = http.get(`${url}/healthz`, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.on('error', () => resolve(false));
      request.setTimeout(2000, () => request.destroy());
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not become healthy within ${timeoutMs} ms`);
}

export async function startCodeServer(runtime: Runtime, dir: string, options: CodeServerOptions = {}): Promise<CodeServer> {
  prepareDirs(dir, options.settings);
  const port = await freePort();
  const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...baseArgs(dir)];
  if (options.smokeTestDriver && runtime.smokeTestDriverOption) args.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawnGroup(runtime.codeServer, args, {
    env: isolatedEnv(runtime, dir, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, 60_000);
  } catch (error) {
    await stopGroup(child);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, dir, extensionsDir: path.join(dir, 'ext'), output: () => output, stop: () => stopGroup(child) };
}
