import { parseArgs, UsageError } from './args';
import { ExitCode, type CliCommand, type CliIo } from './command';
import { validateCommand } from './validate';
import { batchesCancelCommand, batchesGetCommand, batchesListCommand, filesContentCommand, filesListCommand, filesUploadCommand, modelsCommand } from './apiCommands';
import { submitCommand } from './submit';

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
];

const GLOBAL_VALUE_OPTIONS = ['base-url', 'api-key'];

function usage(): string {
  const width = Math.max(0, ...COMMANDS.map((c) => c.usage.length));
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return [
    'usage: kluster [--base-url URL] [--api-key KEY] [--json] <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'The API key is read from --api-key, else the KLUSTER_API_KEY environment variable.',
    'Exit codes: 0 ok, 1 findings (validation errors, failed batch), 2 usage, 3 API refused, 4 network, 5 file I/O, 130 interrupted.',
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
};

/** Runs the CLI and resolves to the process exit code. */
export async function runCli(
  argv: string[],
  io: CliIo = consoleIo,
  env: NodeJS.ProcessEnv = process.env,
  signal: AbortSignal = new AbortController().signal,
): Promise<ExitCode> {
  const valueOptions = new Set([...GLOBAL_VALUE_OPTIONS, ...COMMANDS.flatMap((c) => c.valueOptions ?? [])]);
  let parsed;
  try {
    parsed = parseArgs(argv, valueOptions);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`kluster: ${error.message}\n\n${usage()}`);
    return ExitCode.usage;
  }
  if (parsed.switches.has('help') || parsed.switches.has('h') || parsed.positional.length === 0) {
    io.out(usage());
    return parsed.positional.length === 0 && !parsed.switches.has('help') ? ExitCode.usage : ExitCode.ok;
  }
  const found = findCommand(parsed.positional);
  if (!found) {
    io.err(`kluster: unknown command '${parsed.positional.join(' ')}'\n\n${usage()}`);
    return ExitCode.usage;
  }
  const args = { ...parsed, positional: found.rest };
  try {
    return await found.command.run({ args, json: parsed.switches.has('json'), io, env, signal });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`kluster: ${error.message}\nusage: kluster ${found.command.usage}`);
      return ExitCode.usage;
    }
    throw error;
  }
}
