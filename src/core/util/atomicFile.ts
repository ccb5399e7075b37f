// Write-then-rename, so a reader never sees half a file and a crash never leaves a truncated one.
import { randomBytes } from 'crypto';
import { constants as fsConstants, promises as fs } from 'fs';
import * as path from 'path';

/** Thrown instead of overwriting a file that already exists. */
export class FileExistsError extends Error {
  readonly code = 'EEXIST';
  constructor(readonly path: string) {
    super(`${path} already exists; not overwriting it (pass --force to replace it).`);
    this.name = 'FileExistsError';
  }
}

/** Writing to `path` failed; the message names the destination and its folder, never the temp file beside it. */
export class DestinationError extends Error {
  readonly code: string | undefined;
  readonly syscall: string | undefined;
  constructor(
    readonly path: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(destinationMessage(path, cause), { cause });
    this.name = 'DestinationError';
    this.code = cause.code;
    this.syscall = cause.syscall;
  }
}

function destinationMessage(dest: string, cause: NodeJS.ErrnoException): string {
  const folder = path.dirname(dest);
  switch (cause.code) {
    case 'ENOENT':
      return `Cannot write ${dest}: the folder ${folder} does not exist.`;
    case 'ENOTDIR':
      return `Cannot write ${dest}: ${folder} is not a folder.`;
    case 'EACCES':
    case 'EPERM':
      return `Cannot write ${dest}: no permission to write in ${folder}.`;
    case 'EROFS':
      return `Cannot write ${dest}: ${folder} is read-only.`;
    case 'ENOSPC':
      return `Cannot write ${dest}: the disk is full.`;
    default:
      return `Cannot write ${dest}: ${cause.code ?? cause.message}.`;
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
 * The temp file is removed on any failure; errors about it are DestinationErrors naming `dest`.
 */
export async function writeAtomically<T>(
  dest: string,
  write: (tempPath: string) => Promise<T>,
  { overwrite = false }: { overwrite?: boolean } = {},
): Promise<T> {
  if (!overwrite && (await fileExists(dest))) throw new FileExistsError(dest);
  // A missing or unwritable folder fails now, before `write` spends a download on it.
  await checkFolder(dest);
  const temp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const result = await write(temp);
    if (overwrite) {
      await fs.rename(temp, dest);
    } else {
      await moveWithoutClobbering(temp, dest);
    }
    return result;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (typeof e?.syscall === 'string' && e.path === temp) throw new DestinationError(dest, e);
    throw error;
  } finally {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

/** Throws a DestinationError when `dest`'s folder is missing, not a folder, or not writable. */
export async function checkFolder(dest: string): Promise<void> {
  const folder = path.dirname(dest);
  try {
    if (!(await fs.stat(folder)).isDirectory()) throw Object.assign(new Error(`${folder} is not a directory`), { code: 'ENOTDIR', syscall: 'stat' });
    await fs.access(folder, fsConstants.W_OK);
  } catch (error) {
    throw new DestinationError(dest, error as NodeJS.ErrnoException);
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
