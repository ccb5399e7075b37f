// npm run bench: an experiment of 10,000 rows × 2 prompts × 3 providers (60,000 requests) builds in ≤ 3 s
// streaming to disk, and scoring its 60,000 results takes ≤ 2× reading and parsing them (same run).
// Prints both ratios; exits 1 when either is over its limit. Medians of BENCH_RUNS runs (default 3).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBatch, loadExperiment, scoreResults } from '../../src/core/experiments';
import { readLines } from '../../src/core/results/join';
import { DOCUMENTED_MODEL_IDS } from '../../src/core/models';

const ROWS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS || 3);
const MAX_BUILD_MS = 3000;
const MAX_SCORE_RATIO = 2;

const EXPERIMENT = `prompts:
  - label: terse
    messages:
      - {role: system, content: "Answer with one word: positive, negative or neutral."}
      - {role: user, content: "{{review}}"}
  - "Classify the sentiment of this review: {{ review }}"
providers:
  - deepseek-ai/DeepSeek-V3
  - id: klusterai/Meta-Llama-3.3-70B-Instruct-Turbo
    config: {temperature: 0, max_completion_tokens: 10}
  - id: klusterai/Meta-Llama-3.1-8B-Instruct-Turbo
    config: {temperature: 0}
tests: file://reviews.csv
defaultTest:
  assert:
    - {type: icontains, value: "{{label}}"}
    - {type: not-contains, value: sorry}
`;

const LABELS = ['positive', 'negative', 'neutral'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'experiment-bench-'));
  try {
    const rows = Array.from(
      { length: ROWS },
      (_, i) => `"Review ${i}: the film was, as they say, ""${LABELS[i % 3]}"" — and long.",${LABELS[i % 3]},`,
    );
    fs.writeFileSync(path.join(dir, 'reviews.csv'), `review,label,__expected\n${rows.join('\n')}\n`);
    const file = path.join(dir, 'bench.experiment.yaml');
    fs.writeFileSync(file, EXPERIMENT);

    const builds: number[] = [];
    let lines = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const loaded = await loadExperiment(file, { knownModels: DOCUMENTED_MODEL_IDS });
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
      const built = await buildBatch(loaded.experiment!, loaded.tests, path.join(dir, 'batch.jsonl'), {
        knownModels: DOCUMENTED_MODEL_IDS,
        tier: 'standard',
        overwrite: true,
      });
      builds.push(performance.now() - started);
      lines = built.lines;
    }

    // Results in the joined format, one per request, in input order.
    const batch = fs.readFileSync(path.join(dir, 'batch.jsonl'), 'utf8').trimEnd().split('\n');
    const results = batch.map((line, i) => {
      const { custom_id } = JSON.parse(line) as { custom_id: string };
      const content = `${LABELS[Math.floor(i / 6) % 3]}${i % 7 === 0 ? ' sorry' : ''}`;
      return JSON.stringify({
        custom_id,
        input_line: i + 1,
        status: 'succeeded',
        id: `r${i}`,
        response: {
          status_code: 200,
          request_id: `q${i}`,
          body: {
            id: `c${i}`,
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 40, completion_tokens: 2, total_tokens: 42 },
          },
        },
        error: null,
      });
    });
    const resultsPath = path.join(dir, 'results.jsonl');
    fs.writeFileSync(resultsPath, results.join('\n') + '\n');
    const loaded = await loadExperiment(file, { knownModels: DOCUMENTED_MODEL_IDS });

    const floors: number[] = [];
    const scores: number[] = [];
    let passRates = '';
    for (let run = 0; run < RUNS; run++) {
      let started = performance.now();
      let parsed = 0;
      for await (const line of readLines(resultsPath)) if (line.text.trim() && JSON.parse(line.text)) parsed++;
      floors.push(performance.now() - started);
      if (parsed !== results.length) throw new Error(`read ${parsed} of ${results.length}`);
      started = performance.now();
      const report = await scoreResults(loaded.experiment!, loaded.tests, resultsPath);
      scores.push(performance.now() - started);
      passRates = report.columns.map((c) => `${c.prompt}×${c.provider.split('/').pop()} ${(c.passRate * 100).toFixed(1)}%`).join(', ');
      if (report.columns.reduce((n, c) => n + c.total, 0) !== results.length) throw new Error('scored the wrong number of results');
    }

    const build = median(builds);
    const floor = median(floors);
    const score = median(scores);
    const buildRatio = build / MAX_BUILD_MS;
    const scoreRatio = score / floor;
    console.log(
      `experiment build: ${lines.toLocaleString('en-US')} requests in ${build.toFixed(0)} ms; ratio to the 3 s budget ${buildRatio.toFixed(2)} (limit 1.00)`,
    );
    console.log(
      `experiment score: ${results.length.toLocaleString('en-US')} results in ${score.toFixed(0)} ms vs read+parse ${floor.toFixed(0)} ms; ratio ${scoreRatio.toFixed(2)} (limit ${MAX_SCORE_RATIO.toFixed(2)})`,
    );
    console.log(`pass rates: ${passRates}`);
    if (buildRatio > 1 || scoreRatio > MAX_SCORE_RATIO) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
