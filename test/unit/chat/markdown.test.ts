import * as assert from 'assert';
import { BlockScanner, renderMarkdown, SOFT_CUT_CHARS } from '../../../src/webview/markdown';

/** Feeds text in small chunks, committing at each cut, and returns the committed pieces plus the tail. */
function stream(text: string, chunk = 7): { pieces: string[]; tail: string } {
  const scanner = new BlockScanner();
  const pieces: string[] = [];
  let tail = '';
  for (let i = 0; i < text.length; i += chunk) {
    tail += text.slice(i, i + chunk);
    const cut = scanner.scan(tail);
    if (cut > 0) {
      pieces.push(tail.slice(0, cut));
      tail = tail.slice(cut);
      scanner.shift(cut);
    }
  }
  return { pieces, tail };
}

describe('Chat markdown for untrusted output', () => {
  const hostile = [
    '<script>window.pwned = 1</script>',
    '<img src=x onerror="window.pwned = 2">',
    '<svg onload="window.pwned = 3"><circle/></svg>',
    '<iframe src="javascript:window.pwned = 4"></iframe>',
    '[click](javascript:window.pwned=5) [data](data:text/html,<b>x</b>) [vb](vbscript:x) [file](file:///etc/passwd)',
    '<a href="javascript:alert(1)" onclick="alert(2)">a</a>',
    '![img](https://tracker.example/pixel.png)',
  ].join('\n\n');

  it('escapes raw HTML: no tag or handler of the input survives as markup', () => {
    const html = renderMarkdown(hostile);
    for (const tag of ['<script', '<img', '<svg', '<iframe', '<circle']) assert.ok(!html.includes(tag), `${tag} escaped in: ${html}`);
    assert.ok(html.includes('&lt;script&gt;window.pwned = 1&lt;/script&gt;'), 'script shown as text');
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    assert.deepStrictEqual(new Set(tags.map((t) => /^<(\w+)/.exec(t)![1])), new Set(['p', 'a', 'span']), "only the renderer's own tags");
    for (const tag of tags) assert.ok(!/\s(on\w+|href|src|style)=/i.test(tag), `no handler, href, src or style attribute in ${tag}`);
    assert.deepStrictEqual(
      html.match(/data-href="[^"]*"/g),
      ['data-href="https://tracker.example/pixel.png"'],
      'the only link is the http(s) one',
    );
  });

  it('keeps links only for http(s), as data-href that nothing can navigate', () => {
    const html = renderMarkdown('[docs](https://docs.kluster.ai/x?a=1&b=2) and http://example.com/plain and [bad](javascript:alert(1))');
    assert.ok(html.includes('data-href="https://docs.kluster.ai/x?a=1&amp;b=2"'), html);
    assert.ok(html.includes('data-href="http://example.com/plain"'), 'linkified URL');
    assert.ok(!html.includes('javascript:alert(1)"'), 'no javascript: link attribute');
    assert.ok(html.includes('[bad](javascript:alert(1))'), 'the refused link stays as text');
    assert.ok(!/<a [^>]*\shref=/.test(html), 'no href at all');
  });

  it('does not render images, so nothing is fetched from a reply', () => {
    const html = renderMarkdown('![pixel](https://tracker.example/p.png)');
    assert.ok(!html.includes('<img'), html);
    assert.ok(html.includes('data-href="https://tracker.example/p.png"'), 'shown as a link instead');
  });

  it('shows an image as its alt text, marked as an image, linked to its URL; never a bare "!"', () => {
    const text = (html: string) => html.replace(/<[^>]+>/g, '').trim();
    const html = renderMarkdown('See ![a cat](https://example.com/cat.png) here');
    assert.strictEqual(text(html), 'See Image: a cat here', html);
    assert.ok(/<a data-href="https:\/\/example\.com\/cat\.png"[^>]*>a cat<\/a>/.test(html), html);
    assert.strictEqual(
      text(renderMarkdown('![](https://example.com/cat.png)')),
      'Image: https://example.com/cat.png',
      'no alt text: the URL is the label',
    );
    const escaped = renderMarkdown('![<b onmouseover=x>](https://example.com/a.png)');
    assert.ok(!escaped.includes('<b') && escaped.includes('&lt;b onmouseover=x&gt;'), escaped);
    const linked = renderMarkdown('[![logo](https://example.com/logo.png)](https://example.com/home)');
    assert.strictEqual((linked.match(/<a /g) ?? []).length, 1, `no link inside the link: ${linked}`);
    assert.strictEqual(text(linked), 'Image: logo');
    assert.strictEqual(
      text(renderMarkdown('![x](javascript:alert(1))')),
      '![x](javascript:alert(1))',
      'a refused image stays as its text, whole',
    );
  });

  it('renders code fences with an escaped language class and table alignment without inline style', () => {
    const html = renderMarkdown('```js"><script>\nlet a = "<b>";\n```\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n');
    assert.ok(html.includes('&lt;b&gt;'), 'code is escaped');
    assert.ok(!html.includes('<script'), html);
    assert.ok(!html.includes('style='), 'no inline style (the CSP forbids it)');
    assert.ok(html.includes('class="align-right"') && html.includes('class="align-center"'), html);
  });
});

describe('Chat block scanner (incremental rendering)', () => {
  it('cuts after blank lines, around headings and fences, never inside a fence', () => {
    const text = '# Title\nIntro line one\nline two\n\n```python\nx = 1\n\ny = 2\n```\nAfter the fence\n\n- a\n- b\n';
    const { pieces, tail } = stream(text);
    assert.strictEqual(pieces.join('') + tail, text, 'nothing lost or duplicated');
    assert.deepStrictEqual(pieces, [
      '# Title\n',
      'Intro line one\nline two\n\n',
      '```python\nx = 1\n\ny = 2\n```\n',
      'After the fence\n\n',
    ]);
    assert.strictEqual(tail, '- a\n- b\n');
  });

  it('rendering the pieces one by one gives the same HTML as rendering the whole text', () => {
    const text =
      'Para one **bold**.\n\n## Head\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\n> quote\n\n1. one\n2. two\n\nEnd [link](https://x.example).\n';
    const { pieces, tail } = stream(text, 3);
    assert.strictEqual([...pieces, tail].map(renderMarkdown).join(''), renderMarkdown(text));
  });

  it('reports the open fence so its code can be appended without re-parsing', () => {
    const scanner = new BlockScanner();
    let tail = 'Text\n\n```rust\nfn main() {\n';
    const cut = scanner.scan(tail);
    assert.strictEqual(tail.slice(0, cut), 'Text\n\n');
    tail = tail.slice(cut);
    scanner.shift(cut);
    assert.strictEqual(scanner.scan(tail), 0);
    assert.deepStrictEqual(scanner.openFence, { info: 'rust' });
    tail += '}\n``';
    assert.strictEqual(scanner.scan(tail), 0, 'a half-typed closing fence closes nothing');
    tail += '`\n';
    assert.strictEqual(scanner.scan(tail), tail.length, 'the closed fence is a finished block');
    assert.strictEqual(scanner.openFence, undefined);
  });

  it('bounds the tail of a long list by cutting before list items once it is large', () => {
    const items = Array.from({ length: 400 }, (_, i) => `- item number ${i} with some words`).join('\n') + '\n';
    const { pieces, tail } = stream(items, 11);
    assert.ok(pieces.length > 1, 'the list was committed in parts');
    assert.ok(tail.length <= SOFT_CUT_CHARS + 100, `tail stays small (${tail.length})`);
    assert.strictEqual(pieces.join('') + tail, items);
  });
});
