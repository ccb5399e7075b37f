// Headless CLI over src/core, built to dist/cli.js. Commands live in src/cli/.
import { runCli } from './cli/main';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

runCli(process.argv.slice(2), undefined, process.env, controller.signal).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A last resort: commands map expected failures to exit codes themselves. One line, no stack trace.
    console.error(`kluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
