// Chat webview render cost per streamed chunk, in real Chromium (Debian's, driven by playwright-core).
// Loads dist/webview.js under the production CSP with a stand-in for acquireVsCodeApi, streams a 20k-token
// markdown reply as `chunk` messages at ~2,000 tokens/s, and reads the webview's own `kluster.chat.render`
// measures. The cost per chunk must not grow with the message (1k vs 20k tokens) or with the transcript.
// usage: node esbuild.js --tests && node out/test/bench/chatRender.bench.js      (npm run bench:chat)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Page } from 'playwright-core';
import { emptyState, type ChatState, type ChatTurn } from '../../src/chat/protocol';
import { renderMarkdown } from '../../src/webview/markdown';
import { CHROME_ARGS } from '../vscode/browser';
import { benchPage, ROOT } from './webviewPage';

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const TOKENS = 20_000;
const CHUNKS_PER_BATCH = 10;
const BATCH_EVERY_MS = 5;

/** A long, realistic reply: paragraphs, headings, lists, code blocks, a table. Deterministic. */
function reply(tokens: number): string[] {
  const words =
    'the batch API accepts a JSONL file where every line is one request with a custom id and the body of a chat completion'.split(' ');
  const blocks: string[] = [];
  let count = 0;
  for (let i = 0; count < tokens; i++) {
    let block: string;
    switch (i % 6) {
      case 0:
        block = `## Section ${i}\n\n`;
        break;
      case 1:
      case 4:
        block =
          Array.from({ length: 70 }, (_, k) =>
            k % 17 === 5 ? `**${words[(i + k) % words.length]}**` : k % 23 === 7 ? '`code`' : words[(i + k) % words.length],
          ).join(' ') + '.\n\n';
        break;
      case 2:
        block = Array.from({ length: 8 }, (_, k) => `- item ${k}: ${words.slice(k, k + 6).join(' ')}`).join('\n') + '\n\n';
        break;
      case 3:
        block =
          '```ts\n' +
          Array.from({ length: 14 }, (_, k) => `const value${k} = await client.chat({ model: "m", messages: [] }); // ${k}`).join('\n') +
          '\n```\n\n';
        break;
      default:
        block =
          '| field | meaning |\n|---|---:|\n' + Array.from({ length: 5 }, (_, k) => `| ${words[k]} | ${k * 10} |`).join('\n') + '\n\n';
    }
    const pieces = block.match(/\S+\s*|\s+/g) ?? [];
    blocks.push(...pieces);
    count += pieces.length;
  }
  return blocks.slice(0, tokens);
}

/** Replies with no blank line, heading or fence to cut at: the shapes that once re-parsed a growing tail. */
function hardShape(shape: 'long table' | 'one long paragraph' | 'single huge line', tokens: number): string[] {
  const words = 'the batch API accepts a JSONL file where every line is one request with a custom id'.split(' ');
  const pieces: string[] = shape === 'long table' ? ['| # ', '| field ', '| meaning |\n', '|---:', '|:---', '|---|\n'] : [];
  for (let i = 0; pieces.length < tokens; i++) {
    const w = (k: number) => words[(i + k) % words.length]!;
    if (shape === 'long table') pieces.push(`| ${i} `, `| ${w(0)} `, `**${w(3)}** `, `| ${w(1)} `, `\`${w(2)}\` `, '|\n');
    else if (shape === 'one long paragraph') pieces.push(`${w(0)} `, i % 9 === 0 ? `*${w(1)}*` : w(1), i % 11 === 10 ? '\n' : ' ');
    else pieces.push(`${w(0)} `, i % 13 === 0 ? `**${w(2)}** ` : `${w(2)} `);
  }
  return pieces.slice(0, tokens);
}

/** The page's globals used here (this file is typechecked without the DOM library). */
interface PageGlobals {
  posted: { type: string; id?: string }[];
  acquireVsCodeApi: () => unknown;
  postMessage(message: unknown, targetOrigin: string): void;
  dispatchEvent(event: unknown): boolean;
  MessageEvent: new (type: string, init: { data: unknown }) => unknown;
}

