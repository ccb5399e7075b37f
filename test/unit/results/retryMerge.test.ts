import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { mergeResults } from '../../../src/core/results/merge';
import { selectRetry } from '../../../src/core/results/retry';
import { FileExistsError } from '../../../src/core/util/atomicFile';
import { joined, rawFailure, rawSuccess, request, tempDir } from './fixtures';

describe('retry selection', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => (t = await tempDir()));
  afterEach(() => t.remove());

  it('copies exactly the failed and missing requests from the input, byte for byte, in input order', async () => {
    const odd =
      '{"custom_id":"b",  "method":"POST","url":"/v1/chat/completions","body":{"model":"m1","messages":[{"role":"user","content":"caf\\u00e9 ü"}]}}';
    const input = await t.write('in.jsonl', [request('a'), odd, request('c'), '', request('d')], '\r\n');
    const results = await t.write('in.results.jsonl', [
      joined('a', 1, 'succeeded'),
      joined('b', 2, 'failed'),
      joined('c', 3, 'succeeded'),
      joined('d', 5, 'missing'),
    ]);
    const out = path.join(t.dir, 'retry.jsonl');
    const selection = await selectRetry({ resultsPath: results, inputPath: input, outPath: out });
    assert.strictEqual(await fs.readFile(out, 'utf8'), `${odd}\n${request('d')}\n`);
    assert.deepStrictEqual(
      [selection.written, selection.failed, selection.missing, selection.lines, selection.fileWritten],
      [2, 1, 1, [2, 5], true],
    );
  });

  it('--only failed / missing, and raw output files: a request with no result at all is missing', async () => {
    const input = await t.write('in.jsonl', [request('a'), request('b'), request('c')]);
    const output = await t.write('out.jsonl', [JSON.stringify(rawSuccess('a')), JSON.stringify(rawFailure('b'))]);
    const failedOnly = await selectRetry({ resultsPath: output, inputPath: input, outPath: path.join(t.dir, 'f.jsonl'), only: 'failed' });
    assert.deepStrictEqual(failedOnly.lines, [2]);
    const missingOnly = await selectRetry({ resultsPath: output, inputPath: input, outPath: path.join(t.dir, 'm.jsonl'), only: 'missing' });
    assert.deepStrictEqual(missingOnly.lines, [3]);
    assert.strictEqual(await fs.readFile(path.join(t.dir, 'm.jsonl'), 'utf8'), request('c') + '\n');
  });

  it('names what it cannot retry: no custom_id, a duplicate, results for custom_ids not in the input', async () => {
    const input = await t.write('in.jsonl', [request('a'), '{"method":"POST"}', request('a'), 'not json']);
    const results = await t.write('r.jsonl', [joined('a', 1, 'failed'), joined('gone', 9, 'failed')]);
    const s = await selectRetry({ resultsPath: results, inputPath: input, outPath: path.join(t.dir, 'r2.jsonl') });
    assert.deepStrictEqual(s.lines, [1]);
    assert.deepStrictEqual(s.skipped, [
      { file: input, line: 2, customId: null, reason: 'it has no custom_id' },
      { file: input, line: 3, customId: 'a', reason: 'its custom_id was used on an earlier line' },
      { file: input, line: 4, customId: null, reason: 'it is not a JSON object' },
    ]);
    assert.deepStrictEqual(s.notInInput, ['gone']);
  });

  it('writes no file when nothing needs a retry, and never overwrites one unless asked', async () => {
    const input = await t.write('in.jsonl', [request('a'), request('b')]);
    const ok = await t.write('ok.jsonl', [joined('a', 1, 'succeeded'), joined('b', 2, 'succeeded')]);
    const out = path.join(t.dir, 'retry.jsonl');
    assert.strictEqual((await selectRetry({ resultsPath: ok, inputPath: input, outPath: out })).fileWritten, false);
    await assert.rejects(fs.access(out));
    const bad = await t.write('bad.jsonl', [joined('a', 1, 'failed'), joined('b', 2, 'succeeded')]);
    await fs.writeFile(out, 'mine');
    await assert.rejects(selectRetry({ resultsPath: bad, inputPath: input, outPath: out }), FileExistsError);
    assert.strictEqual(await fs.readFile(out, 'utf8'), 'mine');
    await selectRetry({ resultsPath: bad, inputPath: input, outPath: out, overwrite: true });
    assert.strictEqual(await fs.readFile(out, 'utf8'), request('a') + '\n');
  });
});

