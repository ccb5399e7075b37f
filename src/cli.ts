// Headless CLI over src/core (dist/cli.js). Commands are added by the API client and validation work.
import { runCli } from './cli/main';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`kluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
