// The same integration suites under @vscode/test-electron, for machines that can download VS Code
// (or set VSCODE_EXECUTABLE_PATH to an installed one). Not part of `npm test`: CI here is offline.
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { makeRunDir, makeWorkspace, PROJECT_ROOT } from './runtime';

async function main(): Promise<void> {
  const runDir = makeRunDir('desktop');
  const workspace = makeWorkspace(runDir);
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
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
