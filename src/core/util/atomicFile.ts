// Write-then-rename, so a reader never sees half a file and a crash never leaves a truncated one.
// The one place that decides what a destination may be: an existing file is only replaced when asked (keeping
// its mode), a symlink is written through to the file it points to, folders and dangling links are refused.
import { randomBytes } from 'crypto';
import { constants as fsConstants, promises as fs, type Stats } from 'fs';
import type { FileHandle } from 'fs/promises';
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
    message = destinationMessage(path, cause),
  ) {
    super(message, { cause });
    this.name = 'DestinationError';
    this.code = cause.code;
    this.syscall = cause.syscall;
  }
}

function destinationMessage(dest: string, cause: NodeJS.ErrnoException): string {
  const folder = path.dirname(path.resolve(dest));
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
    case 'EDQUOT':
      return `Cannot write ${dest}: the disk holding ${folder} is full.`;
    case 'EFBIG':
      return `Cannot write ${dest} in ${folder}: the file would be larger than this system allows.`;
    default:
      return `Cannot write ${dest} in ${folder}: ${cause.code ?? cause.message}.`;
  }
}

const refusal = (dest: string, code: string, why: string) =>
  new DestinationError(dest, Object.assign(new Error(why), { code }), `Cannot write ${dest}: ${why}.`);

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DestinationError(file, error as NodeJS.ErrnoException);
  }
}

/** Where the bytes for a destination go: the file itself, or the one its symlink points to. */
export interface Destination {
  /** The path the temp file is renamed onto (a symlink's target, so the link stays a link). */
  readonly path: string;
  /** The mode of the file being replaced, kept by the new one. */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * Checks `dest` before anything is spent on it (a download, an upload, a wait): throws FileExistsError when it
 * exists (a symlink counts, even a dangling one) and `overwrite` is not set, and a DestinationError for a path
 * ending in a separator, a folder, a dangling symlink, or a missing or unwritable folder.
 */
export async function checkDestination(dest: string, { overwrite = false }: { overwrite?: boolean } = {}): Promise<Destination> {
  if (dest.endsWith('/') || dest.endsWith(path.sep))
    throw refusal(dest, 'EISDIR', `the name ends in ${path.sep}, so it names a folder; give a file name`);
  let target = dest;
  let stats = await lstatOrUndefined(dest);
  if (stats?.isSymbolicLink()) {
    if (!overwrite) throw new FileExistsError(dest);
    const pointsTo = path.resolve(path.dirname(dest), await fs.readlink(dest));
    try {
      target = await fs.realpath(dest);
    } catch {
      throw refusal(dest, 'ENOENT', `it is a symbolic link to ${pointsTo}, which does not exist`);
    }
    stats = await fs.stat(target);
  }
  if (stats?.isDirectory()) throw refusal(dest, 'EISDIR', 'it is a folder; give a file name');
  if (stats && !overwrite) throw new FileExistsError(dest);
  // A missing or unwritable folder fails now, not after a download.
  const folder = path.dirname(target);
  try {
    if (!(await fs.stat(folder)).isDirectory())
      throw Object.assign(new Error(`${folder} is not a directory`), { code: 'ENOTDIR', syscall: 'stat' });
    await fs.access(folder, fsConstants.W_OK);
  } catch (error) {
    throw new DestinationError(dest, error as NodeJS.ErrnoException);
  }
  return stats ? { path: target, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid } : { path: target };
}

/** Is `candidate` the file `original` (the same inode, also through a link), or would writing it replace it? */
export async function isSameFile(original: string, candidate: string): Promise<boolean> {
  if (path.resolve(original) === path.resolve(candidate)) return true;
  try {
    const [a, b] = await Promise.all([fs.stat(original), fs.stat(candidate)]);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** The temp file being written: bytes are appended in order; every failure is a DestinationError naming the destination. */
export interface TempFile {
  readonly path: string;
  write(data: string | Uint8Array): Promise<void>;
  /** Drops what was written so far (a download starting over). */
  reset(): Promise<void>;
}

/**
 * Calls `write` with a temp file beside `dest` (created exclusively, under a random name), fsyncs it, and moves it
 * onto `dest` in one step. Without `overwrite`, an existing `dest` is left alone and FileExistsError is thrown; see
 * checkDestination for what else is refused. The temp file is removed on any failure, also when aborted.
 */
export async function writeAtomically<T>(
  dest: string,
  write: (temp: TempFile) => Promise<T>,
  { overwrite = false }: { overwrite?: boolean } = {},
): Promise<T> {
  const target = await checkDestination(dest, { overwrite });
  const temp = path.join(path.dirname(target.path), `.${path.basename(target.path)}.${randomBytes(8).toString('hex')}.tmp`);
  const failed = (error: unknown) => new DestinationError(dest, error as NodeJS.ErrnoException);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await fs.open(temp, 'wx', target.mode ?? 0o666).catch((error: unknown) => {
      throw failed(error);
    });
    created = true;
    const file = handle;
    let position = 0;
    const result = await write({
      path: temp,
      async write(data) {
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        try {
          for (let done = 0; done < bytes.length;) {
            const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position);
            done += bytesWritten;
            position += bytesWritten;
          }
        } catch (error) {
          throw failed(error);
        }
      },
      async reset() {
        await file.truncate(0).catch((error: unknown) => {
          throw failed(error);
        });
        position = 0;
      },
    });
    try {
      if (target.mode !== undefined) {
        await file.chmod(target.mode); // open's mode is narrowed by the umask
        if (target.uid !== undefined && process.getuid?.() === 0) await file.chown(target.uid, target.gid!);
      }
      await file.sync();
      handle = undefined;
      await file.close();
    } catch (error) {
      throw failed(error);
    }
    if (overwrite) await fs.rename(temp, target.path).catch((error: unknown) => Promise.reject(failed(error)));
    else await moveWithoutClobbering(temp, target.path, dest);
    return result;
  } finally {
    await handle?.close().catch(() => undefined);
    if (created) await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

/** link() refuses an existing target atomically; where links are unsupported, check then rename. */
async function moveWithoutClobbering(temp: string, target: string, dest: string): Promise<void> {
  try {
    await fs.link(temp, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new FileExistsError(dest);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS')
      throw new DestinationError(dest, error as NodeJS.ErrnoException);
  }
  if (await lstatOrUndefined(target)) throw new FileExistsError(dest);
  await fs.rename(temp, target).catch((error: unknown) => Promise.reject(new DestinationError(dest, error as NodeJS.ErrnoException)));
}
