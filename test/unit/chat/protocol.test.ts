import * as assert from 'assert';
import { chatCsp, webviewHtml } from '../../../src/chat/csp';
import { emptyState, isHostMessage, isWebviewMessage } from '../../../src/chat/protocol';

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values.join(' ')]),
  );

describe('Chat webview security boundary', () => {
  describe('chatCsp', () => {
    const source = 'https://abc.vscode-cdn.net';
    const csp = chatCsp(source, 'n0nce+/=');

    it('has exactly the expected directives', () => {
      assert.deepStrictEqual(
        [...directives(csp)],
        [
          ['default-src', "'none'"],
          ['img-src', source],
          ['style-src', source],
          ['font-src', source],
          ['script-src', "'nonce-n0nce+/='"],
          ['base-uri', "'none'"],
          ['form-action', "'none'"],
        ],
      );
    });

    it('allows no inline code, eval, other origins or wildcards', () => {
      for (const banned of [
        "'unsafe-inline'",
        "'unsafe-eval'",
        "'unsafe-hashes'",
        "'strict-dynamic'",
        '*',
        'data:',
        'blob:',
        'http:',
        'https:',
      ]) {
        assert.ok(!csp.split(/[\s;]+/).includes(banned), `no ${banned} in ${csp}`);
      }
      assert.ok(!/connect-src|frame-src|child-src|worker-src|object-src/.test(csp), 'those fall back to default-src none');
    });
  });

  describe('webviewHtml (the page of both webviews)', () => {
    const html = webviewHtml({
      cspSource: 'https://abc.vscode-cdn.net',
      nonce: 'n0nce',
      title: 'a <b>&"c".results.jsonl',
      script: 'dist/results.js',
      stylesheet: 'dist/results-style.css',
      url: (file) => `https://abc.vscode-cdn.net/ext/${file}${file.endsWith('.js') ? '?a=1&b="2"' : ''}`,
    });

    it('carries the CSP, the styles in cascade order, and one script by nonce; nothing inline', () => {
      assert.ok(html.includes(`content="${chatCsp('https://abc.vscode-cdn.net', 'n0nce')}"`));
      assert.deepStrictEqual(
        [...html.matchAll(/<link rel="stylesheet" href="([^"]*)">/g)].map((m) => m[1]),
        ['dist/codicon.css', 'media/webview.css', 'dist/results-style.css', 'media/markdown.css'].map(
          (f) => `https://abc.vscode-cdn.net/ext/${f}`,
        ),
      );
      assert.deepStrictEqual(
        [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]),
        ['<script nonce="n0nce" src="https://abc.vscode-cdn.net/ext/dist/results.js?a=1&#38;b=&#34;2&#34;">'],
      );
      assert.ok(!/<style|\son\w+=|style=/i.test(html), 'no inline style or handler');
    });

    it('escapes the title (a file name)', () => {
      assert.ok(html.includes('<title>a &#60;b&#62;&#38;&#34;c&#34;.results.jsonl</title>'));
      assert.ok(!html.includes('<b>'));
    });
  });

  describe('isWebviewMessage (what the host accepts)', () => {
    const settings = { model: 'm', system: '', params: {} };
    const valid: unknown[] = [
      { type: 'ready', state: null },
      { type: 'ready', state: emptyState('m') },
      { type: 'send', id: 'a1', conversation: { settings, messages: [{ role: 'user', text: 'hi' }] } },
      { type: 'cancel', id: 'a1' },
      { type: 'state', state: emptyState() },
      { type: 'openLink', href: 'https://x.example' },
      { type: 'copy', text: 'x' },
      { type: 'saveAsRequest' },
      { type: 'refreshModels' },
      { type: 'remedy', remedy: 'setApiKey' },
      { type: 'archive', state: { ...emptyState('m'), conversationId: 'c-1' } },
      { type: 'showHistory' },
      { type: 'sendAsync', id: 'a1', conversation: { settings, messages: [{ role: 'user', text: 'hi' }] } },
      { type: 'sendAsync', id: 'a1', conversation: { settings, messages: [] }, window: '3h' },
      { type: 'forgetAsync', id: 'a1', batchId: 'b1' },
    ];
    const forged: [string, unknown][] = [
      ['null', null],
      ['a string', 'send'],
      ['an array', [{ type: 'cancel', id: 'a' }]],
      ['no type', { id: 'a' }],
      ['a type that is not a string', { type: 1 }],
      ['an unknown type', { type: 'runCommand', command: 'workbench.action.quit' }],
      ['a prototype key as type', { type: 'constructor' }],
      ['send without id', { type: 'send', conversation: { settings, messages: [] } }],
      ['send with a system role message', { type: 'send', id: 'a', conversation: { settings, messages: [{ role: 'system', text: 'x' }] } }],
      [
        'send with a non-string image URL',
        { type: 'send', id: 'a', conversation: { settings, messages: [{ role: 'user', text: 'x', imageUrl: { href: 'file:///' } }] } },
      ],
      ['send without settings', { type: 'send', id: 'a', conversation: { messages: [] } }],
      ['cancel with a numeric id', { type: 'cancel', id: 1 }],
      ['state of another version', { type: 'state', state: { ...emptyState(), version: 2 } }],
      ['state with a turn without id', { type: 'state', state: { ...emptyState(), turns: [{ role: 'user', text: 'x' }] } }],
      ['ready without state', { type: 'ready' }],
      ['openLink with an object href', { type: 'openLink', href: { toString: () => 'https://x' } }],
      ['copy without text', { type: 'copy' }],
      ['an unknown remedy', { type: 'remedy', remedy: 'runCommand' }],
      ['archive without a state', { type: 'archive' }],
      ['archive with a numeric conversation id', { type: 'archive', state: { ...emptyState(), conversationId: 7 } }],
      [
        'sendAsync with a window the docs do not list',
        { type: 'sendAsync', id: 'a', conversation: { settings, messages: [] }, window: '2d' },
      ],
      ['forgetAsync without a batch', { type: 'forgetAsync', id: 'a' }],
    ];

    it('accepts each well-formed message', () => {
      for (const message of valid) assert.ok(isWebviewMessage(message), JSON.stringify(message));
    });
    for (const [what, message] of forged) {
      it(`refuses ${what}`, () => assert.strictEqual(isWebviewMessage(message), false));
    }
  });

  describe('isHostMessage (what the webview accepts)', () => {
    const valid: unknown[] = [
      { type: 'init', models: [{ id: 'm', vision: true }, { id: 'n' }], live: [{ id: 'a', text: 'so far' }] },
      { type: 'init', models: [], modelsError: 'offline', lastModel: 'm', live: [] },
      { type: 'models', models: [{ id: 'm' }] },
      { type: 'load', state: emptyState('m'), notice: 'Loaded' },
      { type: 'load', state: emptyState('m'), archive: true },
      { type: 'history', count: 0 },
      { type: 'history', count: 3 },
      { type: 'chunk', id: 'a', delta: 'x' },
      { type: 'done', id: 'a', usage: { completion: 3, prompt: 2, total: 5, estimated: false }, finishReason: 'stop', stopped: false },
      { type: 'error', id: 'a', error: { message: 'boom', transient: true, remedy: 'openSettings' } },
      { type: 'prompt', text: 'x', send: true },
      { type: 'action', action: 'clear' },
      { type: 'action', action: 'regenerate' },
      { type: 'prompt', text: 'x', send: true, sendAsync: '1h' },
      { type: 'queued', id: 'a', batchId: 'b1', window: '24h' },
      { type: 'asyncDismissed', id: 'a' },
      {
        type: 'asyncReply',
        id: 'a',
        text: 'Forty-two',
        usage: { completion: 2, prompt: 9, total: 11, estimated: false },
        finishReason: 'stop',
      },
    ];
    const malformed: [string, unknown][] = [
      ['null', null],
      ['no type', { delta: 'x' }],
      ['an unknown type', { type: 'eval', code: 'alert(1)' }],
      ['stop as a webview action (the host stops streams)', { type: 'action', action: 'stop' }],
      ['the retired notice message', { type: 'notice', text: 'x' }],
      ['chunk with a non-string delta', { type: 'chunk', id: 'a', delta: { html: '<img onerror=x>' } }],
      ['chunk without id', { type: 'chunk', delta: 'x' }],
      ['done without usage', { type: 'done', id: 'a', stopped: false }],
      ['done with a negative count', { type: 'done', id: 'a', usage: { completion: -1, estimated: false }, stopped: false }],
      ['done with stopped as a string', { type: 'done', id: 'a', usage: { completion: 1, estimated: true }, stopped: 'no' }],
      ['error without a message', { type: 'error', id: 'a', error: { transient: true } }],
      ['error with an unknown remedy', { type: 'error', id: 'a', error: { message: 'x', transient: false, remedy: 'openUrl' } }],
      ['init with models as a string', { type: 'init', models: 'm', live: [] }],
      ['init without live', { type: 'init', models: [] }],
      ['load with a broken state', { type: 'load', state: { version: 1 } }],
      ['load with archive as a string', { type: 'load', state: emptyState(), archive: 'yes' }],
      ['history with a negative count', { type: 'history', count: -1 }],
      ['history without a count', { type: 'history' }],
      ['prompt without send', { type: 'prompt', text: 'x' }],
      ['an unknown action', { type: 'action', action: 'deleteFiles' }],
      ['queued without a batch', { type: 'queued', id: 'a', window: '1h' }],
      ['queued with an unknown window', { type: 'queued', id: 'a', batchId: 'b', window: '90m' }],
      [
        'asyncReply with HTML for text',
        { type: 'asyncReply', id: 'a', text: { html: '<img onerror=x>' }, usage: { completion: 1, estimated: false } },
      ],
      ['asyncReply without usage', { type: 'asyncReply', id: 'a', text: 'x' }],
    ];

    it('accepts each well-formed message', () => {
      for (const message of valid) assert.ok(isHostMessage(message), JSON.stringify(message));
    });
    for (const [what, message] of malformed) {
      it(`ignores ${what}`, () => assert.strictEqual(isHostMessage(message), false));
    }
    it('with a type, accepts only a well-formed message of that type', () => {
      assert.ok(isHostMessage({ type: 'chunk', id: 'a', delta: 'x' }, 'chunk'));
      assert.ok(!isHostMessage({ type: 'chunk', id: 'a', delta: 'x' }, 'done'));
      assert.ok(!isHostMessage({ type: 'chunk', id: 'a' }, 'chunk'));
    });
  });
});
