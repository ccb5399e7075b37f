import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LineSplitter } from './lines';

/**
 * Streams a file's lines to `onLine`, with the bytes each takes on disk beyond its text (its actual ending, and a
 * BOM before line 1), so size caps count exactly what the file holds. Resolves to the file's size on disk.
 * Memory stays near one read buffer (64 KiB: 1 MiB reads cost a third more peak memory on a 100 MB file, with
 * no gain in speed). `afterChunk` runs after each read's lines, e.g. to wait for output to drain.
 */
export async function forEachFileLine(
  path: string,
  onLine: (line: string, extraBytes: number, afterByteOrderMark: boolean) => void,
  signal?: AbortSignal,
  afterChunk?: () => Promise<void> | void,
): Promise<number> {
  const { size } = await stat(path);
  let firstLine = true;
  const splitter = new LineSplitter((line, endingLength) => {
    const bom = firstLine && splitter.hadBom;
    onLine(line, endingLength + (bom ? 3 : 0), bom);
    firstLine = false;
  });
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16, signal });
  for await (const chunk of stream as AsyncIterable<string>) {
    splitter.push(chunk);
    await afterChunk?.();
  }
  splitter.end();
  return size;
}
