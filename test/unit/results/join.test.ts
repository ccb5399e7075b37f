import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { joinResults, readLines, writeJoinedResults, emptySummary } from '../../../src/core/results/join';
import { splitLines } from '../../../src/core/jsonl';
import { FileExistsError } from '../../../src/core/util/atomicFile';

const input = (id: string) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'm', messages: [{ role: 'user', content: id }] },
  });
const success = (id: string, prompt = 3, completion = 4) =>
  JSON.stringify({
    id: `batch-req-${id}`,
    custom_id: id,
    response: {
      status_code: 200,
      request_id: 'r',
      body: { choices: [{ message: { content: `answer ${id}` } }], usage: { prompt_tokens: prompt, completion_tokens: completion } },
    },
    error: null,
  });
const httpFailure = (id: string) =>
  JSON.stringify({
    id: `batch-req-${id}`,
    custom_id: id,
    response: { status_code: 404, request_id: 'r', body: { error: { message: 'no model' } } },
    error: null,
  });
const failure = (id: string) =>
  JSON.stringify({ id: `batch-req-${id}`, custom_id: id, response: null, error: { code: 'server_error', message: 'boom' } });

describe('results joiner', () => {
  let dir: string;
  const write = async (name: string, lines: string[], eol = '\n') => {
    const file = path.join(dir, name);
    await fs.writeFile(file, lines.join(eol) + eol);
    return file;
  };
  const collect = async (...args: Parameters<typeof joinResults>) => {
    const out = [];
    for await (const result of joinResults(...args)) out.push({ ...result, parsed: JSON.parse(result.json) });
    return out;
  };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'join-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('puts shuffled results back in input order, with errors and missing requests in place', async () => {
    const inputPath = await write('in.jsonl', [input('a'), input('b'), '', input('c'), input('d')]);
    const outputPath = await write('out.jsonl', [success('d', 10, 20), success('a', 1, 2)]);
    const errorPath = await write('err.jsonl', [failure('b'), httpFailure('zzz')]);
    const summary = emptySummary();
    const results = await collect(
      { inputPath, outputPath, errorPath, missingReason: 'The batch was cancelled before this request ran.' },
      summary,
    );
    assert.deepStrictEqual(
      results.map((r) => [r.customId, r.status, r.inputLine]),
      [
        ['a', 'succeeded', 1],
        ['b', 'failed', 2],
        ['c', 'missing', 4],
        ['d', 'succeeded', 5],
        ['zzz', 'unmatched', null],
      ],
    );
    assert.strictEqual(results[4]!.parsed.response.status_code, 404, 'the unmatched result is written whole');
    assert.strictEqual(results[0]!.parsed.response.body.choices[0].message.content, 'answer a');
    assert.deepStrictEqual(results[1]!.parsed.error, { code: 'server_error', message: 'boom' });
    assert.deepStrictEqual(results[2]!.parsed.error, { code: 'missing', message: 'The batch was cancelled before this request ran.' });
    assert.deepStrictEqual(summary, {
      total: 4,
      succeeded: 2,
      failed: 1,
      missing: 1,
      unmatched: 1,
      promptTokens: 11,
      completionTokens: 22,
    });
  });

  it('loses no result: unknown custom_ids, second results and unreadable lines follow the input-order lines', async () => {
    const inputPath = await write('in.jsonl', [input('a'), input('b')]);
    const outputPath = await write('out.jsonl', [
      success('old-1'),
      'not json at all',
      success('a'),
      '[1,2]',
      success('a', 100, 100),
      '{"no_custom_id":true}',
    ]);
    const errorPath = await write('err.jsonl', [failure('b'), failure('a'), failure('old-2')]);
    const summary = emptySummary();
    const results = await collect({ inputPath, outputPath, errorPath }, summary);
    assert.deepStrictEqual(
      results.map((r) => [r.customId, r.status, r.inputLine, r.parsed.input_line, r.parsed.source ?? null]),
      [
        ['a', 'succeeded', 1, 1, null],
        ['b', 'failed', 2, 2, null],
        ['old-1', 'unmatched', null, null, 'line 1 of the output file'],
        [null, 'unmatched', null, null, 'line 2 of the output file'],
        [null, 'unmatched', null, null, 'line 4 of the output file'],
        ['a', 'unmatched', null, null, 'line 5 of the output file'],
        [null, 'unmatched', null, null, 'line 6 of the output file'],
        ['a', 'unmatched', null, null, 'line 2 of the error file'],
        ['old-2', 'unmatched', null, null, 'line 3 of the error file'],
      ],
    );
    assert.strictEqual(results[3]!.parsed.raw, 'not json at all', 'an unreadable line is kept as raw text');
    assert.strictEqual(results[3]!.parsed.error.code, 'unreadable_result');
    assert.strictEqual(results[4]!.parsed.raw, '[1,2]');
    assert.strictEqual(results[5]!.parsed.response.body.usage.prompt_tokens, 100, 'a second result for a request is kept whole');
    assert.deepStrictEqual(results[8]!.parsed.error, { code: 'server_error', message: 'boom' });
    assert.deepStrictEqual(summary, { total: 2, succeeded: 1, failed: 1, missing: 0, unmatched: 7, promptTokens: 3, completionTokens: 4 });
  });

  it('reads each custom_id as JSON.parse does: keys in any order, escapes, duplicate keys, a line broken after its custom_id', async () => {
    const inputPath = await write('in.jsonl', [input('late'), input('esc"aped'), input('dup'), input('broken'), input('first')]);
    const late = JSON.stringify({ id: 'r-late', response: { status_code: 200, body: {} }, error: null, custom_id: 'late' });
    const escaped = success('esc"aped');
    // JSON.parse takes the last of duplicate keys: this line answers "dup", not "decoy".
    const duplicate = `{"id":"r-dup","custom_id":"decoy","custom_id":"dup","response":{"status_code":200,"body":{}},"error":null}`;
    const brokenTail = '{"id":"r-b","custom_id":"broken","response":{"status_code":200,';
    const outputPath = await write('out.jsonl', [late, escaped, duplicate, brokenTail, success('broken'), success('first')]);
    const results = await collect({ inputPath, outputPath });
    assert.deepStrictEqual(
      results.map((r) => [r.customId, r.status, r.inputLine, r.parsed.id]),
      [
        ['late', 'succeeded', 1, 'r-late'],
        ['esc"aped', 'succeeded', 2, 'batch-req-esc"aped'],
        ['dup', 'succeeded', 3, 'r-dup'],
        ['broken', 'succeeded', 4, 'batch-req-broken'],
        ['first', 'succeeded', 5, 'batch-req-first'],
        [null, 'unmatched', null, null],
      ],
    );
    assert.strictEqual(results[5]!.parsed.raw, brokenTail, 'the unreadable line is kept, the readable one after it answers the request');
    assert.strictEqual(results[5]!.parsed.source, 'line 4 of the output file');
  });

  it('copies a response as written, the same value JSON.stringify would give, in any spacing; other shapes are re-serialized', async () => {
    const inputPath = await write('in.jsonl', [input('compact'), input('spaced'), input('big'), input('extra')]);
    const response = {
      status_code: 200,
      body: { choices: [{ message: { content: 'é "quoted" \\ \u2028' } }], usage: { prompt_tokens: 1, completion_tokens: 2 } },
    };
    const compact = JSON.stringify({ id: 'r1', custom_id: 'compact', response, error: null });
    const spaced = JSON.stringify({ id: 'r2', custom_id: 'spaced', response, error: null }, null, 1).replace(/\n/g, '');
    const big = '{"id":"r3","custom_id":"big","response":{"status_code":200,"body":{"seed":12345678901234567890}},"error":null}';
    const extra = JSON.stringify({ id: 'r4', custom_id: 'extra', response, error: null, note: 'kept out' });
    const outputPath = await write('out.jsonl', [compact, spaced, big, extra]);
    const results = await collect({ inputPath, outputPath });
    assert.strictEqual(
      results[0]!.json,
      JSON.stringify({ custom_id: 'compact', input_line: 1, status: 'succeeded', id: 'r1', response, error: null }),
      'byte for byte what the stringify path writes',
    );
    assert.deepStrictEqual(results[1]!.parsed, {
      custom_id: 'spaced',
      input_line: 2,
      status: 'succeeded',
      id: 'r2',
      response,
      error: null,
    });
    assert.match(results[2]!.json, /"seed":12345678901234567890\}/, 'an integer beyond 2^53 is copied exactly');
    assert.deepStrictEqual(results[3]!.parsed, { custom_id: 'extra', input_line: 4, status: 'succeeded', id: 'r4', response, error: null });
    assert.strictEqual(results.length, 4);
  });

  it('counts a non-2xx response as failed', async () => {
    const inputPath = await write('in.jsonl', [input('x')]);
    const errorPath = await write('err.jsonl', [httpFailure('x')]);
    const [result] = await collect({ inputPath, errorPath });
    assert.strictEqual(result!.status, 'failed');
    assert.strictEqual(result!.parsed.response.status_code, 404);
  });

  it('reports duplicate custom_ids and lines without one instead of dropping them', async () => {
    const inputPath = await write('in.jsonl', [input('a'), '{broken', input('a')], '\r\n');
    const outputPath = await write('out.jsonl', [success('a')]);
    const results = await collect({ inputPath, outputPath });
    assert.deepStrictEqual(
      results.map((r) => [r.status, r.parsed.error?.code ?? null]),
      [
        ['succeeded', null],
        ['missing', 'invalid_input'],
        ['missing', 'duplicate_custom_id'],
      ],
    );
    assert.match(results[2]!.parsed.error.message, /line 1/);
  });

  it('reads lines with exact byte offsets, multi-byte text and CRLF included', async () => {
    const file = await write('lines.txt', ['héllo', 'wörld ✓', 'last'], '\r\n');
    const lines = [];
    for await (const line of readLines(file)) lines.push(line);
    const bytes = await fs.readFile(file);
    for (const line of lines) assert.strictEqual(bytes.toString('utf8', line.offset, line.offset + line.length), line.text);
    assert.deepStrictEqual(
      lines.map((l) => l.text),
      ['héllo', 'wörld ✓', 'last'],
    );
  });

  it('ends lines where the validator does: LF, CRLF and a lone CR, also when a chunk ends between CR and LF', async () => {
    const chunk = 1024 * 1024; // readLines reads this much at a time
    const cases: [string, string][] = [
      ['mixed', 'a\rb\r\nc\nd\r\r\ne\r'],
      ['CRLF split by the chunk', `${'x'.repeat(chunk - 1)}\r\nnext\r\nlast`],
      ['lone CR at the chunk end', `${'y'.repeat(chunk - 1)}\rnext\rlast\r`],
      ['lone CR before the chunk end', `${'z'.repeat(chunk - 2)}\r\rnext`],
    ];
    for (const [name, text] of cases) {
      const file = path.join(dir, 'endings.txt');
      await fs.writeFile(file, text);
      const lines = [];
      for await (const line of readLines(file)) lines.push(line);
      assert.deepStrictEqual(
        lines.map((l) => l.text),
        splitLines(text),
        name,
      );
      assert.deepStrictEqual(
        lines.map((l) => l.number),
        lines.map((_, i) => i + 1),
        name,
      );
      for (const line of lines) assert.strictEqual(text.slice(line.offset, line.offset + line.length), line.text, `${name}: offsets`);
    }
    // An input saved with lone CRs joins line by line.
    const inputPath = path.join(dir, 'cr.jsonl');
    await fs.writeFile(inputPath, [input('a'), input('b')].join('\r') + '\r');
    const outputPath = await write('out.jsonl', [success('b'), success('a')]);
    const results = await collect({ inputPath, outputPath });
    assert.deepStrictEqual(
      results.map((r) => [r.customId, r.status, r.inputLine]),
      [
        ['a', 'succeeded', 1],
        ['b', 'succeeded', 2],
      ],
    );
  });

  it('leaves a BOM out of line 1, so its custom_id is found and its offsets point past the BOM', async () => {
    const inputPath = path.join(dir, 'bom.jsonl');
    await fs.writeFile(inputPath, '\uFEFF' + [input('a'), input('b')].join('\n') + '\n');
    const lines = [];
    for await (const line of readLines(inputPath)) lines.push(line);
    const bytes = await fs.readFile(inputPath);
    assert.deepStrictEqual(
      lines.map((l) => [l.number, l.offset]),
      [
        [1, 3],
        [2, 3 + Buffer.byteLength(input('a')) + 1],
      ],
    );
    for (const line of lines) assert.strictEqual(bytes.toString('utf8', line.offset, line.offset + line.length), line.text);

    const outputPath = await write('out.jsonl', [success('b'), success('a')]);
    const results = await collect({ inputPath, outputPath });
    assert.deepStrictEqual(
      results.map((r) => [r.customId, r.status, r.inputLine]),
      [
        ['a', 'succeeded', 1],
        ['b', 'succeeded', 2],
      ],
    );
  });

  it('joins 20,000 reversed results in input order', async () => {
    const ids = Array.from({ length: 20000 }, (_, i) => `req-${i}`);
    const inputPath = await write('in.jsonl', ids.map(input));
    const outputPath = await write(
      'out.jsonl',
      [...ids].reverse().map((id) => success(id)),
    );
    const dest = path.join(dir, 'results.jsonl');
    const summary = await writeJoinedResults({ inputPath, outputPath }, dest);
    assert.strictEqual(summary.succeeded, 20000);
    const written = (await fs.readFile(dest, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).custom_id);
    assert.deepStrictEqual(written, ids);
  });

  it('refuses to overwrite an existing file unless asked, leaving no temp file behind', async () => {
    const inputPath = await write('in.jsonl', [input('a')]);
    const outputPath = await write('out.jsonl', [success('a')]);
    const dest = await write('results.jsonl', ['keep me']);
    await assert.rejects(writeJoinedResults({ inputPath, outputPath }, dest), FileExistsError);
    assert.strictEqual(await fs.readFile(dest, 'utf8'), 'keep me\n');
    await writeJoinedResults({ inputPath, outputPath }, dest, { overwrite: true });
    assert.strictEqual(JSON.parse((await fs.readFile(dest, 'utf8')).trim()).status, 'succeeded');
    assert.deepStrictEqual(
      (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')),
      [],
    );
  });
});
