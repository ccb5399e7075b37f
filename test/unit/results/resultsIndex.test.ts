import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { indexResults, readSpan, ResultsIndexer, rowInputPath } from '../../../src/core/results/resultsIndex';
import { excerpt } from '../../../src/core/results/rows';
import { joined, rawFailure, rawSuccess, request, tempDir } from './fixtures';

describe('results indexer', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => (t = await tempDir()));
  afterEach(() => t.remove());

  it('indexes every line with its byte offset, so a row reads back whole from disk', async () => {
    const lines = [joined('a', 1, 'succeeded'), joined('ü-b', 2, 'failed'), '', joined('c', 3, 'missing')];
    const file = await t.write('in.results.jsonl', lines, '\r\n');
    const { rows } = await indexResults({ resultsPath: file });
    assert.deepStrictEqual(
      rows.map((r) => [r.index, r.fileLine, r.customId, r.status]),
      [
        [0, 1, 'a', 'succeeded'],
        [1, 2, 'ü-b', 'failed'],
        [2, 4, 'c', 'missing'],
      ],
    );
    for (const row of rows) assert.strictEqual(await readSpan(file, row), lines[row.fileLine - 1]);
  });

  it("adds each request's last user message and model from the input, read in the same pass", async () => {
    const input = await t.write('in.jsonl', [request('a', 'first question'), request('b', 'second', 'm2'), request('c', 'third')]);
    const results = await t.write('in.results.jsonl', [joined('a', 1, 'succeeded'), joined('b', 2, 'failed'), joined('c', 3, 'missing')]);
    const indexer = new ResultsIndexer({ resultsPath: results, inputPath: input });
    const { rows, inputMismatches } = await indexer.run();
    assert.deepStrictEqual(
      rows.map((r) => [r.request, r.model]),
      [
        ['first question', 'm1'],
        ['second', 'm2'],
        ['third', 'm1'],
      ],
    );
    assert.strictEqual(inputMismatches, 0);
    assert.strictEqual(await readSpan(input, indexer.inputSpan(2)!), request('b', 'second', 'm2'));
  });

  it('reads an input line asked for out of order back from disk, and shows no request when the line holds another custom_id', async () => {
    const input = await t.write('in.jsonl', [request('a'), request('b'), request('c')]);
    const results = await t.write('x.results.jsonl', [
      joined('c', 3, 'succeeded'),
      joined('a', 1, 'succeeded'),
      joined('zz', 2, 'failed'),
      joined('q', 9, 'failed'),
    ]);
    const { rows, inputMismatches } = await indexResults({ resultsPath: results, inputPath: input });
    assert.deepStrictEqual(
      rows.map((r) => r.request),
      ['question c', 'question a', '', ''],
    );
    assert.strictEqual(inputMismatches, 1, 'line 2 holds b, not zz');
  });

  it('keeps results and input in step across read chunks, a line longer than a chunk included', async () => {
    // Both files span several 1 MB reads; request 700 is longer than one read, so its chunk grows.
    const texts = Array.from({ length: 3000 }, (_, i) => (i === 700 ? 'long '.repeat(300_000) : `question ${i} `.repeat(60)));
    const input = await t.write(
      'big.jsonl',
      texts.map((text, i) => request(`r${i}`, text)),
      '\r\n',
    );
    const results = await t.write(
      'big.results.jsonl',
      texts.map((_, i) => joined(`r${i}`, i + 1, 'succeeded')),
    );
    const indexer = new ResultsIndexer({ resultsPath: results, inputPath: input });
    const { rows, inputMismatches } = await indexer.run();
    assert.strictEqual((await fs.stat(input)).size > 3 * 1024 * 1024, true);
    assert.strictEqual(inputMismatches, 0);
    assert.deepStrictEqual(
      rows.map((r) => r.request),
      texts.map((text) => excerpt(text)),
    );
    for (const line of [1, 700, 701, 3000])
      assert.strictEqual(await readSpan(input, indexer.inputSpan(line)!), request(`r${line - 1}`, texts[line - 1]));
  });

  it('hands rows over in batches as it reads, and says when the input cannot be read', async () => {
    const results = await t.write(
      'r.jsonl',
      Array.from({ length: 25 }, (_, i) => JSON.stringify(i % 2 ? rawFailure(`id${i}`) : rawSuccess(`id${i}`))),
    );
    const batches: number[] = [];
    const result = await new ResultsIndexer({
      resultsPath: results,
      inputPath: `${t.dir}/gone.jsonl`,
      firstBatchRows: 4,
      batchRows: 10,
    }).run((rows) => batches.push(rows.length));
    assert.deepStrictEqual(batches, [4, 10, 10, 1], 'a small first batch (what is on screen first), then larger ones');
    assert.strictEqual(result.rows.length, 25);
    assert.match(result.inputError ?? '', /gone\.jsonl cannot be read \(ENOENT\)/);
    assert.deepStrictEqual([result.rows[0]!.line, result.rows[1]!.status], [null, 'failed']);
  });

  it("reads each row's request from the input file it names (an experiment's batch parts), else the one given", async () => {
    const part1 = await t.write('exp.batch.part-1.jsonl', [request('a', 'first'), request('b', 'second', 'm2')]);
    const part2 = await t.write('exp.batch.part-2.jsonl', [request('c', 'third', 'm3')]);
    const results = await t.write('exp.results.jsonl', [
      joined('a', 1, 'succeeded', { input_file: 'exp.batch.part-1.jsonl' }),
      joined('c', 1, 'failed', { input_file: 'exp.batch.part-2.jsonl' }),
      joined('b', 2, 'missing', { input_file: 'exp.batch.part-1.jsonl' }),
    ]);
    // No exp.jsonl beside the results: the grid passes no input of its own.
    const indexer = new ResultsIndexer({ resultsPath: results });
    const { rows, inputMismatches, inputError } = await indexer.run();
    assert.deepStrictEqual(
      rows.map((r) => [r.customId, r.line, r.inputFile, r.request, r.model]),
      [
        ['a', 1, 'exp.batch.part-1.jsonl', 'first', 'm1'],
        ['c', 1, 'exp.batch.part-2.jsonl', 'third', 'm3'],
        ['b', 2, 'exp.batch.part-1.jsonl', 'second', 'm2'],
      ],
    );
    assert.deepStrictEqual([inputMismatches, inputError], [0, undefined]);
    assert.strictEqual(rowInputPath(results, rows[1]!), part2);
    assert.strictEqual(await readSpan(part2, indexer.inputSpan(1, part2)!), request('c', 'third', 'm3'));
    assert.strictEqual(await readSpan(part1, indexer.inputSpan(2, part1)!), request('b', 'second', 'm2'));
  });

  it("resolves a row's input file against the results file's folder, else falls back to the input given", () => {
    const results = path.join(t.dir, 'out', 'exp.results.jsonl');
    assert.strictEqual(rowInputPath(results, { inputFile: '../exp.batch.jsonl' }, '/else.jsonl'), path.join(t.dir, 'exp.batch.jsonl'));
    assert.strictEqual(rowInputPath(results, { inputFile: null }, '/else.jsonl'), '/else.jsonl');
    assert.strictEqual(rowInputPath(results, { inputFile: null }), undefined);
  });

  it('fails with the file system error when the results file is missing', async () => {
    await assert.rejects(indexResults({ resultsPath: `${t.dir}/none.jsonl` }), { code: 'ENOENT' });
    await fs.writeFile(`${t.dir}/empty.jsonl`, '');
    assert.deepStrictEqual((await indexResults({ resultsPath: `${t.dir}/empty.jsonl` })).rows, []);
  });
});
