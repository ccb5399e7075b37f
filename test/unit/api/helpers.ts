// Shared setup for API tests: an emulator per suite and small files to upload.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KlusterClient, type Batch, type KlusterClientOptions } from '../../../src/core/api';
import { FAST_TIMING, startEmulator, type Emulator, type EmulatorOptions } from '../../../src/emulator';

export { requestLine } from '../../fixtures/requests';

export interface Fixture {
  emulator: Emulator;
  dir: string;
  client(options?: Partial<KlusterClientOptions>): KlusterClient;
}

/** Starts an emulator (fast timing) before the suite and stops it after. */
export function useEmulator(options: EmulatorOptions = {}): Fixture {
  const fixture = {} as Fixture;
  before(async () => {
    fixture.emulator = await startEmulator({ timing: FAST_TIMING, ...options });
    fixture.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-test-'));
    fixture.client = (overrides = {}) =>
      new KlusterClient({ baseUrl: fixture.emulator.url, apiKey: fixture.emulator.apiKey, maxRetries: 2, timeoutMs: 5000, ...overrides });
  });
  afterEach(() => fixture.emulator.faults.clear());
  after(async () => {
    await fixture.emulator?.close();
    if (fixture.dir) await fs.rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

export async function writeLines(dir: string, name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, lines.map((l) => l + '\n').join(''));
  return file;
}

/** Polls a batch until it reaches one of `statuses`, recording every status seen. */
export async function waitForBatch(
  client: KlusterClient,
  id: string,
  statuses: string[],
  seen: string[] = [],
  timeoutMs = 5000,
): Promise<Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.getBatch(id);
    if (seen.at(-1) !== batch.status) seen.push(batch.status);
    if (statuses.includes(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.status}; saw ${seen.join(' → ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function rejects<T>(promise: Promise<T>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
