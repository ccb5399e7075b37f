// The same integration suites under @vscode/test-electron, for machines that can download VS Code
// (or set VSCODE_EXECUTABLE_PATH to an installed one). Not part of `npm test`: CI here is offline.
// usage: node out/test/vscode/runDesktop.js [--vscode stable|oldest]   (oldest: the pinned minimum, 1.100.3)
import * as fs from 'fs';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { makeRunDir, makeWorkspace, PROJECT_ROOT, requestedVersion } from './runtime';

async function main(): Promise<void> {
  const name = requestedVersion();
  const pinned = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'vscode', 'versions.json'), 'utf8'))[name];
  const runDir = makeRunDir(`desktop-${name}`);
  const workspace = makeWorkspace(runDir);
  await runTests({
    // The same pinned versions as the offline harness, unless VSCODE_VERSION names another.
    version: process.env.VSCODE_VERSION ?? pinned.vscode,
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH,
    extensionDevelopmentPath: PROJECT_ROOT,
    extensionTestsPath: path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--user-data-dir', path.join(runDir, 'ud')],
    extensionTestsEnv: { KLUSTER_TEST_WORKSPACE: workspace, KLUSTER_TEST_USER_DATA: path.join(runDir, 'ud'), KLUSTER_API_KEY: undefined },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
