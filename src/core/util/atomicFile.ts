// Write-then-rename, so a reader never sees half a file and a crash never leaves a truncated one.
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

/** Thrown instead of overwriting a file that already exists. */
export class FileExistsError extends Error {
  readonly code = 'EEXIST';
  constructor(readonly path: string) {
    super(`${path} already exists; not overwriting it (pass --force to replace it).`);
    this.name = 'FileExistsError';
  }
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Calls `write(tempPath)` for a temp file beside `dest`, then moves it to `dest` in one step.
 * Without `overwrite`, an existing `dest` is left alone and FileExistsError is thrown.
 * The temp file is removed on any failure.
 */
export async function writeAtomically<T>(
  dest: string,
  write: (tempPath: string) => Promise<T>,
  { overwrite = false }: { overwrite?: boolean } = {},
): Promise<T> {
  if (!overwrite && (await fileExists(dest))) throw new FileExistsError(dest);
  const temp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const result = await write(temp);
    if (overwrite) {
      await fs.rename(temp, dest);
    } else {
      await moveWithoutClobbering(temp, dest);
    }
    return result;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** link() refuses an existing target atomically; where links are unsupported, check then rename. */
async function moveWithoutClobbering(temp: string, dest: string): Promise<void> {
  try {
    await fs.link(temp, dest);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new FileExistsError(dest);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
  }
  if (await fileExists(dest)) throw new FileExistsError(dest);
  await fs.rename(temp, dest);
}
