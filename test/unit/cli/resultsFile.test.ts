// `retry`, `results merge` and `results summary` in-process, and one round trip against the emulator:
// submit, retry the failed request, submit the retry, merge it back.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../src/cli/command';
import { FAIL_TRIGGER } from '../../../src/emulator';
import { requestLine, useEmulator, writeLines } from '../api/helpers';
import { joined, request } from '../results/fixtures';
import { runCaptured } from './helpers';

const lines = async (file: string) => (await fs.readFile(file, 'utf8')).trim().split('\n');

describe('CLI results commands', () => {
  const f = useEmulator();

  it('retry writes the failed and missing requests; --only narrows it; exit 1 names what cannot be retried', async () => {
    const input = await writeLines(f.dir, 'r-in.jsonl', [request('a'), request('b'), request('c')]);
    const results = await writeLines(f.dir, 'r-in.results.jsonl', [
      joined('a', 1, 'succeeded'),
      joined('b', 2, 'failed'),
      joined('c', 3, 'missing'),
    ]);
    const out = path.join(f.dir, 'r-retry.jsonl');
    const run = await runCaptured(['retry', results, '--input', input, '--out', out]);
    assert.deepStrictEqual([run.code, run.out, run.err], [ExitCode.ok, `wrote 2 requests to ${out} (1 failed, 1 missing)\n`, '']);
    assert.deepStrictEqual(await lines(out), [request('b'), request('c')]);

    const again = await runCaptured(['retry', results, '--input', input, '--out', out, '--only', 'missing']);
    assert.strictEqual(again.code, ExitCode.io, 'an existing file is not replaced without --force');
    assert.match(again.err, /already exists/);
    const forced = await runCaptured(['retry', results, '--input', input, '--out', out, '--only', 'missing', '--force', '--json']);
    assert.strictEqual(forced.code, ExitCode.ok);
    assert.deepStrictEqual(JSON.parse(forced.out), {
      file: out,
      written: 1,
      failed: 0,
      missing: 1,
      lines: [3],
      files: [input],
      skipped: [],
      notInInput: [],
    });

    const edited = await writeLines(f.dir, 'r-edited.jsonl', [request('a'), '{"no":"id"}']);
    const partial = await runCaptured(['retry', results, '--input', edited, '--out', path.join(f.dir, 'r-none.jsonl')]);
    assert.strictEqual(partial.code, ExitCode.findings);
    assert.match(partial.err, /r-edited\.jsonl:2: not retried: it has no custom_id/);
    assert.match(partial.err, /2 requests of .* not found in .*r-edited\.jsonl \(edited since\?\): b, c/);
    assert.match(partial.out, /nothing to retry; .* not written/);

    const noInput = await runCaptured(['retry', results, '--out', out]);
    assert.deepStrictEqual(
      [noInput.code, noInput.err.split('\n')[0]],
      [ExitCode.usage, `kluster: missing --input (the rows of ${results} name no input_file)`],
    );

    // An experiment's results name their parts: without --input, the requests are copied from those.
    const part1 = await writeLines(f.dir, 'x.batch.part-1.jsonl', [request('p'), request('q')]);
    const part2 = await writeLines(f.dir, 'x.batch.part-2.jsonl', [request('s'), request('t')]);
    const named = (id: string, line: number, status: 'succeeded' | 'failed', part: string) =>
      JSON.stringify({ ...(JSON.parse(joined(id, line, status)) as object), input_file: path.basename(part) });
    const partsResults = await writeLines(f.dir, 'x.results.jsonl', [
      named('p', 1, 'succeeded', part1),
      named('q', 2, 'succeeded', part1),
      named('s', 1, 'succeeded', part2),
      named('t', 2, 'failed', part2),
    ]);
    const fromParts = await runCaptured(['--json', 'retry', partsResults, '--out', path.join(f.dir, 'x.retry.jsonl')]);
    assert.strictEqual(fromParts.code, ExitCode.ok, fromParts.err);
    assert.deepStrictEqual((JSON.parse(fromParts.out) as { lines: number[]; files: string[] }).files, [part2]);
    assert.deepStrictEqual(await lines(path.join(f.dir, 'x.retry.jsonl')), [request('t')]);
    const badOnly = await runCaptured(['retry', results, '--input', input, '--out', out, '--only', 'all']);
    assert.deepStrictEqual([badOnly.code, /--only must be failed or missing/.test(badOnly.err)], [ExitCode.usage, true]);
    assert.strictEqual(
      (await runCaptured(['retry', path.join(f.dir, 'gone.jsonl'), '--input', input, '--out', path.join(f.dir, 'x.jsonl')])).code,
      ExitCode.io,
    );
  });

  it('results summary prints counts, tokens by model and finish reasons; --json; exit 1 unless all succeeded', async () => {
    const file = await writeLines(f.dir, 's.results.jsonl', [
      joined('a', 1, 'succeeded'),
      joined('b', 2, 'failed'),
      joined('c', 3, 'succeeded'),
    ]);
    const run = await runCaptured(['results', 'summary', file]);
    assert.strictEqual(run.code, ExitCode.findings);
    assert.strictEqual(
      run.out,
      [
        `${file}: 3 rows: 2 succeeded, 1 failed, 0 missing, 0 unmatched; 6 prompt + 8 completion tokens`,
        '',
        'MODEL      ROWS  SUCCEEDED  FAILED  PROMPT  COMPLETION',
        'm1         2     2          0       6       8',
        '(unknown)  1     0          1       0       0',
        '',
        'FINISH REASON  ROWS',
        'stop           2',
        '',
      ].join('\n'),
    );
    const json = await runCaptured(['results', 'summary', file, '--json']);
    assert.deepStrictEqual(JSON.parse(json.out).byStatus, { succeeded: 2, failed: 1, missing: 0, unmatched: 0 });
    const good = await writeLines(f.dir, 'g.results.jsonl', [joined('a', 1, 'succeeded')]);
    assert.strictEqual((await runCaptured(['results', 'summary', good])).code, ExitCode.ok);
  });

  it('results merge and summary are subcommands beside results BATCH_ID; merge needs a NEWER file and --out', async () => {
    const misspelt = await runCaptured(['results', 'sumary', 'x.jsonl']);
    assert.strictEqual(misspelt.code, ExitCode.usage, 'read as results BATCH_ID with an extra argument');
    assert.match(misspelt.err, /unexpected argument 'x\.jsonl'/);
    assert.strictEqual((await runCaptured(['results', 'merge', 'a.jsonl', '--out', 'm.jsonl'])).code, ExitCode.usage);
    assert.strictEqual((await runCaptured(['results', 'merge', 'a.jsonl', 'b.jsonl'])).code, ExitCode.usage);
  });

  it('refuses files given in the wrong place: a batch input as results, a results file as the input; writes nothing', async () => {
    const input = await writeLines(f.dir, 'mix.jsonl', [request('a'), request('b')]);
    const results = await writeLines(f.dir, 'mix.results.jsonl', [joined('a', 1, 'failed'), joined('b', 2, 'succeeded')]);
    const out = path.join(f.dir, 'mix.out.jsonl');
    const notResults =
      /^kluster: Cannot read .*mix\.jsonl: line 1 has no response or error, so it is not a results file \(is it the batch input\?\)\.\n$/;
    for (const args of [
      ['results', 'summary', input],
      ['retry', input, '--input', input, '--out', out],
      ['results', 'merge', input, results, '--out', out],
      ['results', 'merge', results, input, '--out', out],
    ]) {
      const run = await runCaptured(args);
      assert.deepStrictEqual([run.code, run.out], [ExitCode.io, ''], args.join(' '));
      assert.match(run.err, notResults, args.join(' '));
    }
    const swapped = await runCaptured(['retry', results, '--input', results, '--out', out]);
    assert.strictEqual(swapped.code, ExitCode.io);
    assert.match(
      swapped.err,
      /^kluster: Cannot read .*mix\.results\.jsonl: line 1 is a result, not a request, so it is not the batch input\.\n$/,
    );
    await assert.rejects(fs.stat(out), /ENOENT/, 'nothing is written');
  });

  it('round trip: submit, retry the failed request, submit the retry, merge: it failed twice, two attempts, from the retry file', async () => {
    const env = { KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url };
    const input = await writeLines(f.dir, 'trip.jsonl', [
      requestLine('ok-1', 'fine'),
      requestLine('bad-2', `please ${FAIL_TRIGGER}`),
      requestLine('ok-3', 'fine too'),
    ]);
    const results = path.join(f.dir, 'trip.results.jsonl');
    assert.strictEqual((await runCaptured(['submit', input, '--out', results], env)).code, ExitCode.findings);
    const retryFile = path.join(f.dir, 'trip.retry.jsonl');
    assert.strictEqual((await runCaptured(['retry', results, '--input', input, '--out', retryFile], env)).code, ExitCode.ok);
    assert.deepStrictEqual(await lines(retryFile), [(await lines(input))[1]]);
    const retryResults = path.join(f.dir, 'trip.retry.results.jsonl');
    assert.strictEqual((await runCaptured(['submit', retryFile, '--out', retryResults], env)).code, ExitCode.findings);
    const merged = path.join(f.dir, 'trip.merged.jsonl');
    const merge = await runCaptured(['results', 'merge', results, retryResults, '--out', merged], env);
    assert.strictEqual(merge.code, ExitCode.findings, merge.err);
    assert.match(merge.out, /0 recovered, 1 failed again, 0 unmatched added; 3 rows: 2 succeeded, 1 failed/);
    const rows = (await lines(merged)).map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      rows.map((r) => [r.custom_id, r.input_line, r.status, r.attempts ?? 1, r.origin ?? null]),
      [
        ['ok-1', 1, 'succeeded', 1, null],
        ['bad-2', 2, 'failed', 2, 'trip.retry.results.jsonl'],
        ['ok-3', 3, 'succeeded', 1, null],
      ],
    );
    assert.strictEqual(
      (await runCaptured(['results', 'merge', results, retryResults, '--out', merged])).code,
      ExitCode.io,
      'no overwrite without --force',
    );
    assert.strictEqual(
      (await runCaptured(['results', 'merge', results, retryResults, '--out', merged, '--force'])).code,
      ExitCode.findings,
    );
  });
});
