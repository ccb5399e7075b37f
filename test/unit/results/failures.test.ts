import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { failedRequests, failureMessage } from '../../../src/core/results/failures';

describe('failed requests on their input lines', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'failures-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, lines: unknown[]) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    return file;
  };

  it("maps each failure in the error file back to its input line, in input order, with the service's message", async () => {
    const input = await write('in.jsonl', [{ custom_id: 'a' }, '', { custom_id: 'b' }, { custom_id: 'c' }, { custom_id: 'd' }]);
    const errorPath = await write('error.jsonl', [
      {
        id: 'r-d',
        custom_id: 'd',
        response: { status_code: 404, body: { error: { message: 'Model not found.', code: 'model_not_found' } } },
        error: null,
      },
      { id: 'r-b', custom_id: 'b', response: null, error: { code: 'server_error', message: 'The model failed.' } },
    ]);
    const outputPath = await write('output.jsonl', [{ id: 'r-a', custom_id: 'a', response: { status_code: 200, body: {} }, error: null }]);
    assert.deepStrictEqual(await failedRequests(input, { outputPath, errorPath }), [
      { inputLine: 3, customId: 'b', message: 'The model failed. (server_error)', resultFile: 'error', resultLine: 2 },
      { inputLine: 5, customId: 'd', message: 'HTTP 404: Model not found. (model_not_found)', resultFile: 'error', resultLine: 1 },
    ]);
    assert.deepStrictEqual(await failedRequests(input, {}), [], 'no result files: nothing failed');
  });

  it('keeps a failure that has no input line of its own (a custom_id edited away, or used twice), without a line', async () => {
    const input = await write('edited.jsonl', [{ custom_id: 'a' }, { custom_id: 'a' }, { custom_id: 'renamed' }]);
    const errorPath = await write('error-edited.jsonl', [
      { id: 'r-1', custom_id: 'gone', response: null, error: { code: 'server_error', message: 'Gone failed.' } },
      { id: 'r-2', custom_id: 'a', response: null, error: { code: 'server_error', message: 'First a failed.' } },
      { id: 'r-3', custom_id: 'a', response: null, error: { code: 'server_error', message: 'Second a failed.' } },
    ]);
    assert.deepStrictEqual(await failedRequests(input, { errorPath }), [
      { inputLine: 1, customId: 'a', message: 'First a failed. (server_error)', resultFile: 'error', resultLine: 2 },
      // After the placed ones, in file order: a custom_id no input line has, and the second result of a custom_id
      // used twice (the join gives each custom_id to its first line only).
      { inputLine: null, customId: 'gone', message: 'Gone failed. (server_error)', resultFile: 'error', resultLine: 1 },
      { inputLine: null, customId: 'a', message: 'Second a failed. (server_error)', resultFile: 'error', resultLine: 3 },
    ]);
  });

  it('words a failure from error, else the response body, else the status', () => {
    assert.strictEqual(failureMessage({ error: { message: ' Too long. ' } }), 'Too long.');
    assert.strictEqual(failureMessage({ error: { code: 'rate_limited' } }), 'rate_limited');
    assert.strictEqual(failureMessage({ response: { status_code: 500, body: null } }), 'HTTP 500 without an error message.');
    assert.strictEqual(failureMessage({}), 'Failed without an error message.');
  });
});
