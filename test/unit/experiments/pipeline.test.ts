import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildBatch,
  buildJudgeBatch,
  judgeId,
  loadExperiment,
  parseJudgeId,
  parseJudgeReply,
  parseRequestId,
  partPath,
  readJudgeVerdicts,
  requestId,
  scoreResults,
  type ScoredCell,
} from '../../../src/core/experiments';
import { validateText } from '../../../src/core/jsonl';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import { DestinationError, FileExistsError } from '../../../src/core/util/atomicFile';

const OPTIONS = { knownModels: DOCUMENTED_MODEL_IDS };
const V3 = 'deepseek-ai/DeepSeek-V3';
const LLAMA = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';

const EXPERIMENT = `prompts:
  - label: terse
    messages:
      - role: system
        content: "One word."
      - role: user
        content: "{{review}}"
  - "Classify: {{ review }}"
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
`;

const CSV = 'review,label,__expected\n"Loved it, ""great""",positive,\nMeh & <b>,neutral,not-contains:sorry\nAwful,negative,\n';

/** A joined result line (results/join.ts format) answering `id` with `content`. */
const ok = (id: string, content: string, usage = { prompt_tokens: 10, completion_tokens: 2 }) =>
  JSON.stringify({
    custom_id: id,
    input_line: 1,
    status: 'succeeded',
    id: 'r',
    response: { status_code: 200, body: { choices: [{ message: { role: 'assistant', content } }], usage } },
    error: null,
  });
const failed = (id: string) =>
  JSON.stringify({
    custom_id: id,
    input_line: 1,
    status: 'failed',
    id: 'r',
    response: null,
    error: { code: 'server_error', message: 'boom' },
  });

