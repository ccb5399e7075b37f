/** Parsed command line: positional words, `--flag value` options and bare `--switch`es. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string>;
  readonly switches: Set<string>;
}

export class UsageError extends Error {}

/**
 * Splits argv. `valueOptions` names the options that take a value (`--out F` or `--out=F`);
 * any other `--name` is a switch.
 */
export function parseArgs(argv: readonly string[], valueOptions: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (valueOptions.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else if (eq >= 0) {
      throw new UsageError(`--${name} does not take a value`);
    } else {
      switches.add(name);
    }
  }
  return { positional, options, switches };
}
