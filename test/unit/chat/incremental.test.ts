import * as assert from 'assert';
import { IncrementalMarkdown, type StreamUpdate } from '../../../src/webview/incremental';
import { renderMarkdown, SOFT_CUT_CHARS } from '../../../src/webview/markdown';

const WORDS = 'the batch API accepts a JSONL file where every line is one request with a custom id'.split(' ');
const word = (i: number) => WORDS[i % WORDS.length]!;

/** Shapes with no blank line, heading or fence to cut at, each about `chars` long. */
const SHAPES: Record<string, (chars: number) => string> = {
  'long table': (chars) => {
    let text = '| # | field | meaning |\n|---:|:---|---|\n';
    for (let i = 0; text.length < chars; i++) text += `| ${i} | ${word(i)} **${word(i + 3)}** | ${word(i + 1)} \`${word(i + 2)}\` |\n`;
    return text;
  },
  'one long paragraph': (chars) => {
    let text = '';
    for (let i = 0; text.length < chars; i++)
      text += `${word(i)} ${i % 9 === 0 ? '*' + word(i + 1) + '*' : word(i + 1)}${i % 11 === 10 ? '\n' : ' '}`;
    return text;
  },
  'single huge line': (chars) => {
    let text = '';
    for (let i = 0; text.length < chars; i++) text += `${word(i)} ${i % 13 === 0 ? '**' + word(i + 2) + '**' : word(i + 2)} `;
    return text.trimEnd();
  },
};

interface Streamed {
  readonly updates: StreamUpdate[][];
  readonly incremental: IncrementalMarkdown;
  /** Characters handed to the markdown renderer per append. */
  readonly parsed: number[];
}

/** Streams `text` in chunks; `keep` false drops the updates (a 20k-token reply makes many). */
function stream(text: string, chunk: number, keep = true): Streamed {
  let parsedNow = 0;
  const incremental = new IncrementalMarkdown((markdown) => {
    parsedNow += markdown.length;
    return renderMarkdown(markdown);
  });
  const updates: StreamUpdate[][] = [];
  const parsed: number[] = [];
  for (let i = 0; i < text.length; i += chunk) {
    parsedNow = 0;
    const made = incremental.append(text.slice(i, i + chunk));
    if (keep) updates.push(made);
    parsed.push(parsedNow);
  }
  return { updates, incremental, parsed };
}

const visibleText = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const bodyRows = (html: string) => (html.match(/<tbody>([\s\S]*?)<\/tbody>/g) ?? []).join('').match(/<tr>[\s\S]*?<\/tr>/g) ?? [];

describe('Chat incremental markdown (a streamed reply of any shape)', () => {
  for (const [shape, make] of Object.entries(SHAPES)) {
    describe(shape, () => {
      const text = make(80_000); // about 20k tokens
      const chunk = 23;
      let run: Streamed;
      before(() => {
        run = stream(text, chunk, false);
      });

      it('keeps every character, and the final render equals a one-shot render', () => {
        assert.strictEqual(run.incremental.text, text);
        assert.strictEqual(renderMarkdown(run.incremental.text), renderMarkdown(text));
        assert.ok(run.incremental.approximate, 'this shape needed cuts a one-shot render does not make');
      });

      it('parses a bounded amount per chunk, the same at 1k and at 20k tokens', () => {
        const bound = 2 * (SOFT_CUT_CHARS + chunk) + 100;
        const worst = Math.max(...run.parsed);
        assert.ok(worst <= bound, `at most ${bound} characters parsed per chunk, saw ${worst}`);
        const early = Math.max(...run.parsed.slice(0, 200));
        const late = Math.max(...run.parsed.slice(-200));
        assert.ok(late <= Math.max(early, SOFT_CUT_CHARS + chunk) * 1.5, `no growth with the message: ${early} early, ${late} late`);
      });
    });
  }

  it("a long table streams in parts under its header: their rows, joined, are the one-shot table's rows", () => {
    const text = SHAPES['long table']!(20_000);
    const { updates } = stream(text, 17);
    const flat = updates.flat();
    const commits = flat.filter((u): u is Extract<StreamUpdate, { kind: 'commit' }> => u.kind === 'commit');
    assert.ok(commits.length > 3, 'rows were committed in parts');
    assert.ok(!commits[0]!.continuesTable && commits.slice(1).every((c) => c.continuesTable), 'later parts continue the first table');
    const tail = flat.filter((u) => u.kind === 'tail').at(-1) as Extract<StreamUpdate, { kind: 'tail' }>;
    const rows = [...commits.flatMap((c) => bodyRows(c.html)), ...bodyRows(tail.html)];
    assert.deepStrictEqual(rows, bodyRows(renderMarkdown(text)));
    assert.ok(
      commits.every((c) => c.html.includes('<th class="align-right">#</th>')),
      'each part renders under the header, alignment kept',
    );
  });

  it('one long paragraph shows the same words while streaming as in the one-shot render', () => {
    const text = SHAPES['one long paragraph']!(20_000);
    const flat = stream(text, 11).updates.flat();
    const shown = [
      ...flat.filter((u) => u.kind === 'commit').map((u) => (u as { html: string }).html),
      (flat.filter((u) => u.kind === 'tail').at(-1) as { html: string }).html,
    ];
    assert.strictEqual(visibleText(shown.join(' ')), visibleText(renderMarkdown(text)));
  });

  it('a single huge line is rendered once at the limit, then appended as text', () => {
    const text = SHAPES['single huge line']!(20_000);
    const flat = stream(text, 13).updates.flat();
    const tails = flat.filter((u): u is Extract<StreamUpdate, { kind: 'tail' }> => u.kind === 'tail');
    const lastTail = flat.lastIndexOf(tails.at(-1)!);
    const appended = flat.slice(lastTail + 1);
    assert.ok(appended.length > 100 && appended.every((u) => u.kind === 'text'), 'only text after the last markdown render');
    assert.ok(
      tails.every((t) => t.html.length < SOFT_CUT_CHARS * 2),
      'no markdown render past the limit',
    );
    const rendered = visibleText(tails.at(-1)!.html);
    const rest = appended.map((u) => (u as { text: string }).text).join('');
    assert.ok(rest.length > 0 && text.endsWith(rest), 'the appended text is the rest of the line, as is');
    assert.ok(text.replace(/\*\*/g, '').startsWith(rendered), 'the rendered start is the start of the line');
  });

  it('an open code fence is appended to, then committed once closed; a reply with block breaks needs no approximation', () => {
    const text = 'Intro\n\n```ts\n' + Array.from({ length: 300 }, (_, i) => `const v${i} = ${i};`).join('\n') + '\n```\n\nAfter.\n';
    const run = stream(text, 9);
    const flat = run.updates.flat();
    assert.strictEqual(flat.filter((u) => u.kind === 'fence').length, 1);
    const code = flat
      .filter((u) => u.kind === 'text')
      .map((u) => (u as { text: string }).text)
      .join('');
    assert.ok(code.startsWith('const v0 = 0;\nconst v1') && code.includes('const v299 = 299;'), 'the code body streamed as text');
    assert.strictEqual(run.incremental.text, text);
    assert.strictEqual(run.incremental.approximate, false, 'cut only where a one-shot render cuts');
  });
});
