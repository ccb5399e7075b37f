// What the input file looked like when it was submitted (size and modification time), so the results join
// can tell that the file was edited since: results match lines by custom_id, and edits can move them.
import { promises as fs } from 'fs';
import { formatCount } from './displayText';

export interface InputStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

export async function stampOf(file: string): Promise<InputStamp | undefined> {
  try {
    const stat = await fs.stat(file);
    return { size: stat.size, mtimeMs: Math.round(stat.mtimeMs) };
  } catch {
    return undefined;
  }
}

/** How the file differs from when it was submitted, e.g. `it is 120 bytes now, 98 when submitted`; undefined if it does not. */
export function inputChange(submitted: InputStamp | undefined, now: InputStamp | undefined): string | undefined {
  if (!submitted || !now) return undefined;
  if (submitted.size !== now.size) return `it is ${formatCount(now.size)} bytes now, ${formatCount(submitted.size)} when submitted`;
  if (Math.round(submitted.mtimeMs) !== Math.round(now.mtimeMs)) return 'it was saved again after it was submitted';
  return undefined;
}
