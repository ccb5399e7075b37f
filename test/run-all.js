#!/usr/bin/env node
// `npm test`: typecheck, lint, build, unit, integration (real VS Code, newest and oldest supported), e2e
// (installed VSIX in the workbench).
// Every stage runs even when an earlier one fails, so one run shows everything; the exit code is non-zero on any
// failure. Mocha's own summary lines are printed by each stage, and a total closes the run.
const { spawn } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const stages = [
  { name: 'typecheck', cmd: 'npm', args: ['run', '--silent', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'format', cmd: 'npm', args: ['run', '--silent', 'format:check'] },
  { name: 'build', cmd: 'node', args: ['esbuild.js', '--tests'] },
  { name: 'unit', cmd: 'npx', args: ['mocha', '--config', 'test/unit/.mocharc.json'], needs: 'build' },
  // The integration suites run on the newest VS Code and on the oldest that engines.vscode claims
  // (test/vscode/versions.json), side by side (they mostly wait on timers and the emulator, so two at once take
  // little longer than one); the UI tests then on the newest, alone, as they are sensitive to a busy CPU.
  { name: 'integration', cmd: 'node', args: ['out/test/vscode/runIntegration.js', '--vscode', 'stable'], needs: 'build', runtime: true },
  {
    name: 'integration-oldest',
    cmd: 'node',
    args: ['out/test/vscode/runIntegration.js', '--vscode', 'oldest'],
    needs: 'build',
    runtime: true,
    alongside: 'integration',
  },
  { name: 'e2e', cmd: 'node', args: ['out/test/vscode/runE2e.js'], needs: 'build', runtime: true },
];
const only = process.argv.slice(2);
const selected = stages.filter((stage) => !only.length || only.includes(stage.name));

/**
 * Installs the test runtime while the first stages run, so a fresh clone does not wait for it twice: the system
 * packages first, then both VS Code versions side by side (mostly downloads and native builds that wait on each
 * other less than they would in turn). The runners call setup.sh themselves too (then it takes a second); this
 * only gets there first. Its output goes to a log file; a failure is reported again, exactly, by the runner's call.
 */
function prepareRuntime() {
  const log = path.join(root, '.vscode-test', 'prepare.log');
  require('fs').mkdirSync(path.dirname(log), { recursive: true });
  const started = Date.now();
  const setup = (version) => `bash test/vscode/setup.sh .vscode-test ${version}`;
  const script = `${setup('system')} && { ${setup('stable')} & s=$!; ${setup('oldest')} & o=$!; wait $s; a=$?; wait $o; exit $((a || $?)); }`;
  return new Promise((resolve) => {
    const out = require('fs').openSync(log, 'w');
    const child = spawn('bash', ['-c', script], { cwd: root, stdio: ['ignore', out, out] });
    child.on('close', (code) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      resolve(`runtime: ${code === 0 ? 'ok' : `FAILED (exit ${code}), see ${log}`} in ${secs}s (in the background)`);
    });
  });
}

/** Runs a stage; its output streams through unless `quiet` (a stage running alongside another prints at its end). */
function run(stage, quiet = false) {
  return new Promise((resolve) => {
    const child = spawn(stage.cmd, stage.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const relay = (stream) => (chunk) => {
      text += chunk.toString();
      if (!quiet) stream.write(chunk);
    };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

/** Adds up mocha's "N passing / N failing / N pending" lines. */
function count(text) {
  const take = (word) => [...text.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  return { passed: take('passing'), failed: take('failing'), skipped: take('pending') };
}

(async () => {
  const total = { passed: 0, failed: 0, skipped: 0 };
  const results = [];
  const failedStages = new Set();
  const runtime = selected.some((stage) => stage.runtime) ? prepareRuntime() : undefined;
  let runtimeReported = false;
  // A stage marked `alongside` starts with the stage it names (when both are selected) and reports after it.
  const companions = new Map(
    selected.filter((s) => s.alongside && selected.some((t) => t.name === s.alongside)).map((s) => [s.alongside, s]),
  );
  const started = new Map();
  const start = (stage, quiet) => {
    const at = Date.now();
    started.set(
      stage.name,
      run(stage, quiet).then((result) => ({ ...result, secs: ((Date.now() - at) / 1000).toFixed(1) })),
    );
  };
  for (const stage of selected) {
    if (stage.runtime && !runtimeReported) {
      runtimeReported = true;
      results.push(await runtime);
    }
    if (stage.needs && failedStages.has(stage.needs)) {
      results.push(`${stage.name}: skipped (${stage.needs} failed)`);
      failedStages.add(stage.name);
      continue;
    }
    const companion = companions.get(stage.name);
    const runningAlready = started.has(stage.name);
    if (!runningAlready) {
      console.log(`\n=== ${stage.name}${companion ? ` (${companion.name} runs alongside; its output follows)` : ''} ===`);
      start(stage, false);
      if (companion) start(companion, true);
    }
    const { code, text, secs } = await started.get(stage.name);
    if (runningAlready) {
      console.log(`\n=== ${stage.name} (ran alongside ${stage.alongside}) ===`);
      process.stdout.write(text);
    }
    const counts = count(text);
    for (const key of Object.keys(total)) total[key] += counts[key];
    const tally = counts.passed + counts.failed ? ` (${counts.passed} passed, ${counts.failed} failed)` : '';
    results.push(`${stage.name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`}${tally} in ${secs}s`);
    if (code !== 0) failedStages.add(stage.name);
  }
  console.log('\n=== summary ===');
  for (const line of results) console.log(line);
  if (failedStages.size) total.failed = Math.max(total.failed, 1);
  console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(failedStages.size ? 1 : 0);
})();
