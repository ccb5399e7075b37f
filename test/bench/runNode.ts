// Shared by the benchmarks: a node child process timed, with its peak RSS and CPU time (reported by reportRss.js).
import { spawn } from 'child_process';
import * as path from 'path';

const PRELOAD = path.join(__dirname, 'reportRss.js');

export interface Run {
  readonly ms: number;
  readonly rssBytes: number;
  /** User + system CPU time: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly exitCode: number | null;
}

export function runNode(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-r', PRELOAD, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const ms = performance.now() - started;
      const rss = /__PEAK_RSS_KB__ (\d+)/.exec(stderr);
      if (!rss) return reject(new Error(`no RSS report from ${args.join(' ')}: ${stderr}`));
      const cpu = /__CPU_US__ (\d+)/.exec(stderr);
      resolve({ ms, rssBytes: Number(rss[1]) * 1024, cpuMs: Number(cpu?.[1] ?? NaN) / 1000, exitCode });
    });
  });
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
export const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
export const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