interface Frame {
  readonly tokens: number;
  readonly ms: number;
  readonly chunks: number;
}

interface Run {
  readonly frames: Frame[];
  /** Time spent in the `message` handler per chunk (queueing only; rendering is in frames). */
  readonly handlerMsPerChunk: number;
  readonly chunksPerSecond: number;
}

async function streamReply(page: Page, pieces: string[], preload: ChatState | undefined): Promise<Run> {
  await page.goto('file://' + path.join(os.tmpdir(), 'kluster-chat-bench.html'));
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.some((m) => m.type === 'ready'));
  await page.evaluate((state) => {
    const w = globalThis as unknown as PageGlobals;
    w.postMessage({ type: 'init', models: [{ id: 'bench-model' }], lastModel: 'bench-model', live: [] }, '*');
    if (state) w.postMessage({ type: 'load', state }, '*');
  }, preload ?? null);
  await page.waitForTimeout(200);
  await page.fill('#prompt', 'Write a long answer.');
  await page.press('#prompt', 'Enter');
  const id = await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.find((m) => m.type === 'send')?.id);
  return page.evaluate(
    async ({ id, pieces, perBatch, everyMs }) => {
      const w = globalThis as unknown as PageGlobals;
      performance.clearMeasures();
      const progress: [number, number][] = [];
      let handler = 0;
      const began = performance.now();
      for (let i = 0; i < pieces.length; i += perBatch) {
        const start = performance.now();
        for (const delta of pieces.slice(i, i + perBatch))
          w.dispatchEvent(new w.MessageEvent('message', { data: { type: 'chunk', id, delta } }));
        handler += performance.now() - start;
        progress.push([performance.now(), Math.min(pieces.length, i + perBatch)]);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
      const elapsedMs = performance.now() - began;
      await new Promise((resolve) => setTimeout(resolve, 120));
      const frames = performance.getEntriesByName('kluster.chat.render').map((entry) => {
        const measure = entry as unknown as { startTime: number; duration: number; detail: unknown };
        const sent = progress.filter(([at]) => at <= measure.startTime).at(-1)?.[1] ?? 0;
        return { tokens: sent, ms: measure.duration, chunks: (measure.detail as { chunks: number }).chunks };
      });
      w.dispatchEvent(
        new w.MessageEvent('message', {
          data: { type: 'done', id, usage: { completion: pieces.length, estimated: false }, stopped: false },
        }),
      );
      return { frames, handlerMsPerChunk: handler / pieces.length, chunksPerSecond: (pieces.length * 1000) / elapsedMs };
    },
    { id: id as unknown as string, pieces, perBatch: CHUNKS_PER_BATCH, everyMs: BATCH_EVERY_MS },
  );
}

function window_(frames: Frame[], from: number, to: number): { frames: number; meanMs: number; p95Ms: number; perChunkMs: number } {
  const picked = frames.filter((f) => f.tokens > from && f.tokens <= to);
  const times = picked.map((f) => f.ms).sort((a, b) => a - b);
  const sum = times.reduce((a, b) => a + b, 0);
  const chunks = picked.reduce((a, f) => a + f.chunks, 0);
  return {
    frames: picked.length,
    meanMs: sum / Math.max(1, picked.length),
    p95Ms: times[Math.floor(times.length * 0.95)] ?? 0,
    perChunkMs: sum / Math.max(1, chunks),
  };
}

