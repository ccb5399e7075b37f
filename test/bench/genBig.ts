// A copy of ../shared/bench/gen-big.js (same seed, same bytes) so the benchmark runs in a fresh clone:
// deterministic, realistic batch input lines of about 1 KB each. The `short` shape is the same requests with a
// one-message prompt of a few words, about 165 bytes a line (636k lines in 100 MB): memory per line, not per
// byte, dominates there.
import * as fs from 'fs';

export const BENCH_MODELS = ['klusterai/Meta-Llama-3.1-8B-Instruct-Turbo', 'deepseek-ai/DeepSeek-V3', 'google/gemma-3-27b-it'];
const WORDS = 'the quick brown fox jumps over a lazy dog while reviewers classify movie plots by genre and sentiment'.split(' ');

export type BenchShape = 'long' | 'short';

/** Yields the generator's lines (with their newline) until `targetBytes` is reached. */
export function* bigLines(targetBytes: number, shape: BenchShape = 'long'): Generator<string> {
  if (shape === 'short') {
    yield* shortLines(targetBytes);
    return;
  }
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let bytes = 0;
  let i = 0;
  while (bytes < targetBytes) {
    const text = Array.from({ length: 120 + Math.floor(rnd() * 60) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
    const line =
      JSON.stringify({
        custom_id: `req-${i++}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: {
          model: BENCH_MODELS[i % 3],
          temperature: 0.5,
          max_completion_tokens: 200,
          messages: [
            { role: 'system', content: 'Classify the main genre of the given movie description.' },
            { role: 'user', content: text },
          ],
        },
      }) + '\n';
    bytes += Buffer.byteLength(line);
    yield line;
  }
}

function* shortLines(targetBytes: number): Generator<string> {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let bytes = 0;
  let i = 0;
  while (bytes < targetBytes) {
    const text = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
    const line =
      JSON.stringify({
        custom_id: `req-${i++}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: BENCH_MODELS[i % 3], messages: [{ role: 'user', content: text }] },
      }) + '\n';
    bytes += Buffer.byteLength(line);
    yield line;
  }
}

export function writeBigFile(out: string, megabytes: number, shape: BenchShape = 'long'): { lines: number; bytes: number } {
  const fd = fs.openSync(out, 'w');
  let buffer: string[] = [];
  let lines = 0;
  let bytes = 0;
  for (const line of bigLines(megabytes * 1024 * 1024, shape)) {
    buffer.push(line);
    lines++;
    bytes += Buffer.byteLength(line);
    if (buffer.length >= 1000) {
      fs.writeSync(fd, buffer.join(''));
      buffer = [];
    }
  }
  fs.writeSync(fd, buffer.join(''));
  fs.closeSync(fd);
  return { lines, bytes };
}
