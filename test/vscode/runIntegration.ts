// Runs the integration suites (test/integration, a standard mocha `run()` index) inside the real extension host
// of an isolated code-server, the way @vscode/test-electron does on the desktop: extensionDevelopmentPath and
// extensionTestsPath, passed here in the workbench URL's payload (the remote authority is literally "remote").
// usage: node out/test/vscode/runIntegration.js [--vscode stable|oldest]   -> exit 0 iff every test passed
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import { launchBrowser, workbenchUrl } from './browser';
import { startCodeServer } from './codeServer';
import { ensureRuntime, makeRunDir, makeWorkspace, PROJECT_ROOT, requestedVersion } from './runtime';

// Messages of an offline workbench that say nothing about the extension under test.
const WORKBENCH_NOISE = /ENOTFOUND|authentication provider|\[AccountPolicyGate\]|\[AgentHost|^\s+at .*workbench\.js/m;

const remote = (p: string): string => `vscode-remote://remote${path.resolve(p)}`;

async function main(): Promise<number> {
  const version = requestedVersion();
  const runtime = ensureRuntime(version);
  console.log(`integration suites on VS Code ${runtime.vscodeVersion} (code-server ${runtime.codeServerVersion}, ${version})`);
  const runDir = makeRunDir(`integration-${version}`);
  const workspace = makeWorkspace(runDir);
  const serverDir = path.join(runDir, 'server');
  const server = await startCodeServer(runtime, serverDir, {
    smokeTestDriver: true,
    // KLUSTER_TEST_USER_DATA lets suites read the extension's own log files, as a person would.
    env: { KLUSTER_TEST_WORKSPACE: workspace, KLUSTER_TEST_USER_DATA: path.join(serverDir, 'ud'), MOCHA_GREP: process.env.MOCHA_GREP },
  });
  const browser = await launchBrowser(runtime, runDir);
  try {
    let finish: (code: number | 'timeout') => void = () => undefined;
    const exited = new Promise<number | 'timeout'>((resolve) => (finish = resolve));
    // The workbench reports the suite's output and end through these two hooks.
    const log = fs.createWriteStream(path.join(runDir, 'workbench.log'));
    await browser.page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const text = util.format(...(Array.isArray(args) ? args : [args]));
      log.write(text + '\n');
      // The workbench's own offline complaints go to the log file only; the suite's output goes to the console.
      if (!WORKBENCH_NOISE.test(text)) console.log(text);
    });
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', remote(PROJECT_ROOT)],
      ['extensionTestsPath', remote(path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index.js'))],
      ['skipWelcome', 'true'],
    ];
    await browser.page.goto(workbenchUrl(server.url, workspace, payload));
    const limitMs = Number(process.env.TEST_TIMEOUT_MS || 600_000);
    const timer = setTimeout(() => finish('timeout'), limitMs);
    const code = await exited;
    clearTimeout(timer);
    if (code !== 0) {
      await browser.page.screenshot({ path: path.join(runDir, 'failure.png') }).catch(() => undefined);
      console.error(`integration tests ended: ${code}; server output and screenshot in ${runDir}`);
    }
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
