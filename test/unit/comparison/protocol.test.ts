import * as assert from 'assert';
import { emptyComparisonState, isFilter, isHostMessage, isWebviewMessage } from '../../../src/comparison/protocol';

const column = {
  index: 0,
  prompt: 'genre',
  provider: '8B',
  model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo',
  passed: 3,
  failed: 2,
  errors: 0,
  total: 5,
  passRate: 0.6,
  judgeScore: null,
  judged: 0,
  promptTokens: 100,
  completionTokens: 5,
  cost: null,
};

describe('comparison webview protocol', () => {
  it('takes from the webview only messages of the right shape', () => {
    assert.ok(isWebviewMessage({ type: 'ready', state: emptyComparisonState() }));
    assert.ok(isWebviewMessage({ type: 'query', filter: { kind: 'versus', a: 0, b: 2 }, seq: 1 }));
    assert.ok(isWebviewMessage({ type: 'expand', index: 4, column: 1 }));
    assert.ok(isWebviewMessage({ type: 'judge' }));
    assert.ok(!isWebviewMessage({ type: 'query', filter: { kind: 'versus', a: 1, b: 1 }, seq: 1 }), 'a column against itself');
    assert.ok(!isWebviewMessage({ type: 'query', filter: { kind: 'everything' }, seq: 1 }));
    assert.ok(!isWebviewMessage({ type: 'expand', index: -1, column: 0 }));
    assert.ok(!isWebviewMessage({ type: 'page', viewId: 1, start: 0.5 }));
    assert.ok(!isWebviewMessage({ type: 'state', state: { ...emptyComparisonState(), version: 2 } }));
    assert.ok(!isWebviewMessage({ type: 'openLink' }));
    assert.ok(!isWebviewMessage({ type: 'eval', code: 'x' }));
    assert.ok(!isWebviewMessage(null));
  });

  it('takes from the host only messages of the right shape', () => {
    const summary = { columns: [column], rows: 5, unmatched: 0, priced: false, judgeable: false };
    assert.ok(isHostMessage({ type: 'summary', summary }));
    assert.ok(!isHostMessage({ type: 'summary', summary: { ...summary, columns: [{ ...column, passRate: 1.5 }] } }));
    assert.ok(!isHostMessage({ type: 'summary', summary: { ...summary, columns: [{ ...column, cost: -1 }] } }));
    assert.ok(
      isHostMessage({
        type: 'rows',
        viewId: 1,
        start: 0,
        rows: [{ index: 0, row: 1, label: 'x', cells: [{ outcome: 'pass', excerpt: 'ok', score: null }] }],
      }),
    );
    assert.ok(
      !isHostMessage({
        type: 'rows',
        viewId: 1,
        start: 0,
        rows: [{ index: 0, row: 1, label: 'x', cells: [{ outcome: 'maybe', excerpt: '', score: null }] }],
      }),
    );
    assert.ok(isHostMessage({ type: 'busy', text: null }));
    assert.ok(isHostMessage({ type: 'setFilter', filter: { kind: 'disagreements' } }, 'setFilter'));
    assert.ok(!isHostMessage({ type: 'setFilter', filter: { kind: 'disagreements' } }, 'busy'), 'the type asked for');
    assert.ok(isFilter({ kind: 'failures' }));
    assert.ok(!isFilter({ kind: 'versus', a: 0 }));
  });
});
