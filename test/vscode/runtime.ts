// Locates (installing on first use) the offline test runtime: Node 24, code-server and Chromium.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface Runtime {
  readonly nodeHome: string;
  readonly codeServer: string;
  readonly chrome: string;
  readonly codeServerVersion: string;
  readonly vscodeVersion: string;
  /**
   * Whether this code-server passes `--vscode-option NAME` on to VS Code's server (4.139 does; 4.100 refuses any
   * option it does not know, and VS Code then runs the test payload without the smoke-test driver).
   */
  readonly smokeTestDriverOption: boolean;
}

/** A key of test/vscode/versions.json: the VS Code versions the suites run on. */
export type VscodeVersionName = 'stable' | 'oldest';

/** `--vscode NAME` on the command line, else KLUSTER_TEST_VSCODE, else stable. */
export function requestedVersion(argv: readonly string[] = process.argv): VscodeVersionName {
  const flag = argv.indexOf('--vscode');
  const name = flag >= 0 ? argv[flag + 1] : process.env.KLUSTER_TEST_VSCODE || 'stable';
  if (name !== 'stable' && name !== 'oldest') throw new Error(`unknown VS Code version '${name}': stable or oldest`);
  return name;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const RUNTIME_DIR = path.join(PROJECT_ROOT, '.vscode-test');

/**
 * Runs test/vscode/setup.sh for one pinned VS Code version (idempotent: about a second when everything is
 * present) and reads what it wrote.
 */
export function ensureRuntime(version: VscodeVersionName = 'stable'): Runtime {
  const setup = path.join(PROJECT_ROOT, 'test', 'vscode', 'setup.sh');
  const result = spawnSync('bash', [setup, RUNTIME_DIR, version], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`test runtime setup failed (exit ${result.status}); see ${RUNTIME_DIR}`);
  const pinned = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'vscode', 'versions.json'), 'utf8'))[version];
  const installed = JSON.parse(fs.readFileSync(path.join(RUNTIME_DIR, `env-${version}.json`), 'utf8'));
  const runtime: Runtime = { ...installed, smokeTestDriverOption: pinned.smokeTestDriverOption === true };
  if (!runtime.chrome) throw new Error('Chromium was not found: install the chromium package or set CHROME_PATH');
  return runtime;
}

/** A fresh folder for one run's servers, browsers and workspaces, under the git-ignored runtime folder. */
export function makeRunDir(label: string): string {
  const dir = path.join(RUNTIME_DIR, 'runs', `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Copies test/fixtures/workspace into a new folder, so tests may edit files freely. */
export function makeWorkspace(runDir: string): string {
  const workspace = path.join(runDir, 'workspace');
  const fixtures = path.join(PROJECT_ROOT, 'test', 'fixtures', 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  if (fs.existsSync(fixtures)) fs.cpSync(fixtures, workspace, { recursive: true });
  return workspace;
}
