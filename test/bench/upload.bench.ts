// npm run bench:upload — uploads a generated ~99 MiB batch file (just under the 100 MiB limit) to the
// emulator, running in its own process, and states this process's peak RSS growth during the upload,
// beside the floor: streaming the same file from disk without sending it. Fails if the upload
// grows RSS by more than MAX_GROWTH_MB, i.e. if it buffers the file.
import { spawn, type ChildProcess } from 'child_process';
import { createReadStream, promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KlusterClient } from '../../src/core/api';
import { writeBigFile } from './genBig';

const MAX_GROWTH_MB = 64;
const EMULATOR = path.resolve(__dirname, '..', 'emulator', 'main.js');
const MB = 1024 * 1024;

/** Runs `work` while sampling RSS every 5 ms; returns its time and the peak RSS above the start. */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; growthBytes: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms: performance.now() - started, growthBytes: peak - baseline };
}

function startEmulator(): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EMULATOR, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /base URL (\S+)/.exec(text)?.[1];
      if (url && text.includes('ready')) resolve({ url, child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`emulator exited (${code}): ${text}`)));
  });
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-bench-upload-'));
  const file = path.join(dir, 'big.jsonl');
  const { lines, bytes } = writeBigFile(file, 99);
  const { url, child } = await startEmulator();
  try {
    const floor = await measure(async () => {
      for await (const _ of createReadStream(file, { highWaterMark: 256 * 1024 })) {
        /* read only */
      }
    });
    const client = new KlusterClient({ baseUrl: url, apiKey: 'test-key' });
    let uploaded = 0;
    const upload = await measure(async () => {
      const result = await client.uploadFile(file, { onProgress: (done) => (uploaded = done) });
      if (result.bytes !== bytes) throw new Error(`emulator stored ${result.bytes} bytes of ${bytes}`);
    });
    const mbps = (ms: number) => (bytes / MB / (ms / 1000)).toFixed(0);
    console.log(`upload benchmark: ${lines} lines, ${(bytes / MB).toFixed(1)} MiB (${uploaded} bytes reported by progress)`);
    console.log(
      `  floor (stream the file from disk): ${floor.ms.toFixed(0)} ms, ${mbps(floor.ms)} MiB/s, peak RSS growth ${(floor.growthBytes / MB).toFixed(1)} MiB`,
    );
    console.log(
      `  upload to the emulator:            ${upload.ms.toFixed(0)} ms, ${mbps(upload.ms)} MiB/s, peak RSS growth ${(upload.growthBytes / MB).toFixed(1)} MiB`,
    );
    console.log(
      `  ratio to floor: time ${(upload.ms / floor.ms).toFixed(1)}x, RSS growth ${(upload.growthBytes / Math.max(1, floor.growthBytes)).toFixed(1)}x (garbage not yet collected counts too)`,
    );
    if (upload.growthBytes > MAX_GROWTH_MB * MB) {
      console.error(
        `FAIL: peak RSS grew by ${(upload.growthBytes / MB).toFixed(1)} MiB (limit ${MAX_GROWTH_MB} MiB): the upload is buffering the file`,
      );
      process.exitCode = 1;
    }
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
