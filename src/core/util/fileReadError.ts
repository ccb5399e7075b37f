// A local file that could not be read, said so: not mistaken for a network failure, and with its path
// (fs's own EISDIR or EIO errors name none).

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'input/output error (EIO)',
};

/** A local file that could not be read: the person's to fix, never a network failure. */
export class FileReadError extends Error {
  /** `cause`: what fs threw, or an error code such as 'EISDIR'. */
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const code = typeof cause === 'string' ? cause : (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = (code && READ_FAILURES[code]) ?? (cause instanceof Error ? cause.message : String(cause));
    super(`Cannot read ${path}: ${reason}.`, { cause });
    this.name = 'FileReadError';
  }
}
