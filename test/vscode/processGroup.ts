// Every process a test starts runs in its own process group and is stopped by group, even on failure.
import { spawn, type ChildProcess, type SpawnOptions } from 'child_process';

/** Signals every process in the child's group; helpers may outlive the leader, so this runs even after it exited. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

// One set and one set of handlers per process: each e2e test file is its own bundle with its own copy of this
// module, and one handler per copy went over Node's listener warning limit.
const LIVE = Symbol.for('kluster.test.processGroups');
const shared = globalThis as { [LIVE]?: Set<ChildProcess> };
const live = (shared[LIVE] ??= watchRunnerExit(new Set<ChildProcess>()));

/** Last resort when the runner itself dies: nothing it started may outlive it. */
function watchRunnerExit(children: Set<ChildProcess>): Set<ChildProcess> {
  process.on('exit', () => {
    for (const child of children) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const child of children) killGroup(child, 'SIGKILL');
      process.exit(130);
    });
  }
  return children;
}

/** Spawns `command` as the leader of a new process group. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM to the whole group, then SIGKILL after `graceMs`. Resolves once the leader has exited. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL'); // helpers of an exited leader may linger
    live.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL');
  live.delete(child);
}
