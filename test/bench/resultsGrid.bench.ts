// The results grid on a 100k-row results file (about 80 MB) with its input: how long until the first rows
// are on screen, how long until the whole file is indexed (against the floor of reading both files and
// JSON.parse-ing each line, measured in the same run), and how many row elements the DOM holds while
// scrolling. The host side is the real core (ResultsIndexer, queryRows); the webview is dist/results.js
// in real Chromium under the production CSP, answered by a stand-in host that speaks the same protocol.
// usage: node esbuild.js --tests && node out/test/bench/resultsGrid.bench.js
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { readLines } from '../../src/core/results/join';
import { LineScanner } from '../../src/core/results/lineScanner';
import { ResultsIndexer } from '../../src/core/results/resultsIndex';
import type { ResultRow } from '../../src/core/results/rows';
import { SummaryTally } from '../../src/core/results/summary';
import { PAGE_ROWS, type WebviewMessage } from '../../src/results/protocol';
import { CHROME_ARGS } from '../vscode/browser';
import { benchPage, ROOT } from './webviewPage';

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const ROWS = 100_000;
const WORDS = 'the batch API accepts a JSONL file where every line is one request with a custom id and the body of a chat completion'.split(
  ' ',
);

function writeFiles(dir: string): { input: string; results: string } {
  const input = path.join(dir, 'bench.jsonl');
  const results = path.join(dir, 'bench.results.jsonl');
  const inputLines: string[] = [];
  const resultLines: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const words = (n: number) => Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k) % WORDS.length]).join(' ');
    const model = ['deepseek-ai/DeepSeek-V3', 'google/gemma-3-27b-it', 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo'][i % 3]!;
    inputLines.push(
      JSON.stringify({
        custom_id: `req-${i}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model, messages: [{ role: 'user', content: words(30) }] },
      }),
    );
    resultLines.push(
      i % 50 === 0
        ? JSON.stringify({
            custom_id: `req-${i}`,
            input_line: i,
            status: 'failed',
            id: `r-${i}`,
            response: null,
            error: { code: 'server_error', message: 'The model is overloaded.' },
          })
        : JSON.stringify({
            custom_id: `req-${i}`,
            input_line: i,
            status: 'succeeded',
            id: `batch_req_${i}`,
            response: {
              status_code: 200,
              request_id: `q-${i}`,
              body: {
                id: `chatcmpl-${i}`,
                object: 'chat.completion',
                created: 1733000000,
                model,
                choices: [{ index: 0, message: { role: 'assistant', content: words(105) }, finish_reason: 'stop' }],
                usage: { prompt_tokens: 40, completion_tokens: 140, total_tokens: 180 },
              },
            },
            error: null,
          }),
    );
  }
  fs.writeFileSync(input, inputLines.join('\n') + '\n');
  fs.writeFileSync(results, resultLines.join('\n') + '\n');
  return { input, results };
}

async function floorMs(files: string[]): Promise<number> {
  const start = performance.now();
  for (const file of files) for await (const line of readLines(file)) if (line.text) JSON.parse(line.text);
  return performance.now() - start;
}

/**
 * A stricter floor: the same reads and JSON.parse calls without an await (and an async generator's promises) per
 * line, as the index now reads. The floor above pays those per line; in this process Playwright's async hooks
 * make each promise dearer still, so the ratio to this one is printed too.
 */
async function strictFloorMs(files: string[]): Promise<number> {
  const start = performance.now();
  for (const file of files) {
    const scanner = await LineScanner.open(file);
    try {
      while (await scanner.fill()) for (let line = scanner.next(); line; line = scanner.next()) if (line.length) JSON.parse(line.text);
    } finally {
      await scanner.close();
    }
  }
  return performance.now() - start;
}

/** The page's DOM as used here (this file is typechecked without the DOM library). */
interface MiniElement {
  scrollTop: number;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface MiniDocument {
  querySelector(selector: string): MiniElement | null;
  querySelectorAll(selector: string): ArrayLike<MiniElement> & Iterable<MiniElement>;
}

interface PageGlobals {
  document: MiniDocument;
  /** When (epoch ms) the first row with data was in a painted frame, seen from inside the page. */
  firstRowPaintedAt?: number;
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
  requestAnimationFrame(callback: () => void): number;
  hostReceive(message: unknown): void;
  acquireVsCodeApi: () => unknown;
  postMessage(message: unknown, targetOrigin: string): void;
}

/** CPU time (user + system) of this process's descendants (the browser's processes) so far; NaN off Linux. */
function descendantsCpuMs(): number {
  if (!fs.existsSync('/proc/self/stat')) return NaN;
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The fields after the command's closing parenthesis: state, ppid, …, utime (14th field), stime (15th).
      const fields = fs
        .readFileSync(`/proc/${entry}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ');
      stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended meanwhile.
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = stats.get(pid)?.parent; p !== undefined && p > 1; p = stats.get(p)?.parent) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (isOurs(pid)) ticks += stat.ticks;
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'results.js'))) throw new Error('dist/results.js is missing: run `node esbuild.js` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kluster-grid-bench-'));
  const browser = await chromium.launch({ executablePath: CHROME, headless: true, args: CHROME_ARGS });
  try {
    const files = writeFiles(dir);
    const mb = (fs.statSync(files.results).size / 1048576).toFixed(1);
    await floorMs([files.input, files.results]); // warm-up: JIT, page cache
    // The index alone (no grid) against the floor, taken in turns, best of three: a busy machine slows both.
    let floor = Infinity;
    let strictFloor = Infinity;
    let indexAlone = Infinity;
    for (let round = 0; round < 3; round++) {
      floor = Math.min(floor, await floorMs([files.input, files.results]));
      strictFloor = Math.min(strictFloor, await strictFloorMs([files.input, files.results]));
      const start = performance.now();
      await new ResultsIndexer({ resultsPath: files.results, inputPath: files.input }).run(() => undefined);
      indexAlone = Math.min(indexAlone, performance.now() - start);
    }
    fs.writeFileSync(path.join(dir, 'grid.html'), benchPage('dist/results.js', 'dist/results-style.css'));

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(() => {
      const w = globalThis as unknown as PageGlobals;
      let saved: unknown;
      // The first row with data, timed in the page: a frame after it is inserted (Playwright's waitForSelector
      // polls every 500 ms after its first few tries, so it sees the row up to half a second late).
      const clock = () => performance.timeOrigin + performance.now();
      const observer = new w.MutationObserver(() => {
        if (!w.document.querySelector('.body .row:not(.placeholder)')) return;
        observer.disconnect();
        w.requestAnimationFrame(() => (w.firstRowPaintedAt = clock()));
      });
      observer.observe(w.document, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => w.hostReceive(m),
        getState: () => saved,
        setState: (s: unknown) => (saved = s),
      });
    });

    // The stand-in host: what ResultsPanel does, on the real core, answering the page's messages.
    const rows: ResultRow[] = [];
    const tally = new SummaryTally();
    let complete = false;
    let viewId = 0;
    const send = (message: unknown) =>
      void page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), message).catch(() => undefined);
    let ready = false;
    let readyAt = 0;
    let firstPageAt = 0;
    let firstBatchAt = 0;
    const progress = () => {
      if (!ready) return;
      send({
        type: 'progress',
        indexed: rows.length,
        complete,
        summary: tally.summary(),
        columns: ['line', 'customId', 'status', 'model', 'request', 'reply', 'finishReason', 'promptTokens', 'completionTokens', 'error'],
      });
      send({ type: 'view', viewId, count: rows.length });
      if (!firstPageAt) sendPage(0);
    };
    // As ResultsPanel: the first page goes out with the view, unasked.
    const sendPage = (start: number) => {
      if (start === 0 && rows.length === 0) return;
      if (!firstPageAt) firstPageAt = performance.now();
      send({ type: 'rows', viewId, start, rows: rows.slice(start, start + PAGE_ROWS) });
    };
    await page.exposeFunction('hostReceive', (message: WebviewMessage) => {
      if (message.type === 'ready') {
        ready = true;
        readyAt = performance.now();
        send({ type: 'init', file: 'bench.results.jsonl', state: null, inputKnown: true });
        progress(); // as ResultsPanel: the rows so far go out with init, before the grid's query
      } else if (message.type === 'query') {
        viewId++;
        send({ type: 'view', viewId, count: rows.length });
        sendPage(0);
      } else if (message.type === 'page' && message.viewId === viewId) {
        sendPage(message.start);
      }
    });

    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    const browserCpuAtStart = descendantsCpuMs();
    let lastProgress = 0;
    const indexed = new ResultsIndexer({ resultsPath: files.results, inputPath: files.input }).run((batch) => {
      rows.push(...batch);
      tally.add(batch);
      firstBatchAt ||= performance.now();
      if (performance.now() - lastProgress > 250 || lastProgress === 0) {
        lastProgress = performance.now();
        progress();
      }
    });
    await page.goto('file://' + path.join(dir, 'grid.html'));
    await page.waitForSelector('.body .row:not(.placeholder)', { timeout: 60_000 });
    const firstRowsMs = performance.now() - started;
    const paintedAt = await page.evaluate(() => (globalThis as unknown as PageGlobals).firstRowPaintedAt);
    const firstPaintMs = paintedAt === undefined ? NaN : paintedAt - (performance.timeOrigin + started);
    await indexed;
    const indexMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    const hostCpuMs = (cpu.user + cpu.system) / 1000;
    const browserCpuMs = descendantsCpuMs() - browserCpuAtStart;
    complete = true;
    progress();
    await page.waitForFunction(
      (n) => (globalThis as unknown as PageGlobals).document.querySelector('.grid')?.getAttribute('aria-rowcount') === String(n + 1),
      ROWS,
    );

    let maxRows = 0;
    for (const fraction of [0.1, 0.25, 0.5, 0.75, 0.99, 0.3, 0]) {
      await page.evaluate(
        (top) => {
          const viewport = (globalThis as unknown as PageGlobals).document.querySelector('.viewport')!;
          viewport.scrollTop = top;
        },
        Math.floor(fraction * ROWS) * 24,
      );
      const wanted = `req-${Math.floor(fraction * ROWS) + 1}`;
      await page.waitForFunction(
        (id) =>
          [...(globalThis as unknown as PageGlobals).document.querySelectorAll('.body .row:not(.placeholder)')].some((r) =>
            r.textContent?.includes(id),
          ),
        wanted,
        { timeout: 30_000 },
      );
      maxRows = Math.max(
        maxRows,
        await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('.body .row').length),
      );
    }
    if (errors.length) throw new Error(`webview errors: ${errors.join(' | ')}`);
    console.log(`results grid (Chromium ${browser.version()}): ${ROWS} rows, results file ${mb} MB, with its input`);
    console.log(`  machine: ${os.cpus().length} cores, load average ${loadAtStart} at the start, ${loadAverage()} at the end`);
    console.log(
      `  first rows on screen:   ${firstPaintMs.toFixed(0)} ms from opening (painted, timed in the page); ` +
        `${firstRowsMs.toFixed(0)} ms as Playwright's waitForSelector polls it`,
    );
    const at = (t: number) => `${(t - started).toFixed(0)} ms`;
    console.log(`    (first rows parsed at ${at(firstBatchAt)}, webview ready at ${at(readyAt)}, first page sent at ${at(firstPageAt)})`);
    console.log(
      `  fully indexed:          ${indexMs.toFixed(0)} ms while the grid loads and asks for pages ` +
        `(CPU meanwhile: host process ${hostCpuMs.toFixed(0)} ms, Playwright's share included; ` +
        `Chromium's processes ${browserCpuMs.toFixed(0)} ms)`,
    );
    console.log(
      `  floor (read + JSON.parse of results and input): ${floor.toFixed(0)} ms; index alone ${indexAlone.toFixed(0)} ms, ` +
        `index/floor ratio ${(indexAlone / floor).toFixed(2)} (best of 3 each, in turns); with the grid ${(indexMs / floor).toFixed(2)}`,
    );
    console.log(
      `  stricter floor (the same without an await per line): ${strictFloor.toFixed(0)} ms; ` +
        `index alone ${(indexAlone / strictFloor).toFixed(2)}×, with the grid ${(indexMs / strictFloor).toFixed(2)}×`,
    );
    console.log(`  rows in the DOM while scrolling: at most ${maxRows}`);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
