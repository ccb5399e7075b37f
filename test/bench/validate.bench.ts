// npm run bench: CLI `validate` on two generated 100 MB files (~1 KB lines, and ~170-byte lines, where memory per
// line dominates) against the JSON.parse floor (same run), their peak memory next to the file size, and
// incremental re-validation after one-line edits in a 100k-line document. Prints every figure.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JsonlDocumentValidator } from '../../src/core/jsonl';
import { DOCUMENTED_MODEL_IDS } from '../../src/core/models';
import { bigLines, writeBigFile, type BenchShape } from './genBig';
import { mb, median, runNode, verdict, type Run } from './runNode';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FLOOR = path.join(__dirname, 'jsonParseFloor.js');
const RUNS = Number(process.env.BENCH_RUNS || 3);
const MAX_TIME_RATIO = 2;
const MAX_RSS_RATIO = 1.5;
const MAX_EDIT_MS = 10;
const WARMUP_EDITS = 50;
const MEASURED_EDITS = 300;
const SETTLE_MS = 20;

async function cliBenchmark(shape: BenchShape): Promise<boolean> {
  const dir = path.join(os.tmpdir(), 'kluster-bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, shape === 'long' ? 'big-100.jsonl' : 'short-100.jsonl');
  if (!fs.existsSync(file)) {
    const made = writeBigFile(file, 100, shape);
    console.log(`generated ${file}: ${made.lines} lines, ${made.bytes} bytes`);
  }
  const size = fs.statSync(file).size;
  console.log(`-- ${shape} lines: ${file} (${size} bytes, ${mb(size)}); ${RUNS} alternating runs each`);

  const floor: Run[] = [];
  const validate: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await runNode([FLOOR, file]));
    validate.push(await runNode([CLI, 'validate', file, '--format', 'json']));
  }
  for (const run of validate) {
    // The generated file is valid but just over 100 MiB: a fileTooLarge warning, so exit 0.
    if (run.exitCode !== 0) throw new Error(`validate exited ${run.exitCode}`);
  }
  const floorMs = median(floor.map((r) => r.ms));
  const validateMs = median(validate.map((r) => r.ms));
  const peakRss = Math.max(...validate.map((r) => r.rssBytes));
  const timeRatio = validateMs / floorMs;
  const rssRatio = peakRss / size;
  console.log(
    `json-parse floor:   ${floor.map((r) => r.ms.toFixed(0)).join(', ')} ms → median ${floorMs.toFixed(0)} ms, peak RSS ${mb(Math.max(...floor.map((r) => r.rssBytes)))}`,
  );
  console.log(`cli validate:       ${validate.map((r) => r.ms.toFixed(0)).join(', ')} ms → median ${validateMs.toFixed(0)} ms`);
  // The time target is for ~1 KB lines; on short lines the per-line schema check outweighs JSON.parse, so that
  // ratio is printed but not judged.
  const timeOk = shape === 'short' || timeRatio <= MAX_TIME_RATIO;
  console.log(
    `time ratio:         ${timeRatio.toFixed(2)}× the floor ${shape === 'short' ? '(not judged for short lines)' : `(target ≤ ${MAX_TIME_RATIO}×) ${verdict(timeOk)}`}`,
  );
  console.log(
    `validate peak RSS:  ${mb(peakRss)} for a ${mb(size)} file = ${rssRatio.toFixed(2)}× the file size (target ≤ ${MAX_RSS_RATIO}×) ${verdict(rssRatio <= MAX_RSS_RATIO)}`,
  );
  return timeOk && rssRatio <= MAX_RSS_RATIO;
}

/**
 * Forces a full collection so a sample does not pay for garbage left by earlier ones (needs --expose-gc), then
 * lets V8's concurrent sweeping of that collection finish, so the sample does not pay for the forced GC either.
 */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does) so each edit sample starts after a full GC');
  gc();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function incrementalBenchmark(): Promise<boolean> {
  const lines: string[] = [];
  for (const line of bigLines(Number.POSITIVE_INFINITY)) {
    lines.push(line.slice(0, -1));
    if (lines.length === 100_000) break;
  }
  const validator = new JsonlDocumentValidator({ knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard' });
  let started = performance.now();
  validator.load(lines);
  validator.checkPending();
  const fullMs = performance.now() - started;
  console.log(`document of ${lines.length} lines: full check ${fullMs.toFixed(0)} ms (done in slices in the editor)`);

  let seed = 3;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const count = () => {
    let n = 0;
    validator.visit(() => n++);
    return n;
  };
  // Each sample: a full GC first (so a sample is not charged for a collection of earlier garbage), then the edit
  // and the visit of every diagnostic the editor publishes after it. Judged on the maximum, not a percentile.
  const measure = async (label: string, edit: (line: number) => void): Promise<boolean> => {
    const sample = async (): Promise<number> => {
      const line = Math.floor(rnd() * (validator.lineCount - 1));
      await collectGarbage();
      started = performance.now();
      edit(line);
      count();
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP_EDITS; i++) await sample();
    const times: number[] = [];
    for (let i = 0; i < MEASURED_EDITS; i++) times.push(await sample());
    const sorted = [...times].sort((a, b) => a - b);
    const max = sorted[sorted.length - 1]!;
    const ok = max <= MAX_EDIT_MS;
    console.log(
      `${label}: ${MEASURED_EDITS} edits after ${WARMUP_EDITS} warm-up, median ${percentile(sorted, 0.5).toFixed(2)} ms, p95 ${percentile(sorted, 0.95).toFixed(2)} ms, max ${max.toFixed(2)} ms (target: max ≤ ${MAX_EDIT_MS} ms) ${verdict(ok)}`,
    );
    return ok;
  };
  const typed = await measure('one-line edit (type a char in a value)', (line) => {
    const text = validator.lineText(line)!;
    validator.applyEdit(line, 1, [text.replace('"temperature":0.5', '"temperature":0.6')]);
  });
  const inserted = await measure('one-line insert + delete (lines shift)', (line) => {
    validator.applyEdit(line, 0, [lines[line]!.replace(/"req-\d+"/, `"new-${line}"`)]);
    validator.applyEdit(line, 1, []);
  });
  const duplicates = await measure('one-line edit that creates a duplicate custom_id', (line) => {
    validator.applyEdit(line, 1, [validator.lineText(line + 1)!]);
  });
  console.log(`diagnostics after the duplicate edits: ${count()}`);
  return typed && inserted && duplicates;
}

async function main(): Promise<void> {
  console.log('== validate.bench ==');
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  // BENCH_ONLY=incremental skips the 100 MB CLI runs.
  const cliOk = process.env.BENCH_ONLY === 'incremental' ? true : [await cliBenchmark('long'), await cliBenchmark('short')].every(Boolean);
  const editOk = await incrementalBenchmark();
  if (!cliOk || !editOk) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
