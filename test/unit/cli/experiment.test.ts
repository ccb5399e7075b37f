// `experiment build | score | judge` through runCli, with the batches run by the emulator: answers chosen by
// [[answer…]] directives in the dataset, judge verdicts by [[verdict…]] in the replies.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../src/cli/command';
import { useEmulator } from '../api/helpers';
import { runCaptured } from './helpers';

const V3 = 'deepseek-ai/DeepSeek-V3';
const LLAMA = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';

const EXPERIMENT = `prompts:
  - label: terse
    messages:
      - {role: system, content: "One word: positive, negative or neutral."}
      - {role: user, content: "{{review}}"}
providers:
  - ${V3}
  - id: ${LLAMA}
    label: llama
    config: {temperature: 0}
tests: file://reviews.csv
defaultTest:
  assert:
    - type: icontains
      value: "{{label}}"
    - type: llm-rubric
      value: The answer is a single word
kluster:
  judge:
    model: ${V3}
`;

// Row 1: both models right. Row 2: llama disagrees. Row 3: both right, llama's judged as failing.
const CSV = [
  'review,label',
  '"Loved it [[answer:positive]]",positive',
  '"Dull [[answer:negative]] [[answer@Llama:positive]]",negative',
  '"Fine [[answer:neutral]] [[answer@Llama:neutral <<verdict:fail 0.25>>]]",neutral',
].join('\n');

