const USAGE = `usage: kluster <command> [options]

Commands are added as the CLI grows; run with --help for the list.`;

/** Runs the CLI and resolves to the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  console.error(`kluster: unknown command '${argv[0]}'\n${USAGE}`);
  return 2;
}
