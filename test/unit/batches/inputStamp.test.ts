import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inputChange, stampOf } from '../../../src/core/batches/inputStamp';

describe('input stamp', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stamp-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('sees no change in an untouched file, and a change in size or save time', async () => {
    const file = path.join(dir, 'in.jsonl');
    await fs.writeFile(file, '{"custom_id":"a"}\n');
    const submitted = await stampOf(file);
    assert.deepStrictEqual(submitted && { size: submitted.size }, { size: 18 });
    assert.strictEqual(inputChange(submitted, await stampOf(file)), undefined);

    await fs.appendFile(file, '{"custom_id":"b"}\n');
    assert.strictEqual(inputChange(submitted, await stampOf(file)), 'it is 36 bytes now, 18 when submitted');

    await fs.writeFile(file, '{"custom_id":"z"}\n'); // same size, other content
    const later = new Date(Date.now() + 5000);
    await fs.utimes(file, later, later);
    assert.strictEqual(inputChange(submitted, await stampOf(file)), 'it was saved again after it was submitted');
  });

  it('says nothing when there is no stamp to compare (submitted elsewhere) or the file is gone', async () => {
    assert.strictEqual(inputChange(undefined, { size: 1, mtimeMs: 1 }), undefined);
    assert.strictEqual(await stampOf(path.join(dir, 'missing.jsonl')), undefined);
    assert.strictEqual(inputChange({ size: 1, mtimeMs: 1 }, undefined), undefined);
  });

  it('writes sizes as every other count is written, with thousands separators', () => {
    assert.strictEqual(
      inputChange({ size: 98_765, mtimeMs: 1 }, { size: 1_234_567, mtimeMs: 1 }),
      'it is 1,234,567 bytes now, 98,765 when submitted',
    );
  });
});
