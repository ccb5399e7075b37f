/** Parsed command line: positional words, `--flag value` options and bare `--switch`es. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string>;
  readonly switches: Set<string>;
}

export class UsageError extends Error {}

/** The options a command accepts. */
export interface OptionSpec {
  /** Options that take a value (`--out F` or `--out=F`). */
  readonly values: ReadonlySet<string>;
  /** Bare switches (`--wait`). */
  readonly switches: ReadonlySet<string>;
}

/** One-letter spellings of switches. */
const SHORT_SWITCHES: Record<string, string> = { h: 'help' };

/**
 * Splits argv. `spec.values` names the options that take a value. With `strict`, any other
 * option that is not one of `spec.switches` is a UsageError naming it; without, it is a switch.
 */
export function parseArgs(argv: readonly string[], spec: OptionSpec, strict: boolean): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (/^-[^-]/.test(arg)) {
      const name = SHORT_SWITCHES[arg.slice(1)];
      if (name) switches.add(name);
      else if (strict) throw new UsageError(`unknown option '${arg}'`);
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.values.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else if (strict && !spec.switches.has(name)) {
      throw new UsageError(unknownOption(name, [...spec.values, ...spec.switches]));
    } else if (strict && eq >= 0) {
      throw new UsageError(`--${name} does not take a value`);
    } else {
      switches.add(name);
    }
  }
  return { positional, options, switches };
}

function unknownOption(name: string, known: readonly string[]): string {
  const closest = known
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(({ candidate, distance }) => distance <= Math.max(1, Math.floor(candidate.length / 3)))
    .sort((a, b) => a.distance - b.distance)[0];
  return `unknown option '--${name}'${closest ? `; did you mean '--${closest.candidate}'?` : ''}`;
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit (`--wiat`). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
