// A test can hold a batch in progress (a long inProgressMs) and let it go when it is ready to watch it end.
import * as assert from 'assert';
import { FAST_TIMING } from '../../../src/emulator';
import { requestLine, useEmulator, waitForBatch, writeLines } from '../api/helpers';

describe('Emulator: finishBatch', () => {
  const f = useEmulator({ timing: { ...FAST_TIMING, inProgressMs: 600_000 } });

  it('ends a held batch now, with its results; refuses one that is not running', async () => {
    const client = f.client();
    const file = await client.uploadFile(await writeLines(f.dir, 'held.jsonl', [requestLine('h1', 'a'), requestLine('h2', 'b')]));
    const batch = await client.createBatch({ inputFileId: file.id });
    await waitForBatch(client, batch.id, ['in_progress']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.strictEqual((await client.getBatch(batch.id)).status, 'in_progress', 'held');

    assert.ok(f.emulator.state.finishBatch(batch.id));
    const done = await waitForBatch(client, batch.id, ['completed']);
    assert.deepStrictEqual(done.request_counts, { total: 2, completed: 2, failed: 0 });
    assert.ok(done.output_file_id);
    assert.strictEqual(f.emulator.state.finishBatch(batch.id), false, 'it has ended');
    assert.strictEqual(f.emulator.state.finishBatch('no-such-batch'), false);
  });
});