describe('results merge', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => (t = await tempDir()));
  afterEach(() => t.remove());
  const read = async (file: string) =>
    (await fs.readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  // A retry's results are joined to the retry file, so their input_line is the retry file's, not the original's.
  const retryJoined = (id: string, line: number, status: 'succeeded' | 'failed' | 'missing') => joined(id, line, status);

  it('replaces rows that now succeeded, keeps the newer error of rows that failed again, counts attempts, records the batch', async () => {
    const base = await t.write('base.jsonl', [
      joined('a', 1, 'succeeded'),
      joined('b', 2, 'failed'),
      joined('c', 3, 'missing'),
      joined('d', 4, 'failed'),
    ]);
    const retry = await t.write('retry.jsonl', [
      retryJoined('b', 1, 'succeeded'),
      JSON.stringify({
        custom_id: 'c',
        input_line: 2,
        status: 'failed',
        id: 'x',
        response: null,
        error: { code: 'server_error', message: 'newer boom' },
      }),
      retryJoined('d', 3, 'missing'),
    ]);
    const out = path.join(t.dir, 'merged.jsonl');
    const summary = await mergeResults({ basePath: base, newer: [{ path: retry, origin: 'batch_retry1' }], outPath: out });
    const merged = await read(out);
    assert.deepStrictEqual(
      merged.map((r) => [r.custom_id, r.input_line, r.status, r.attempts ?? null, r.origin ?? null]),
      [
        ['a', 1, 'succeeded', null, null],
        ['b', 2, 'succeeded', 2, 'batch_retry1'],
        ['c', 3, 'failed', 1, 'batch_retry1'],
        ['d', 4, 'failed', null, null],
      ],
    );
    assert.deepStrictEqual(merged[2]!.error, { code: 'server_error', message: 'newer boom' });
    assert.strictEqual(
      (await fs.readFile(out, 'utf8')).split('\n')[0],
      joined('a', 1, 'succeeded'),
      'untouched rows are copied byte for byte',
    );
    assert.deepStrictEqual([summary.recovered, summary.failedAgain, summary.unmatched, summary.total], [1, 1, 0, 4]);
    assert.deepStrictEqual(summary.byStatus, { succeeded: 2, failed: 2, missing: 0, unmatched: 0 });
  });

  it('a request that fails twice keeps the newest error and counts three attempts; a success is never lost', async () => {
    const base = await t.write('base.jsonl', [joined('a', 1, 'failed'), joined('s', 2, 'succeeded')]);
    const r1 = await t.write('r1.jsonl', [
      JSON.stringify({ ...rawFailure('a', 'second boom'), input_line: 1, status: 'failed' }),
      JSON.stringify({ ...rawFailure('s', 'late'), input_line: 2, status: 'failed' }),
    ]);
    const r2 = await t.write('r2.jsonl', [JSON.stringify({ ...rawFailure('a', 'third boom'), input_line: 1, status: 'failed' })]);
    const out = path.join(t.dir, 'm.jsonl');
    const summary = await mergeResults({
      basePath: base,
      newer: [
        { path: r1, origin: 'r1' },
        { path: r2, origin: 'r2' },
      ],
      outPath: out,
    });
    const [a, s] = await read(out);
    assert.deepStrictEqual(
      [a!.status, (a!.error as { message: string }).message, a!.attempts, a!.origin],
      ['failed', 'third boom', 3, 'r2'],
    );
    assert.deepStrictEqual([s!.status, s!.attempts ?? null], ['succeeded', null]);
    assert.deepStrictEqual([summary.failedAgain, summary.alreadySucceeded], [2, 1]);
  });

  it('a retry of a retry: merging the merged file again gives the same rows as merging both at once', async () => {
    const base = await t.write('base.jsonl', [joined('a', 1, 'failed'), joined('b', 2, 'failed')]);
    const r1 = await t.write('r1.jsonl', [retryJoined('a', 1, 'failed'), retryJoined('b', 2, 'succeeded')]);
    const r2 = await t.write('r2.jsonl', [retryJoined('a', 1, 'succeeded')]);
    const step1 = path.join(t.dir, 'step1.jsonl');
    const step2 = path.join(t.dir, 'step2.jsonl');
    const once = path.join(t.dir, 'once.jsonl');
    await mergeResults({ basePath: base, newer: [{ path: r1, origin: 'batch_r1' }], outPath: step1 });
    await mergeResults({ basePath: step1, newer: [{ path: r2, origin: 'batch_r2' }], outPath: step2 });
    await mergeResults({
      basePath: base,
      newer: [
        { path: r1, origin: 'batch_r1' },
        { path: r2, origin: 'batch_r2' },
      ],
      outPath: once,
    });
    const rows = await read(step2);
    assert.deepStrictEqual(
      rows.map((r) => [r.custom_id, r.input_line, r.status, r.attempts, r.origin]),
      [
        ['a', 1, 'succeeded', 3, 'batch_r2'],
        ['b', 2, 'succeeded', 2, 'batch_r1'],
      ],
    );
    assert.deepStrictEqual(rows, await read(once));
  });

  it('keeps newer rows no base row takes as unmatched: another custom_id, a second result, an unreadable line; base unmatched rows stay', async () => {
    const base = await t.write('base.jsonl', [
      joined('a', 1, 'failed'),
      JSON.stringify({ custom_id: 'old', input_line: null, status: 'unmatched', id: null, response: null, error: null }),
    ]);
    const retry = await t.write('r.jsonl', [
      retryJoined('a', 1, 'succeeded'),
      retryJoined('a', 1, 'failed'),
      retryJoined('stranger', 2, 'succeeded'),
      'garbage',
    ]);
    const out = path.join(t.dir, 'm.jsonl');
    const summary = await mergeResults({ basePath: base, newer: [{ path: retry, origin: 'r.jsonl' }], outPath: out });
    const rows = await read(out);
    assert.deepStrictEqual(
      rows.map((r) => [r.custom_id, r.status, r.input_line, r.origin ?? null]),
      [
        ['a', 'succeeded', 1, 'r.jsonl'],
        ['old', 'unmatched', null, null],
        ['stranger', 'unmatched', null, 'r.jsonl'],
        ['a', 'unmatched', null, 'r.jsonl'],
        [null, 'unmatched', null, 'r.jsonl'],
      ],
    );
    assert.strictEqual(rows[4]!.raw, 'garbage');
    assert.strictEqual(summary.unmatched, 3);
  });

  it('never overwrites the output unless asked; the base can be replaced in place with overwrite', async () => {
    const base = await t.write('base.jsonl', [joined('a', 1, 'failed')]);
    const retry = await t.write('r.jsonl', [retryJoined('a', 1, 'succeeded')]);
    await assert.rejects(mergeResults({ basePath: base, newer: [{ path: retry, origin: 'r' }], outPath: base }), FileExistsError);
    assert.strictEqual(await fs.readFile(base, 'utf8'), joined('a', 1, 'failed') + '\n');
    await mergeResults({ basePath: base, newer: [{ path: retry, origin: 'r' }], outPath: base, overwrite: true });
    assert.strictEqual((await read(base))[0]!.status, 'succeeded');
  });
});
