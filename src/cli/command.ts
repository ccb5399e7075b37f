import type { ParsedArgs } from './args';

/** Exit codes (documented in README): */
export const ExitCode = {
  ok: 0,
  /** The command ran and found problems (validation errors, a failed batch). */
  findings: 1,
  /** Wrong usage: unknown command, missing argument, bad option. */
  usage: 2,
  /** The API refused: bad key, not found, too large, rate limited after retries. */
  api: 3,
  /** The API could not be reached: network down, timeout, 5xx after retries. */
  network: 4,
  /** A local file could not be read or written, or exists and --force was not given. */
  io: 5,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliIo {
  /** A line (or lines) of output; a newline is added when missing. */
  out(text: string): void;
  err(text: string): void;
  /** Raw stdout for bytes passed through unchanged (`files content`); without it they go to out() line by line. */
  readonly stdout?: NodeJS.WritableStream;
}

export interface CliContext {
  readonly args: ParsedArgs;
  readonly json: boolean;
  readonly io: CliIo;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}

/** One CLI command. `name` may have two words (`files list`). */
export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Options of this command that take a value, besides the global ones. */
  readonly valueOptions?: readonly string[];
  /** Bare switches of this command (`wait`), besides the global ones. Any other option is refused. */
  readonly switches?: readonly string[];
  run(ctx: CliContext): Promise<ExitCode>;
}
