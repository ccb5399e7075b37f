// Headless CLI over src/core, built to dist/cli.js. Commands live in src/cli/.
import { runCli } from './cli/main';
import { ExitCode } from './cli/command';

const controller = new AbortController();
/** 128 + SIGTERM, what a shell reports for a process the signal ended. */
const TERMINATED = 143;
/** SIGTERM ends the CLI as Ctrl-C does: work stops, temp files go, a created batch is named; only the code differs. */
let terminated = false;
const stop = (signal: NodeJS.Signals) => {
  terminated ||= signal === 'SIGTERM';
  controller.abort();
  // Commands stop on the signal; should anything still hang, leave anyway (the timer does not keep us alive).
  setTimeout(() => process.exit(terminated ? TERMINATED : ExitCode.interrupted), 3000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

// A reader that stops early (`kluster files content ID | head`) is not a failure: stop quietly. Any other
// failure to write the output (a full disk, /dev/full) is a local I/O error: one line, exit code 5.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
  const reason = error.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : error.message;
  process.stderr.write(`kluster: Cannot write the output: ${reason}.\n`);
  process.exit(ExitCode.io);
});

// process.exitCode, not process.exit(): exiting at once would drop stdout still queued for a pipe.
runCli(process.argv.slice(2), undefined, process.env, controller.signal).then(
  (code) => {
    process.exitCode = terminated && code === ExitCode.interrupted ? TERMINATED : code;
  },
  (error: unknown) => {
    // A last resort: commands map expected failures to exit codes themselves. One line, no stack trace.
    console.error(`kluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = ExitCode.usage;
  },
);
