// The CLI as tests run it: in-process through runCli with its output captured, or the built bundle.
import * as path from 'path';
import { runCli } from '../../../src/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** The built dist/cli.js, for tests that spawn a real process. */
export const CLI = path.resolve(__dirname, '../../../../dist/cli.js');

/** Runs the CLI in-process with `env` (by default no API key and no base URL) and collects what it prints. */
export async function runCaptured(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const line = (t: string) => (t.endsWith('\n') ? t : t + '\n');
  const code = await runCli(argv, { out: (t) => void (out += line(t)), err: (t) => void (err += line(t)) }, env);
  return { code, out, err };
}