function longTranscript(turns: number): ChatState {
  const text = reply(600).join('');
  const state = emptyState('bench-model');
  state.turns = Array.from({ length: turns }, (_, i): ChatTurn =>
    i % 2 ? { id: `a${i}`, role: 'assistant', text, status: 'done' } : { id: `u${i}`, role: 'user', text: 'question ' + i },
  );
  return state;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview.js'))) throw new Error('dist/webview.js is missing: run `node esbuild.js` first');
  fs.writeFileSync(path.join(os.tmpdir(), 'kluster-chat-bench.html'), benchPage('dist/webview.js', 'media/chat.css'));
  const browser = await chromium.launch({ executablePath: CHROME, headless: true, args: CHROME_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.addInitScript(() => {
      const w = globalThis as unknown as PageGlobals;
      w.posted = [];
      let saved: unknown;
      w.acquireVsCodeApi = () => ({
        postMessage: (m: { type: string }) => w.posted.push(m),
        getState: () => saved,
        setState: (s: unknown) => (saved = s),
      });
    });

    const pieces = reply(TOKENS);
    await streamReply(page, pieces.slice(0, 3000), undefined); // warm-up: JIT, fonts, style
    const shapes: [string, string[]][] = [
      ['mixed reply (blocks, lists, code, tables)', pieces],
      ['long table', hardShape('long table', TOKENS)],
      ['one long paragraph', hardShape('one long paragraph', TOKENS)],
      ['single huge line', hardShape('single huge line', TOKENS)],
    ];
    const runs: [string, Run][] = [];
    for (const [label, shapePieces] of shapes) runs.push([label, await streamReply(page, shapePieces, undefined)]);
    const fresh = runs[0]![1];
    const busy = await streamReply(page, pieces.slice(0, 2000), longTranscript(200));
    if (errors.length) throw new Error(`webview errors: ${errors.join(' | ')}`);

    const at1k = window_(fresh.frames, 0, 1000);
    const inLong = window_(busy.frames, 0, 1000);
    const fullParse = (n: number) => {
      const text = pieces.slice(0, n).join('');
      const start = performance.now();
      for (let i = 0; i < 5; i++) renderMarkdown(text);
      return (performance.now() - start) / 5;
    };
    const row = (label: string, w: ReturnType<typeof window_>) =>
      `${label.padEnd(44)} ${String(w.frames).padStart(6)} ${w.meanMs.toFixed(2).padStart(9)} ${w.p95Ms.toFixed(2).padStart(8)} ${(w.perChunkMs * 1000).toFixed(1).padStart(12)}`;
    console.log(
      `chat webview render (Chromium ${browser.version()}): ${TOKENS} chunks streamed at ${Math.round(fresh.chunksPerSecond)} chunks/s, rendered every >= 50 ms`,
    );
    console.log(
      `${'window'.padEnd(44)} ${'frames'.padStart(6)} ${'mean ms'.padStart(9)} ${'p95 ms'.padStart(8)} ${'µs / chunk'.padStart(12)}`,
    );
    for (const [label, run] of runs) {
      console.log(`-- ${label}`);
      console.log(row('  at 1k tokens (0-1k)', window_(run.frames, 0, 1000)));
      console.log(row('  at 20k tokens (19k-20k)', window_(run.frames, 19_000, 20_000)));
    }
    console.log(row('mixed reply at 1k tokens after 200 long turns', inLong));
    console.log(`message handler (queueing) per chunk: ${(fresh.handlerMsPerChunk * 1000).toFixed(1)} µs`);
    console.log('render time per chunk at 1k and 20k tokens, and the ratio 20k/1k (about 1 = no growth with the message):');
    for (const [label, run] of runs) {
      const early = window_(run.frames, 0, 1000);
      const late = window_(run.frames, 19_000, 20_000);
      console.log(
        `  ${label.padEnd(42)} ${(early.perChunkMs * 1000).toFixed(1).padStart(7)} µs  ${(late.perChunkMs * 1000).toFixed(1).padStart(7)} µs  ratio per chunk ${(late.perChunkMs / early.perChunkMs).toFixed(2)}, per frame ${(late.meanMs / early.meanMs).toFixed(2)}`,
      );
    }
    console.log(`long transcript/fresh per frame: ${(inLong.meanMs / at1k.meanMs).toFixed(2)}`);
    console.log(
      `for scale, one full markdown parse of the mixed reply (node, no DOM): 1k ${fullParse(1000).toFixed(2)} ms, 20k ${fullParse(20_000).toFixed(2)} ms`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
