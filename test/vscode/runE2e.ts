// Packages the production VSIX, then runs the e2e mocha suites (test/e2e), each of which installs it into a
// fresh code-server and drives the workbench with Chromium.
// usage: node out/test/vscode/runE2e.js [--no-package]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { PROJECT_ROOT } from './runtime';

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(dir, name))
    .sort();
}

async function main(): Promise<number> {
  if (!process.argv.includes('--no-package')) {
    const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    if (result.status !== 0) {
      console.error('npm run package failed');
      return 1;
    }
  }
  // One retry per test: a real workbench on two busy cores sometimes misses a UI step's timing. A test that fails
  // twice fails the run; retried tests are listed at the end so flakiness stays visible.
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, reporter: 'spec', retries: 1 });
  const retried: string[] = [];
  if (process.env.MOCHA_GREP) mocha.grep(process.env.MOCHA_GREP);
  for (const file of findTests(path.join(PROJECT_ROOT, 'out', 'test', 'e2e'))) mocha.addFile(file);
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    // The first attempt's error is the real cause: a stateful test's retry often fails differently.
    runner.on('retry', (test: Mocha.Test, error: Error) =>
      retried.push(
        `${test.fullTitle()}\n    first attempt: ${String(error?.stack ?? error)
          .split('\n')
          .slice(0, 6)
          .join('\n    ')}`,
      ),
    );
  });
  for (const title of retried) console.log(`retried once: ${title}`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
