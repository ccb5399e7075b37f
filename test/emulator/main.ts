// `npm run emulator -- [--port N] [--api-key K] [--fast] [--tier free|standard] [--extra-models A,B]`: a local kluster.ai API.
import { DEFAULT_EMULATOR_KEY, FAST_TIMING, startEmulator } from '../../src/emulator';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const arg = args[at]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('usage: npm run emulator -- [--port N] [--host H] [--api-key K] [--fast] [--tier free|standard] [--extra-models ID,ID]');
    console.log(`The emulator accepts the key '${DEFAULT_EMULATOR_KEY}' unless --api-key is given.`);
    return;
  }
  const port = Number(option('port') ?? 8788);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port: ${option('port')}`);
  const tier = option('tier') ?? 'standard';
  if (tier !== 'free' && tier !== 'standard') throw new Error(`bad --tier: ${tier}`);
  const emulator = await startEmulator({
    port,
    host: option('host'),
    apiKey: option('api-key'),
    tier,
    timing: process.argv.includes('--fast') ? FAST_TIMING : undefined,
    extraModels: option('extra-models')?.split(',').filter(Boolean),
  });
  const keyNote = option('api-key') ? 'the key given with --api-key' : `'${emulator.apiKey}'`;
  console.log(`kluster.ai emulator listening; base URL ${emulator.url} (API key: ${keyNote}, tier: ${tier})`);
  console.log('ready');
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
