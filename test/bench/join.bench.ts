// npm run bench: the results join (input + output + error file → results in input order) against the floor of
// reading those files and JSON.parse-ing every line, measured in the same run, and its peak RSS against the output.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCH_MODELS, writeBigFile } from './genBig';
import { writeBatchOutput } from './genResults';
import { mb, median, runNode, verdict } from './runNode';

const FLOOR = path.join(__dirname, 'jsonParseFloor.js');
const JOIN = path.join(__dirname, 'joinRun.js');
const RUNS = Number(process.env.BENCH_RUNS || 3);
const MAX_TIME_RATIO = 2;
const MAX_RSS_RATIO = 1.5;
/** About the 82 MB of output the issue measured. */
const INPUT_MB = 64;

async function main(): Promise<void> {
  console.log('== join.bench ==');
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  const dir = path.join(os.tmpdir(), 'kluster-bench');
  fs.mkdirSync(dir, { recursive: true });
  const input = path.join(dir, `join-input-${INPUT_MB}.jsonl`);
  const output = path.join(dir, `join-output-${INPUT_MB}.jsonl`);
  const errors = path.join(dir, `join-errors-${INPUT_MB}.jsonl`);
  const dest = path.join(dir, `join-results-${INPUT_MB}.jsonl`);
  if (!fs.existsSync(output)) {
    const { lines } = writeBigFile(input, INPUT_MB);
    writeBatchOutput(output, errors, lines, BENCH_MODELS);
  }
  const sizes = [input, output, errors].map((f) => fs.statSync(f).size);
  console.log(`input ${mb(sizes[0]!)}, output ${mb(sizes[1]!)}, errors ${mb(sizes[2]!)}; ${RUNS} alternating runs each`);

  const floor = [];
  const join = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await runNode([FLOOR, input, output, errors]));
    join.push(await runNode([JOIN, input, output, errors, dest]));
  }
  for (const run of join) if (run.exitCode !== 0) throw new Error(`join exited ${run.exitCode}`);
  const floorMs = median(floor.map((r) => r.ms));
  const joinMs = median(join.map((r) => r.ms));
  const peakRss = Math.max(...join.map((r) => r.rssBytes));
  const timeRatio = joinMs / floorMs;
  const cpuRatio = median(join.map((r) => r.cpuMs)) / median(floor.map((r) => r.cpuMs));
  const rssRatio = peakRss / sizes[1]!;
  console.log(`json-parse floor:   ${floor.map((r) => r.ms.toFixed(0)).join(', ')} ms → median ${floorMs.toFixed(0)} ms (all three files)`);
  console.log(
    `join:               ${join.map((r) => r.ms.toFixed(0)).join(', ')} ms → median ${joinMs.toFixed(0)} ms, results ${mb(fs.statSync(dest).size)}`,
  );
  console.log(
    `join time ratio:    ${timeRatio.toFixed(2)}× the floor (target ≤ ${MAX_TIME_RATIO}×) ${verdict(timeRatio <= MAX_TIME_RATIO)}`,
  );
  console.log(`join CPU ratio:     ${cpuRatio.toFixed(2)}× the floor's CPU time (user + system; for a busy machine, not judged)`);
  console.log(
    `join peak RSS:      ${mb(peakRss)} = ${rssRatio.toFixed(2)}× the output file (target ≤ ${MAX_RSS_RATIO}×) ${verdict(rssRatio <= MAX_RSS_RATIO)}`,
  );
  fs.rmSync(dest, { force: true });
  if (timeRatio > MAX_TIME_RATIO || rssRatio > MAX_RSS_RATIO) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
