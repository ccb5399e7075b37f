import * as assert from 'assert';
import { emptyGridState, isGridState, isHostMessage, isRowQuery, isWebviewMessage } from '../../../src/results/protocol';

describe('results grid protocol', () => {
  it('accepts the webview messages it defines', () => {
    const state = {
      ...emptyGridState(),
      query: { statuses: ['failed' as const], text: 'x', sort: { column: 'reply' as const, descending: true } },
      widths: { reply: 300 },
    };
    for (const message of [
      { type: 'ready', state: null },
      { type: 'ready', state },
      { type: 'query', query: { models: ['m'], finishReasons: ['stop'] }, seq: 1 },
      { type: 'page', viewId: 2, start: 200 },
      { type: 'expand', index: 0 },
      { type: 'action', action: 'openInChat', index: 3 },
      { type: 'exportCsv', columns: ['line', 'reply'] },
      { type: 'refresh' },
      { type: 'retryFailed' },
      { type: 'state', state },
      { type: 'rendered', report: { viewId: 1, count: 2, first: 0, rowsInDom: 2, customIds: ['a', null], detail: null } },
      { type: 'openLink', href: 'https://example.com' },
    ]) {
      assert.ok(isWebviewMessage(message), JSON.stringify(message));
    }
  });

  it('refuses malformed or unknown webview messages: the webview renders untrusted text', () => {
    for (const message of [
      null,
      'ready',
      { type: 'eval', code: '1' },
      { type: 'page', viewId: -1, start: 0 },
      { type: 'page', viewId: 1, start: 1.5 },
      { type: 'action', action: 'deleteFile', index: 0 },
      { type: 'exportCsv', columns: [] },
      { type: 'exportCsv', columns: ['line', '__proto__'] },
      { type: 'query', query: { statuses: ['pwned'] } },
      { type: 'query', query: { sort: { column: 'constructor', descending: false } } },
      { type: 'state', state: { ...emptyGridState(), widths: { reply: -5 } } },
      { type: 'state', state: { ...emptyGridState(), version: 2 } },
      { type: 'openLink', href: 42 },
    ]) {
      assert.ok(!isWebviewMessage(message), JSON.stringify(message));
    }
  });

  it('checks host messages before the webview acts on them', () => {
    assert.ok(isHostMessage({ type: 'view', viewId: 1, count: 10 }));
    assert.ok(isHostMessage({ type: 'setQuery', query: {} }, 'setQuery'));
    assert.ok(!isHostMessage({ type: 'setQuery', query: {} }, 'view'));
    assert.ok(!isHostMessage({ type: 'rows', viewId: 1, start: 0, rows: [{}] }));
    assert.ok(!isHostMessage({ type: 'detail', row: { index: 1 }, detail: { index: 2 } }), 'the detail is of the row it names');
    assert.ok(!isHostMessage({ type: 'unknown' }));
  });

  it('a query and a state are checked field by field', () => {
    assert.ok(isRowQuery({}));
    assert.ok(!isRowQuery({ text: 1 }));
    assert.ok(isGridState(emptyGridState()));
    assert.ok(!isGridState({ ...emptyGridState(), detail: 'x' }));
  });
});