describe('experiment pipeline: build, score, judge', () => {
  let dir: string;
  let file: string;
  const write = async (name: string, text: string) => {
    const at = path.join(dir, name);
    await fs.writeFile(at, text);
    return at;
  };
  const load = async (text = EXPERIMENT, csv = CSV) => {
    file = await write('sentiment.experiment.yaml', text);
    await write('reviews.csv', csv);
    return loadExperiment(file, OPTIONS);
  };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'experiment-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('on a full disk, rejects naming the batch file and its folder, and leaves no part or temp file', async function () {
    if (process.getuid?.() !== 0) this.skip(); // mounting a small tmpfs needs root
    this.timeout(30_000);
    // 4,000 rows × 2 prompts × 2 providers of ~1 KB each: about 16 MB, eight times what the disk holds.
    const rows = Array.from({ length: 4000 }, (_, i) => `"review ${i} ${'x'.repeat(900)}",positive,`).join('\n');
    const loaded = await load(EXPERIMENT, `review,label,__expected\n${rows}\n`);
    const mount = await fs.mkdtemp(path.join(os.tmpdir(), 'full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
    try {
      const dest = path.join(mount, 'batch.jsonl');
      const error = await buildBatch(loaded.experiment!, loaded.tests, dest, { ...OPTIONS, tier: 'standard' }).then(
        () => assert.fail('the build succeeded on a full disk'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DestinationError, String(error));
      assert.strictEqual(error.message, `Cannot write ${dest}: the disk holding ${mount} is full.`);
      assert.deepStrictEqual(await fs.readdir(mount), [], 'neither the batch nor a temp file');
    } finally {
      execFileSync('umount', [mount]);
      await fs.rm(mount, { recursive: true, force: true });
    }
  });

  it('custom_ids round-trip row, prompt and provider (and the judged assertion)', () => {
    for (const key of [
      { row: 1, prompt: 1, provider: 1 },
      { row: 10000, prompt: 2, provider: 3 },
    ]) {
      assert.deepStrictEqual(parseRequestId(requestId(key)), key);
      assert.deepStrictEqual(parseJudgeId(judgeId({ ...key, assertion: 4 })), { ...key, assertion: 4 });
    }
    assert.strictEqual(parseRequestId('request-1'), undefined);
    assert.strictEqual(parseRequestId(judgeId({ row: 1, prompt: 1, provider: 1, assertion: 1 })), undefined);
  });

  it('builds one valid batch line per row × prompt × provider, values inserted as written', async () => {
    const loaded = await load();
    assert.deepStrictEqual(loaded.problems, []);
    const out = path.join(dir, 'batch.jsonl');
    const built = await buildBatch(loaded.experiment!, loaded.tests, out, { ...OPTIONS, tier: 'standard' });
    assert.strictEqual(built.lines, 3 * 2 * 2);
    assert.deepStrictEqual(
      built.parts.map((p) => [p.path, p.lines]),
      [[out, 12]],
    );
    const text = await fs.readFile(out, 'utf8');
    assert.deepStrictEqual(validateText(text, { ...OPTIONS, tier: 'standard' }).diagnostics, []);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { custom_id: string; body: { model: string; temperature?: number; messages: { content: string }[] } });
    assert.deepStrictEqual(
      lines.slice(0, 4).map((l) => [l.custom_id, l.body.model, l.body.temperature]),
      [
        ['exp-r1-p1-m1', V3, undefined],
        ['exp-r1-p1-m2', LLAMA, 0],
        ['exp-r1-p2-m1', V3, undefined],
        ['exp-r1-p2-m2', LLAMA, 0],
      ],
    );
    assert.deepStrictEqual(lines[0]!.body.messages, [
      { role: 'system', content: 'One word.' },
      { role: 'user', content: 'Loved it, "great"' },
    ]);
    assert.strictEqual(lines[6]!.body.messages[0]!.content, 'Classify: Meh & <b>');
    assert.deepStrictEqual(new Set(lines.map((l) => l.custom_id)).size, 12);
  });

  it('validates every line of every part, at its line number in the part', async () => {
    const loaded = await load();
    const out = path.join(dir, 'shapes.jsonl');
    // llama is unknown to this validator: each of its lines gets a warning, in whichever part and row it is.
    const options = { knownModels: new Set([V3]), tier: 'standard' as const, maxLines: 5, overwrite: true };
    const built = await buildBatch(loaded.experiment!, loaded.tests, out, options);
    const parts = [1, 2, 3].map((n) => partPath(out, n));
    const expected: [string, number, string][] = [];
    for (const part of parts) {
      const lines = (await fs.readFile(part, 'utf8')).trimEnd().split('\n');
      lines.forEach((line, i) => line.includes(LLAMA) && expected.push([path.basename(part), i, 'kluster.unknownModel']));
    }
    assert.strictEqual(expected.length, 6, 'one llama line per row × prompt');
    assert.deepStrictEqual(
      built.diagnostics.map((d) => [path.basename(d.file), d.diagnostic.line, d.diagnostic.code]),
      expected,
    );
  });

  it('a request over the byte cap on its own is an error naming its row, and nothing is written', async () => {
    const loaded = await load(EXPERIMENT, `review,label\nshort,positive\n${'x'.repeat(5000)},negative\nok,neutral\n`);
    assert.ok(loaded.ok, JSON.stringify(loaded.problems));
    const out = path.join(dir, 'capped.jsonl');
    const built = await buildBatch(loaded.experiment!, loaded.tests, out, { ...OPTIONS, tier: 'standard', maxBytes: 2000 });
    assert.deepStrictEqual(built.parts, []);
    const errors = built.diagnostics.filter((d) => d.diagnostic.severity === 'error');
    assert.ok(errors.length >= 1, JSON.stringify(built.diagnostics));
    assert.strictEqual(errors[0]!.diagnostic.code, 'kluster.fileTooLarge');
    assert.match(
      errors[0]!.diagnostic.message,
      /^Row 2 \(prompt terse, provider deepseek-ai\/DeepSeek-V3\) makes a request of 5,\d{3} bytes/,
    );
    assert.match(errors[0]!.diagnostic.message, /over the 2,000 bytes a batch file may hold: no part can take it/);
    assert.deepStrictEqual(
      (await fs.readdir(dir)).filter((name) => name.includes('capped')),
      [],
      'no part and no temp file',
    );
  });

  it('an llm-rubric from the dataset needs a judge model too: one error at the first such row, counting the rest', async () => {
    const csv = 'review,label,__expected\ngood,positive,llm-rubric:is kind\nbad,negative,\nmeh,neutral,llm-rubric:is calm\n';
    const loaded = await load(EXPERIMENT, csv);
    assert.strictEqual(loaded.ok, false);
    const problems = loaded.problems.filter((p) => p.code === 'experiment.noJudgeModel');
    assert.deepStrictEqual(
      problems.map((p) => [path.basename(p.file), p.range.start.line]),
      [['reviews.csv', 1]],
    );
    assert.match(problems[0]!.message, /llm-rubric needs a judge model: set `kluster.judge.model`.*\(2 rows of the dataset have one\)/);
    const judged = await load(`${EXPERIMENT}kluster:\n  judge:\n    model: ${V3}\n`, csv);
    assert.deepStrictEqual(judged.problems, []);
  });

  it('never overwrites an existing batch file unless asked', async () => {
    const loaded = await load();
    const out = await write('batch.jsonl', 'keep me\n');
    await assert.rejects(buildBatch(loaded.experiment!, loaded.tests, out, { ...OPTIONS, tier: 'standard' }), FileExistsError);
    assert.strictEqual(await fs.readFile(out, 'utf8'), 'keep me\n');
    assert.deepStrictEqual((await fs.readdir(dir)).sort(), ['batch.jsonl', 'reviews.csv', 'sentiment.experiment.yaml']);
    await buildBatch(loaded.experiment!, loaded.tests, out, { ...OPTIONS, tier: 'standard', overwrite: true });
    assert.notStrictEqual(await fs.readFile(out, 'utf8'), 'keep me\n');
  });

  it('splits into parts at the free tier line cap (999 requests) and at a byte cap', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `review ${i},positive,`).join('\n');
    const loaded = await load(EXPERIMENT, `review,label,__expected\n${rows}\n`);
    const out = path.join(dir, 'batch.jsonl');
    const free = await buildBatch(loaded.experiment!, loaded.tests, out, { ...OPTIONS, tier: 'free' });
    assert.strictEqual(free.lines, 2000);
    assert.deepStrictEqual(
      free.parts.map((p) => [path.basename(p.path), p.lines]),
      [
        ['batch.part-1.jsonl', 999],
        ['batch.part-2.jsonl', 999],
        ['batch.part-3.jsonl', 2],
      ],
    );
    assert.strictEqual(partPath(out, 2), path.join(dir, 'batch.part-2.jsonl'));
    const ids = new Set<string>();
    for (const part of free.parts) {
      const text = await fs.readFile(part.path, 'utf8');
      assert.strictEqual(Buffer.byteLength(text), part.bytes);
      for (const line of text.trimEnd().split('\n')) ids.add((JSON.parse(line) as { custom_id: string }).custom_id);
    }
    assert.strictEqual(ids.size, 2000, 'every request is in exactly one part');

    const lineBytes = (await fs.readFile(free.parts[0]!.path, 'utf8')).split('\n')[0]!.length + 1;
    const capped = await buildBatch(loaded.experiment!, loaded.tests, path.join(dir, 'small.jsonl'), {
      ...OPTIONS,
      tier: 'standard',
      maxBytes: lineBytes * 3 + 10,
    });
    assert.ok(capped.parts.length > 600, `${capped.parts.length} parts`);
    assert.ok(capped.parts.every((p) => p.bytes <= lineBytes * 3 + 10 && p.lines <= 3));
    assert.strictEqual(
      capped.parts.reduce((n, p) => n + p.lines, 0),
      2000,
    );
  });

  it('reports a variable no row defines at its {{…}}, with the closest column', async () => {
    const text = EXPERIMENT.replace('content: "{{review}}"', 'content: "Text: {{reveiw}}"');
    const loaded = await load(text);
    assert.strictEqual(loaded.ok, false);
    const problem = loaded.problems.find((p) => p.code === 'experiment.unknownVariable')!;
    assert.match(problem.message, /No test row defines `reveiw`\. Did you mean `review`\?/);
    const line = text.split('\n')[problem.range.start.line]!;
    assert.strictEqual(line.slice(problem.range.start.column, problem.range.end.column), '{{reveiw}}');
  });

  it('names the closest column whatever its case', async () => {
    const text = EXPERIMENT.replace('content: "{{review}}"', 'content: "{{reveiw}}"');
    const loaded = await load(text, CSV.replace('review,label', 'Review,label'));
    const problem = loaded.problems.find((p) => p.code === 'experiment.unknownVariable' && /reveiw/.test(p.message))!;
    assert.match(problem.message, /No test row defines `reveiw`\. Did you mean `Review`\?/);
  });

  it('one invalid value hides no other problem: all are reported at once, each at its own node', async () => {
    const text = `${EXPERIMENT}kluster: {completion_window: 2h}\n`
      .replace('role: system', 'role: robot')
      .replace(`  - ${V3}`, '  - deepseek-ai/DeepSeek-V9')
      .replace('content: "{{review}}"', 'content: "{{reveiw}}"');
    const loaded = await load(text);
    const lines = text.split('\n');
    assert.deepStrictEqual(
      loaded.problems.map((p) => [
        p.code,
        p.range.start.line + 1,
        p.range.start.column + 1,
        lines[p.range.start.line]!.slice(p.range.start.column, p.range.end.column),
      ]),
      [
        ['experiment.invalidValue', 4, 15, 'robot'],
        ['experiment.unknownVariable', 7, 19, '{{reveiw}}'],
        ['experiment.unknownModel', 10, 5, 'deepseek-ai/DeepSeek-V9'],
        ['experiment.invalidValue', 19, 30, '2h'],
      ],
    );
    assert.match(
      loaded.problems[0]!.message,
      /prompts\[0\]\.messages\[0\]\.role is `robot`, which is not a role: use system, user or assistant/,
    );
    assert.strictEqual(loaded.ok, false);
  });

  it('reports rows that lack a variable other rows have, and a missing dataset at `tests`', async () => {
    file = await write('e.experiment.yaml', `prompts: ["{{item.text}}"]\nproviders: [${V3}]\ntests: file://rows.jsonl\n`);
    await write('rows.jsonl', '{"item":{"text":"a"}}\n{"item":{}}\n{"vars":{"item":{"text":"c"}}}\n');
    const loaded = await loadExperiment(file, OPTIONS);
    assert.deepStrictEqual(
      loaded.problems.map((p) => [p.code, p.message]),
      [['experiment.unknownVariable', '1 of 3 rows have no value for `item.text` (row 2).']],
    );

    const missing = await loadExperiment(
      await write('m.experiment.yaml', `prompts: [hi]\nproviders: [${V3}]\ntests: file://nope.csv\n`),
      OPTIONS,
    );
    assert.deepStrictEqual(
      missing.problems.map((p) => [p.code, p.range.start.line, p.message]),
      [['experiment.datasetNotFound', 2, 'The dataset nope.csv does not exist (paths are relative to the experiment file).']],
    );
  });

  it('a dataset without test rows is an error at `tests` (CSV with only a header, an empty file, an empty list)', async () => {
    const cases: [string, string, string][] = [
      ['header.csv', 'review,label\n', 'The dataset header.csv has no test rows: nothing to build or score.'],
      ['empty.csv', '', 'The dataset empty.csv has no test rows: nothing to build or score.'],
      ['blank.jsonl', '\n\n', 'The dataset blank.jsonl has no test rows: nothing to build or score.'],
    ];
    for (const [name, text, message] of cases) {
      await write(name, text);
      const loaded = await loadExperiment(
        await write('e.experiment.yaml', `prompts: ["{{review}}"]\nproviders: [${V3}]\ntests: file://${name}\n`),
        OPTIONS,
      );
      assert.deepStrictEqual(
        loaded.problems.map((p) => [p.code, p.range.start.line, p.message]),
        [['experiment.emptyDataset', 2, message]],
        name,
      );
      assert.strictEqual(loaded.ok, false);
    }
    const inline = await loadExperiment(await write('i.experiment.yaml', `prompts: [hi]\nproviders: [${V3}]\ntests: []\n`), OPTIONS);
    assert.strictEqual(inline.ok, false, JSON.stringify(inline.problems));
    assert.strictEqual(inline.problems[0]!.range.start.line, 2);
  });

  it('scores per prompt × provider; failed and missing requests are errors', async () => {
    const loaded = await load();
    const e = loaded.experiment!;
    const results = [
      ok('exp-r1-p1-m1', 'Positive'), // pass
      ok('exp-r1-p1-m2', 'negative'), // fail: label is positive
      ok('exp-r2-p1-m1', 'neutral'), // pass (and not-contains sorry)
      ok('exp-r2-p1-m2', 'neutral, sorry'), // fail: __expected not-contains:sorry
      failed('exp-r3-p1-m1'), // error
      // exp-r3-p1-m2 missing: error
      ok('exp-r1-p2-m1', 'positive'),
      ok('exp-r2-p2-m1', 'NEUTRAL'),
      ok('exp-r3-p2-m1', 'negative'),
      ok('exp-r1-p2-m2', 'positive'),
      ok('exp-r2-p2-m2', 'positive'),
      ok('exp-r3-p2-m2', 'negative'),
      ok('exp-r9-p1-m1', 'from another experiment'),
    ];
    const resultsPath = await write('results.jsonl', results.join('\n') + '\n');
    const cells: ScoredCell[] = [];
    const report = await scoreResults(e, loaded.tests, resultsPath, { onCell: (c) => cells.push(c) });
    assert.deepStrictEqual(
      report.columns.map((c) => [c.prompt, c.provider, c.passed, c.failed, c.errors, c.total, c.passRate]),
      [
        ['terse', V3, 2, 0, 1, 3, 2 / 3],
        ['terse', 'llama', 0, 2, 1, 3, 0],
        ['prompt-2', V3, 3, 0, 0, 3, 1],
        ['prompt-2', 'llama', 2, 1, 0, 3, 2 / 3],
      ],
    );
    assert.strictEqual(report.unmatched, 1);
    assert.strictEqual(report.columns[0]!.promptTokens, 20);
    const r2 = cells.find((c) => c.row === 2 && c.prompt === 1 && c.provider === 2)!;
    assert.deepStrictEqual(
      r2.assertions.map((a) => [a.type, a.outcome]),
      [
        ['icontains', 'pass'],
        ['not-contains', 'fail'],
      ],
    );
    assert.strictEqual(cells.find((c) => c.row === 3 && c.prompt === 1 && c.provider === 2)!.reason, 'No result for this request.');
  });

  it('builds a judge batch and scores llm-rubric by its verdicts; malformed verdicts are errors, never passes', async () => {
    const text = `prompts: ["{{q}}"]\nproviders: [${V3}]\ntests: [{vars: {q: one}}, {vars: {q: two}}, {vars: {q: three}}, {vars: {q: four}}]\ndefaultTest:\n  assert:\n    - type: llm-rubric\n      value: "Answers {{q}} politely"\nkluster:\n  judge:\n    model: ${LLAMA}\n`;
    file = await write('j.experiment.yaml', text);
    const loaded = await loadExperiment(file, OPTIONS);
    assert.deepStrictEqual(loaded.problems, []);
    const resultsPath = await write(
      'results.jsonl',
      [ok('exp-r1-p1-m1', 'Dear one'), ok('exp-r2-p1-m1', 'two!'), ok('exp-r3-p1-m1', 'three'), failed('exp-r4-p1-m1')].join('\n'),
    );
    const judgePath = path.join(dir, 'judge.jsonl');
    const build = await buildJudgeBatch(loaded.experiment!, loaded.tests, resultsPath, judgePath);
    assert.deepStrictEqual(build, { lines: 3, skipped: 1, noJudgeModel: 0 });
    const judgeText = await fs.readFile(judgePath, 'utf8');
    assert.deepStrictEqual(validateText(judgeText, { ...OPTIONS, tier: 'standard' }).diagnostics, []);
    const first = JSON.parse(judgeText.split('\n')[0]!) as { custom_id: string; body: { model: string; messages: { content: string }[] } };
    assert.strictEqual(first.custom_id, 'judge-r1-p1-m1-a1');
    assert.strictEqual(first.body.model, LLAMA);
    assert.match(
      first.body.messages[1]!.content,
      /=== BEGIN RUBRIC (\w+) ===\nAnswers one politely\n=== END RUBRIC \1 ===[\s\S]*=== BEGIN REPLY \1 ===\nDear one\n=== END REPLY \1 ===/,
    );

    const judgeResults = await write(
      'judge-results.jsonl',
      [
        ok('judge-r1-p1-m1-a1', '{"pass": true, "score": 0.9, "reason": "polite"}'),
        ok('judge-r2-p1-m1-a1', '```json\n{"pass": false, "score": 0.2, "reason": "curt"}\n```'),
        ok('judge-r3-p1-m1-a1', 'PASS! looks fine'),
      ].join('\n'),
    );
    const verdicts = await readJudgeVerdicts(judgeResults);
    const report = await scoreResults(loaded.experiment!, loaded.tests, resultsPath, { judge: verdicts });
    const c = report.columns[0]!;
    assert.deepStrictEqual([c.passed, c.failed, c.errors, c.total, c.judged], [1, 1, 2, 4, 2]);
    assert.ok(Math.abs(c.judgeScore! - 0.55) < 1e-9);

    const unjudged = await scoreResults(loaded.experiment!, loaded.tests, resultsPath);
    assert.deepStrictEqual([unjudged.columns[0]!.passed, unjudged.columns[0]!.errors, unjudged.columns[0]!.judgeScore], [0, 4, null]);
  });

  it('parses judge replies strictly', () => {
    assert.deepStrictEqual(parseJudgeReply(' {"pass": true, "score": 1, "reason": "ok"} '), {
      ok: true,
      pass: true,
      score: 1,
      reason: 'ok',
    });
    assert.deepStrictEqual(parseJudgeReply('```\n{"pass": false, "score": 0}\n```'), { ok: true, pass: false, score: 0, reason: '' });
    for (const bad of [
      'yes',
      '{"pass": "true", "score": 1}',
      '{"pass": true, "score": 1.5}',
      '{"pass": true}',
      '[true]',
      '{"pass": true, "score": 1, "reason": 3}',
      'Sure: {"pass": true, "score": 1}',
    ]) {
      assert.strictEqual(parseJudgeReply(bad).ok, false, bad);
    }
  });

  it('the shipped examples (media/examples/model-comparison) load without problems', async () => {
    const examples = path.resolve(__dirname, '../../../../media/examples/model-comparison');
    for (const name of ['movies.experiment.yaml', 'movies.emulator.experiment.yaml']) {
      const loaded = await loadExperiment(path.join(examples, name), OPTIONS);
      assert.deepStrictEqual(loaded.problems, [], name);
      assert.deepStrictEqual([loaded.tests.length, loaded.experiment!.providers.map((p) => p.label)], [5, ['8B', '70B', '405B']], name);
    }
  });
});