describe('CLI experiment commands against the emulator', () => {
  const f = useEmulator();
  const env = () => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });
  const cli = (args: string[]) => runCaptured(args, env());
  let exp: string;

  beforeEach(async () => {
    exp = path.join(f.dir, 'reviews.experiment.yaml');
    await fs.writeFile(exp, EXPERIMENT);
    await fs.writeFile(path.join(f.dir, 'reviews.csv'), CSV);
  });

  it('build → submit → score → judge → submit → score --judge: real pass rates, a disagreement and judge scores', async () => {
    const build = await cli(['experiment', 'build', exp]);
    assert.strictEqual(build.code, ExitCode.ok, build.err);
    const batch = path.join(f.dir, 'reviews.batch.jsonl');
    assert.strictEqual(build.out.trim(), `Wrote 6 requests to ${batch}`);

    const results = path.join(f.dir, 'results.jsonl');
    const submit = await cli(['submit', batch, '--wait', '--out', results]);
    assert.strictEqual(submit.code, ExitCode.ok, submit.err);

    const unjudged = await cli(['--json', 'experiment', 'score', exp, results]);
    assert.strictEqual(unjudged.code, ExitCode.ok, unjudged.err);
    const before = JSON.parse(unjudged.out) as { columns: { passed: number; failed: number; errors: number }[] };
    // Without the judge, llm-rubric is undecided: an error unless another assertion already failed.
    assert.deepStrictEqual(
      before.columns.map((c) => [c.passed, c.failed, c.errors]),
      [
        [0, 0, 3],
        [0, 1, 2],
      ],
    );

    const judge = path.join(f.dir, 'judge.jsonl');
    const judgeRun = await cli(['experiment', 'judge', exp, results, '--out', judge]);
    assert.strictEqual(judgeRun.code, ExitCode.ok, judgeRun.err);
    assert.strictEqual(judgeRun.out.trim(), `Wrote 6 judge requests to ${judge}`);
    const judgeResults = path.join(f.dir, 'judge-results.jsonl');
    assert.strictEqual((await cli(['submit', judge, '--wait', '--out', judgeResults])).code, ExitCode.ok);

    const scored = await cli(['--json', 'experiment', 'score', exp, results, '--judge', judgeResults]);
    assert.strictEqual(scored.code, ExitCode.ok, scored.err);
    const report = JSON.parse(scored.out) as { columns: Record<string, unknown>[] };
    assert.deepStrictEqual(
      report.columns.map((c) => [c.prompt, c.provider, c.passed, c.failed, c.errors, c.total, c.passRate, c.judgeScore]),
      [
        ['terse', V3, 3, 0, 0, 3, 1, 1],
        ['terse', 'llama', 1, 2, 0, 3, 1 / 3, 0.75],
      ],
    );

    const gate = await cli(['experiment', 'score', exp, results, '--judge', judgeResults, '--fail-under', '0.5']);
    assert.strictEqual(gate.code, ExitCode.findings);
    assert.match(
      gate.out,
      /^PROMPT\s+PROVIDER\s+PASSED\s+FAILED\s+ERRORS\s+TOTAL\s+PASS RATE\s+JUDGE\nterse\s+deepseek-ai\/DeepSeek-V3\s+3\s+0\s+0\s+3\s+100\.0%\s+1\.00\n/,
    );
    assert.match(gate.err, /terse × llama: pass rate 33\.3% is under 50\.0%/);
    assert.strictEqual(
      (await cli(['experiment', 'score', exp, results, '--judge', judgeResults, '--fail-under', '0.3'])).code,
      ExitCode.ok,
    );
  });

  it('build prints experiment errors as file:line:col and writes nothing', async () => {
    await fs.writeFile(
      exp,
      EXPERIMENT.replace('content: "{{review}}"', 'content: "{{reveiw}}"').replace('type: icontains', 'type: icontain'),
    );
    const before = await fs.readdir(f.dir);
    const run = await cli(['experiment', 'build', exp]);
    assert.strictEqual(run.code, ExitCode.findings);
    assert.match(
      run.err,
      new RegExp(
        `^${exp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:32: error experiment.unknownVariable: No test row defines \`reveiw\`. Did you mean \`review\`\\?$`,
        'm',
      ),
    );
    assert.match(run.err, /:14:13: error experiment.assertionType: Unknown assertion type `icontain`. Did you mean `icontains`\?/);
    assert.match(run.err, /2 errors; nothing was written\./);
    assert.deepStrictEqual(await fs.readdir(f.dir), before);
  });

  it('build prints every problem of the file at once, an invalid value hiding none', async () => {
    await fs.writeFile(
      exp,
      EXPERIMENT.replace('{role: system,', '{role: robot,')
        .replace(`  - ${V3}\n`, '  - deepseek-ai/DeepSeek-V9\n')
        .replace('content: "{{review}}"', 'content: "{{reveiw}}"')
        .replace('kluster:\n', 'kluster:\n  completion_window: 2h\n'),
    );
    const run = await cli(['experiment', 'build', exp]);
    assert.strictEqual(run.code, ExitCode.findings);
    const at = run.err
      .split('\n')
      .filter((line) => line.startsWith(`${exp}:`))
      .map((line) =>
        line
          .slice(exp.length + 1)
          .split(':')
          .slice(0, 3)
          .join(':'),
      )
      .filter((line) => /^\d+:\d+:/.test(line));
    assert.deepStrictEqual(at, [
      '4:16: error experiment.invalidValue',
      '5:32: error experiment.unknownVariable',
      '7:5: warning experiment.unknownModel',
      '19:22: error experiment.invalidValue',
    ]);
    assert.match(run.err, /3 errors; nothing was written\./);
  });

  it('build refuses to overwrite without --force, and splits at the free tier cap', async () => {
    const out = path.join(f.dir, 'mine.jsonl');
    await fs.writeFile(out, 'keep');
    const refused = await cli(['experiment', 'build', exp, '--out', out]);
    assert.strictEqual(refused.code, ExitCode.io);
    assert.strictEqual(await fs.readFile(out, 'utf8'), 'keep');
    assert.strictEqual((await cli(['experiment', 'build', exp, '--out', out, '--force'])).code, ExitCode.ok);

    await fs.writeFile(
      path.join(f.dir, 'reviews.csv'),
      ['review,label', ...Array.from({ length: 600 }, (_, i) => `r${i},positive`)].join('\n'),
    );
    const split = await cli(['experiment', 'build', exp, '--out', path.join(f.dir, 'big.jsonl'), '--tier', 'free']);
    assert.strictEqual(split.code, ExitCode.ok, split.err);
    assert.match(
      split.out,
      /^Wrote 1,?200 requests in 2 parts \(over the free tier's 999 requests per file\):\n {2}.*big\.part-1\.jsonl {2}999 requests\n {2}.*big\.part-2\.jsonl {2}201 requests\n$/,
    );
  });

  it('score refuses a --fail-under that is not a rate', async () => {
    const run = await cli(['experiment', 'score', exp, 'r.jsonl', '--fail-under', '80']);
    assert.strictEqual(run.code, ExitCode.usage);
    assert.match(run.err, /--fail-under must be a pass rate from 0 to 1/);
    assert.match(run.err, /0\.8 for 80%/, 'says how to write a percentage');
  });

  it('score names a results path that is a folder, in words', async () => {
    const folder = path.join(path.dirname(exp), 'results-folder');
    await fs.mkdir(folder, { recursive: true });
    const run = await cli(['experiment', 'score', exp, folder]);
    assert.strictEqual(run.code, ExitCode.io);
    assert.strictEqual(run.err, `kluster: Cannot read ${folder}: it is a folder, not a file.\n`);
  });
});
