import { parseArgs, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { ExitCode, type CliCommand, type CliIo } from './command';
import { validateCommand } from './validate';
import {
  batchesCancelCommand,
  batchesGetCommand,
  batchesListCommand,
  filesContentCommand,
  filesListCommand,
  filesUploadCommand,
  modelsCommand,
} from './apiCommands';
import { resultsCommand } from './results';
import { submitCommand } from './submit';
import { chatCommand } from './chat';
import { fineTuningCancelCommand, fineTuningCreateCommand, fineTuningGetCommand, fineTuningListCommand } from './fineTuning';
import { escapeControls } from '../core/util/printable';
import { experimentBuildCommand, experimentJudgeCommand, experimentScoreCommand } from './experiment';
import { experimentRunCommand } from './experimentRun';
import { resultsMergeCommand, resultsSummaryCommand, retryCommand } from './resultsFile';

/** Every CLI command. Features add theirs here. */
const COMMANDS: CliCommand[] = [
  validateCommand,
  modelsCommand,
  filesListCommand,
  filesUploadCommand,
  filesContentCommand,
  batchesListCommand,
  batchesGetCommand,
  batchesCancelCommand,
  submitCommand,
  resultsCommand,
  experimentBuildCommand,
  experimentScoreCommand,
  experimentJudgeCommand,
  experimentRunCommand,
  retryCommand,
  resultsMergeCommand,
  resultsSummaryCommand,
  fineTuningListCommand,
  fineTuningGetCommand,
  fineTuningCancelCommand,
  fineTuningCreateCommand,
  chatCommand,
];

const GLOBAL_VALUE_OPTIONS = ['base-url', 'api-key', 'timeout', 'max-retry-wait'];
const GLOBAL_SWITCHES = ['json', 'help'];

function optionsOf(command: CliCommand): OptionSpec {
  return {
    values: new Set([...GLOBAL_VALUE_OPTIONS, ...(command.valueOptions ?? [])]),
    switches: new Set([...GLOBAL_SWITCHES, ...(command.switches ?? [])]),
  };
}

const HELP_WIDTH = 100;

/**
 * Breaks `text` into lines of at most HELP_WIDTH columns, between words and never inside a `[...]` option group;
 * continuation lines get `hang` more spaces.
 */
function wrapped(text: string, indent: number, hang = 0): string[] {
  const lines: string[] = [];
  let line = ' '.repeat(indent);
  for (const word of text.match(/\[(?:[^[\]]|\[[^\]]*\])*\]|\S+/g) ?? []) {
    if (line.trim() && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent + hang) + word;
    } else line += (line.trim() ? ' ' : '') + word;
  }
  return [...lines, line];
}

function usage(): string {
  return [
    ...wrapped(
      'usage: kluster [--base-url URL] [--api-key KEY] [--timeout SECONDS] [--max-retry-wait SECONDS] [--json] <command> [options]',
      0,
      15,
    ),
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => [...wrapped(c.usage, 2, 2), ...wrapped(c.summary, 6, 2)]),
    '',
    ...wrapped(
      'The API key is read from --api-key, else the KLUSTER_API_KEY environment variable. ' +
        'A request fails after --timeout seconds without progress (KLUSTER_TIMEOUT, default 60); a retry waits at most ' +
        '--max-retry-wait seconds (KLUSTER_MAX_RETRY_WAIT, default 60), whatever Retry-After asks.',
      0,
    ),
    ...wrapped(
      'Exit codes: 0 ok, 1 findings (validation errors, failed batch or fine-tuning job), 2 usage, 3 API refused, 4 network, 5 file I/O, 130 interrupted, 143 terminated.',
      0,
      12,
    ),
  ].join('\n');
}

/** Finds the command whose name matches the leading positional words (longest first). */
function findCommand(positional: string[]): { command: CliCommand; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = positional.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: positional.slice(words) };
  }
  return undefined;
}

const consoleIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  stdout: process.stdout,
};

/**
 * Everything printed as text passes here: control characters (from the service's messages, file names,
 * errors.data) are escaped, so nothing printed can steer the terminal. Raw stdout bytes stay raw.
 */
function escapedIo(io: CliIo): CliIo {
  return { out: (text) => io.out(escapeControls(text, true)), err: (text) => io.err(escapeControls(text, true)), stdout: io.stdout };
}

/** `--json` anywhere before `--`, for errors found before the arguments are parsed. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** Runs the CLI and resolves to the process exit code. */
export async function runCli(
  argv: string[],
  rawIo: CliIo = consoleIo,
  env: NodeJS.ProcessEnv = process.env,
  signal: AbortSignal = new AbortController().signal,
): Promise<ExitCode> {
  const io = escapedIo(rawIo);
  let json = wantsJson(argv);
  /** With --json, the documented error object; else the message and the usage to follow. */
  const usageError = (message: string, usageText: string) => {
    io.err(json ? JSON.stringify({ error: { kind: 'usage', message } }) : `kluster: ${message}\n\n${usageText}`);
    return ExitCode.usage;
  };
  // First pass, lenient: any command's value options, just to find the command's words.
  const anyCommand: OptionSpec = {
    values: new Set([...GLOBAL_VALUE_OPTIONS, ...COMMANDS.flatMap((c) => c.valueOptions ?? [])]),
    switches: new Set(),
  };
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv, anyCommand, false);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(error.message, usage());
  }
  json = parsed.switches.has('json');
  const help = parsed.switches.has('help');
  const found = findCommand(parsed.positional);
  if (!found) {
    if (help) {
      io.out(usage());
      return ExitCode.ok;
    }
    if (parsed.positional.length === 0) {
      if (json) return usageError('missing command', usage());
      io.out(usage());
      return ExitCode.usage;
    }
    return usageError(`unknown command '${parsed.positional.join(' ')}'`, usage());
  }
  const commandUsage = `usage: kluster ${found.command.usage}\n${found.command.summary}.`;
  if (help) {
    io.out(commandUsage);
    return ExitCode.ok;
  }
  // Second pass, strict: only the global options and this command's own.
  try {
    parsed = parseArgs(argv, optionsOf(found.command), true);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(error.message, commandUsage);
  }
  const words = found.command.name.split(' ');
  if (words.some((word, i) => parsed.positional[i] !== word))
    return usageError(`options go after the command name '${found.command.name}'`, commandUsage);
  const args = { ...parsed, positional: parsed.positional.slice(words.length) };
  try {
    return await found.command.run({ args, json: parsed.switches.has('json'), io, env, signal });
  } catch (error) {
    if (error instanceof UsageError) {
      if (json) return usageError(error.message, '');
      io.err(`kluster: ${error.message}\nusage: kluster ${found.command.usage}`);
      return ExitCode.usage;
    }
    throw error;
  }
}
