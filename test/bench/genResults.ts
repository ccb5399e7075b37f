// Batch output for a generated input (genBig.ts): one result per request in kluster's output-object shape, in a
// deterministic shuffled order, with about 1 % of requests in the error file instead. Replies are ~0.9 KB.
import * as fs from 'fs';

const WORDS = 'the film follows a detective through rain soaked streets where every clue points to a drama of love and loss'.split(' ');

function resultLine(index: number, model: string, rnd: () => number): { line: string; failed: boolean } {
  const customId = `req-${index}`;
  if (index % 97 === 13) {
    return {
      failed: true,
      line:
        JSON.stringify({
          id: `batch-req-${index}`,
          custom_id: customId,
          response: null,
          error: { code: 'server_error', message: 'The model failed while processing this request.' },
        }) + '\n',
    };
  }
  const content = Array.from({ length: 140 + Math.floor(rnd() * 60) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  const body = {
    id: `chatcmpl-${(index * 2654435761).toString(16)}`,
    object: 'chat.completion',
    created: 1733000000 + index,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content, tool_calls: [] }, logprobs: null, finish_reason: 'stop', stop_reason: null },
    ],
    usage: { prompt_tokens: 180, total_tokens: 180 + Math.floor(content.length / 4), completion_tokens: Math.floor(content.length / 4) },
    prompt_logprobs: null,
  };
  return {
    failed: false,
    line:
      JSON.stringify({
        id: `batch-req-${index}`,
        custom_id: customId,
        response: { status_code: 200, request_id: `req-${index.toString(16)}`, body },
        error: null,
      }) + '\n',
  };
}

/** Writes the output and error files for `count` requests `req-0`…; models as genBig assigns them. */
export function writeBatchOutput(
  outputPath: string,
  errorPath: string,
  count: number,
  models: readonly string[],
): { outputBytes: number; errorBytes: number } {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  // A stride coprime with count visits every request once, far from input order.
  let stride = Math.floor(count * 0.618) | 1;
  while (gcd(stride, count) !== 1) stride += 2;
  const output = fs.openSync(outputPath, 'w');
  const errors = fs.openSync(errorPath, 'w');
  let outputBytes = 0;
  let errorBytes = 0;
  let buffer: string[] = [];
  const flush = () => {
    const text = buffer.join('');
    fs.writeSync(output, text);
    outputBytes += Buffer.byteLength(text);
    buffer = [];
  };
  for (let n = 0; n < count; n++) {
    const index = (n * stride) % count;
    const { line, failed } = resultLine(index, models[(index + 1) % models.length]!, rnd);
    if (failed) errorBytes += fs.writeSync(errors, line);
    else buffer.push(line);
    if (buffer.length >= 1000) flush();
  }
  flush();
  fs.closeSync(output);
  fs.closeSync(errors);
  return { outputBytes, errorBytes };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
