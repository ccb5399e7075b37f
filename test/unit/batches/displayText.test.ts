import * as assert from 'assert';
import { BatchSchema, type Batch } from '../../../src/core/api/schemas';
import {
  ageRefreshDelayMs,
  batchDescription,
  batchLabel,
  batchTooltip,
  completionMessage,
  batchIcon,
  describeBatchError,
  downloadedMessage,
  exportedMessage,
  fileDescription,
  fileLabel,
  formatAge,
  formatSize,
  isTerminal,
  plural,
  progressOf,
  resultsMessage,
  resultsPathFor,
  runningSummary,
  statusIcon,
  unmatchedText,
} from '../../../src/core/batches/displayText';
import { describeBatch, describeCounts } from '../../../src/cli/apiCommands';
import { plural as cliPlural } from '../../../src/cli/validate';

const NOW_MS = Date.UTC(2025, 0, 10, 12, 0, 0);
const NOW = NOW_MS / 1000;

function batch(fields: Record<string, unknown>): Batch {
  return BatchSchema.parse({ id: 'b_123', status: 'in_progress', created_at: String(NOW - 300), ...fields });
}

describe('batch formatting', () => {
  it('formats ages from seconds to days, then a date', () => {
    assert.strictEqual(formatAge(NOW - 2, NOW_MS), 'just now');
    assert.strictEqual(formatAge(NOW - 42, NOW_MS), '42s ago');
    assert.strictEqual(formatAge(NOW - 300, NOW_MS), '5m ago');
    assert.strictEqual(formatAge(NOW - 3 * 3600 - 59, NOW_MS), '3h ago');
    assert.strictEqual(formatAge(NOW - 2 * 86_400, NOW_MS), '2d ago');
    assert.strictEqual(formatAge(NOW - 60 * 86_400, NOW_MS), '2024-11-11');
    assert.strictEqual(formatAge(undefined, NOW_MS), 'unknown age');
  });

  it('redraws ages every 5 s while a batch is under a minute old, else once a minute', () => {
    assert.strictEqual(ageRefreshDelayMs([NOW - 3600, NOW - 30], NOW_MS), 5_000);
    assert.strictEqual(ageRefreshDelayMs([NOW - 3600, NOW - 61], NOW_MS), 60_000);
    assert.strictEqual(ageRefreshDelayMs([], NOW_MS), 60_000);
    assert.strictEqual(ageRefreshDelayMs([null, undefined], NOW_MS), 60_000);
  });

  it('formats sizes in powers of 1024', () => {
    assert.strictEqual(formatSize(0), '0 B');
    assert.strictEqual(formatSize(1023), '1023 B');
    assert.strictEqual(formatSize(1024), '1 KB');
    assert.strictEqual(formatSize(1536), '1.5 KB');
    assert.strictEqual(formatSize(12 * 1024 * 1024 + 1), '12 MB');
    assert.strictEqual(formatSize(100 * 1024 * 1024), '100 MB');
    assert.strictEqual(formatSize(3 * 1024 ** 3), '3 GB');
    assert.strictEqual(formatSize(null), 'unknown size');
  });

  it('describes a batch as status · done/total · age, counting failures as done', () => {
    const b = batch({ request_counts: { total: 10, completed: 2, failed: 1 } });
    assert.strictEqual(batchDescription(b, NOW_MS), 'in progress · 3/10 · 1 failed · 5m ago');
    assert.strictEqual(progressOf(b), 0.3);
    // No counts yet (validating) or ever (failed validation, cancelled early): no "0/0".
    assert.strictEqual(batchDescription(batch({ status: 'validating', request_counts: null }), NOW_MS), 'validating · 5m ago');
    const empty = { total: 0, completed: 0, failed: 0 };
    assert.strictEqual(batchDescription(batch({ status: 'cancelled', request_counts: empty }), NOW_MS), 'cancelled · 5m ago');
    assert.strictEqual(batchDescription(batch({ status: 'failed', request_counts: empty }), NOW_MS), 'failed · 5m ago');
    assert.strictEqual(progressOf(batch({ request_counts: null })), undefined);
  });

  it('says how many requests failed in a completed batch, with a warning icon instead of the check', () => {
    const partial = batch({ status: 'completed', request_counts: { total: 4, completed: 2, failed: 2 } });
    assert.strictEqual(batchDescription(partial, NOW_MS), 'completed · 2 failed of 4 · 5m ago');
    assert.deepStrictEqual(batchIcon(partial), { id: 'warning', color: 'list.warningForeground' });
    const clean = batch({ status: 'completed', request_counts: { total: 4, completed: 4, failed: 0 } });
    assert.strictEqual(batchDescription(clean, NOW_MS), 'completed · 4/4 · 5m ago');
    assert.deepStrictEqual(batchIcon(clean), statusIcon('completed'));
    const running = batch({ request_counts: { total: 10, completed: 2, failed: 1 } });
    assert.strictEqual(batchDescription(running, NOW_MS), 'in progress · 3/10 · 1 failed · 5m ago');
    assert.deepStrictEqual(batchIcon(running), statusIcon('in_progress'), 'a running batch keeps its spinning icon');
    const expired = batch({ status: 'expired', request_counts: { total: 5, completed: 2, failed: 1 } });
    assert.strictEqual(batchDescription(expired, NOW_MS), 'expired · 3/5 · 1 failed · 5m ago');
  });

  it('writes every count one way, with thousands separators (description, tooltip, messages)', () => {
    const big = batch({
      status: 'completed',
      request_counts: { total: 50_000, completed: 50_000, failed: 0 },
      errors: { data: Array.from({ length: 1200 }, () => ({ message: 'x' })) },
    });
    assert.strictEqual(batchDescription(big, NOW_MS), 'completed · 50,000/50,000 · 5m ago');
    const tip = batchTooltip(big);
    assert.ok(tip.includes('50,000 completed, 0 failed, 50,000 total'), tip);
    assert.ok(tip.includes('| errors | 1,200 |'), tip);
    assert.strictEqual(completionMessage(big, 'a.jsonl'), 'Batch a.jsonl completed · 50,000/50,000 (1,200 validation errors).');
    assert.strictEqual(plural(1, 'request'), '1 request');
    assert.strictEqual(plural(12_345, 'request'), '12,345 requests');
  });

  it('formats counts the same way in the CLI and in export messages as in the tree', () => {
    const big = batch({ status: 'completed', request_counts: { total: 50_000, completed: 49_000, failed: 1_000 } });
    assert.strictEqual(describeCounts(big), '50,000/50,000');
    assert.match(describeBatch(big), /requests: +50,000 total, 49,000 completed, 1,000 failed/);
    assert.strictEqual(cliPlural(12_345, 'error'), '12,345 errors');
    assert.strictEqual(exportedMessage(50_000, 'out/x.csv'), 'Exported 50,000 rows to out/x.csv.');
    assert.strictEqual(exportedMessage(1, 'x.csv'), 'Exported 1 row to x.csv.');
  });

  it('sums up running batches for the status bar, failures included', () => {
    const label = (b: Batch) => (b.id === 'b_1' ? 'a.jsonl' : 'b.jsonl');
    const one = batch({ id: 'b_1', request_counts: { total: 20_000, completed: 4_000, failed: 1_000 } });
    assert.deepStrictEqual(runningSummary([one], label), { text: 'a.jsonl · 25% · 1,000 failed', failed: 1000 });
    const two = batch({ id: 'b_2', request_counts: { total: 20_000, completed: 5_000, failed: 0 } });
    assert.deepStrictEqual(runningSummary([one, two], label), { text: '2 batches · 25% · 1,000 failed', failed: 1000 });
    assert.deepStrictEqual(runningSummary([two], label), { text: 'b.jsonl · 25%', failed: 0 });
    assert.deepStrictEqual(runningSummary([batch({ id: 'b_2', status: 'validating', request_counts: null })], label), {
      text: 'b.jsonl',
      failed: 0,
    });
  });

  it('labels a batch by local file, then metadata file, then id', () => {
    assert.strictEqual(batchLabel(batch({}), 'local.jsonl'), 'local.jsonl');
    assert.strictEqual(batchLabel(batch({ metadata: { input_file: 'data/sub/requests.jsonl' } })), 'requests.jsonl');
    assert.strictEqual(batchLabel(batch({ metadata: { input_file: 42 } })), 'b_123');
    assert.strictEqual(batchLabel(batch({})), 'b_123');
  });

  it('picks a codicon per status, spinning only while running', () => {
    for (const status of ['validating', 'in_progress', 'finalizing', 'cancelling']) {
      assert.ok(statusIcon(status).id.endsWith('~spin'), status);
      assert.strictEqual(isTerminal(status), false);
    }
    for (const status of ['completed', 'failed', 'expired', 'cancelled']) {
      assert.ok(!statusIcon(status).id.includes('~spin'), status);
      assert.strictEqual(isTerminal(status), true);
    }
    const ids = new Set(
      ['validating', 'in_progress', 'finalizing', 'completed', 'failed', 'expired', 'cancelled'].map((s) => statusIcon(s).id),
    );
    assert.strictEqual(ids.size, 7, 'each status has its own icon');
    assert.strictEqual(statusIcon('brand_new_status').id, 'sync~spin', 'an unknown status is treated as running');
  });

  it('puts every field into the tooltip and escapes markdown', () => {
    const b = batch({
      status: 'completed',
      input_file_id: 'file_in',
      output_file_id: 'file_out',
      error_file_id: null,
      completion_window: '24h',
      completed_at: NOW,
      request_counts: { total: 3, completed: 3, failed: 0 },
      metadata: { input_file: 'my_requests.jsonl', team: { a: 1 } },
    });
    const tip = batchTooltip(b, '/ws/my_requests.jsonl');
    for (const text of [
      'b\\_123',
      'file\\_in',
      'file\\_out',
      '24h',
      '3 completed, 0 failed, 3 total',
      'completed at',
      '2025-01-10 12:00 UTC',
      'metadata.input\\_file',
      'my\\_requests.jsonl',
      '{"a":1}',
      'local input',
    ]) {
      assert.ok(tip.includes(text), `tooltip has ${text}:\n${tip}`);
    }
    assert.ok(!tip.includes('error file'), 'empty fields are left out');
  });

  it('writes batch errors as one line with the line number once', () => {
    assert.strictEqual(
      describeBatchError({ code: 'invalid_value', message: 'Line 3: `method` must be "POST".', line: 3 }),
      'Line 3: `method` must be "POST". (invalid_value)',
    );
    assert.strictEqual(describeBatchError({ code: null, message: 'bad model', line: 7 }), 'Line 7: bad model');
    assert.strictEqual(describeBatchError({ message: null }), 'No message.');
  });

  it('describes files and finished batches', () => {
    assert.strictEqual(fileDescription({ id: 'f', bytes: 2048, purpose: 'batch', created_at: NOW }), '2 KB · batch · 2025-01-10');
    const done = batch({ status: 'completed', request_counts: { total: 10, completed: 9, failed: 1 } });
    assert.strictEqual(completionMessage(done, 'a.jsonl'), 'Batch a.jsonl completed · 1 failed of 10 (9 succeeded).');
    const clean = batch({ status: 'completed', request_counts: { total: 12_000, completed: 12_000, failed: 0 } });
    assert.strictEqual(completionMessage(clean, 'a.jsonl'), 'Batch a.jsonl completed · 12,000/12,000.');
    const failed = batch({
      status: 'failed',
      request_counts: { total: 0, completed: 0, failed: 0 },
      errors: { data: [{ message: 'x' }, { message: 'y' }] },
    });
    assert.strictEqual(completionMessage(failed, 'a.jsonl'), 'Batch a.jsonl failed (2 validation errors).');
  });

  it('labels output and error files by their batch, not by names that differ only at the end', () => {
    const output = { id: 'file_1', filename: 'batch_b_9f3_output.jsonl', purpose: 'batch_output' };
    const error = { id: 'file_2', filename: 'batch_b_9f3_error.jsonl', purpose: 'batch_output' };
    assert.strictEqual(fileLabel(output, { role: 'output', batchLabel: 'batch.jsonl' }), 'output of batch.jsonl');
    assert.strictEqual(fileLabel(error, { role: 'error', batchLabel: 'batch.jsonl' }), 'errors of batch.jsonl');
    assert.strictEqual(fileLabel(output), 'output of batch b_9f3', 'the batch is not loaded: its id from the name');
    assert.strictEqual(fileLabel({ id: 'file_3', filename: 'my_requests.jsonl', purpose: 'batch' }), 'my_requests.jsonl');
    assert.strictEqual(fileLabel({ id: 'file_4', filename: null }), 'file_4');
  });

  it('says where a download went, and under which name when it differs', () => {
    assert.strictEqual(downloadedMessage('out.jsonl', 2048, 'my-ws', 'out.jsonl'), 'Downloaded out.jsonl (2 KB) to my-ws.');
    assert.strictEqual(
      downloadedMessage('out.jsonl', 2048, 'my-ws/data', 'mine.jsonl'),
      'Downloaded out.jsonl (2 KB) to my-ws/data as mine.jsonl.',
    );
    assert.strictEqual(downloadedMessage('out.jsonl', null, '/tmp/x', 'out.jsonl'), 'Downloaded out.jsonl to /tmp/x.');
  });

  it('names the results file beside the input and sums up the join', () => {
    assert.strictEqual(resultsPathFor('/ws/sub/requests.jsonl'), '/ws/sub/requests.results.jsonl');
    assert.strictEqual(resultsPathFor('/ws/REQ.JSONL'), '/ws/REQ.results.jsonl');
    assert.strictEqual(resultsPathFor('/ws/data.txt'), '/ws/data.txt.results.jsonl');
    assert.strictEqual(
      resultsMessage('r.results.jsonl', { succeeded: 1200, failed: 3, missing: 0, promptTokens: 1000, completionTokens: 234 }),
      'r.results.jsonl: 1,200 succeeded, 3 failed · 1,234 tokens (1,000 prompt + 234 completion)',
    );
    assert.strictEqual(
      resultsMessage('r.results.jsonl', { succeeded: 2, failed: 0, missing: 3, promptTokens: 0, completionTokens: 0 }),
      'r.results.jsonl: 2 succeeded, 0 failed, 3 without a result · 0 tokens (0 prompt + 0 completion)',
    );
    assert.strictEqual(
      resultsMessage('r.results.jsonl', { succeeded: 2, failed: 0, missing: 1, unmatched: 2, promptTokens: 0, completionTokens: 0 }),
      'r.results.jsonl: 2 succeeded, 0 failed, 1 without a result, 2 results matched no input line (was the input edited?) · 0 tokens (0 prompt + 0 completion)',
    );
    assert.strictEqual(unmatchedText(1), ', 1 result matched no input line (was the input edited?)');
    assert.strictEqual(unmatchedText(0), '');
  });
});
