// dist/cli.js writing into a real pipe whose reader is slower than the CLI: nothing may be lost,
// and the process must still end by itself (nothing left keeping it alive).
import * as assert from 'assert';
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../src/cli/command';
import { requestLine, useEmulator } from '../api/helpers';
import { CLI } from './helpers';

/** Reads nothing for a second (the pipe fills up), then all of stdin; prints byte count and sha256. */
const SLOW_READER = `
const hash = require('crypto').createHash('sha256');
let bytes = 0;
let text = [];
setTimeout(() => {
  process.stdin.on('data', (chunk) => { bytes += chunk.length; hash.update(chunk); text.push(chunk); });
  process.stdin.on('end', () => {
    let json = null;
    try { json = JSON.parse(Buffer.concat(text).toString('utf8')).length; } catch {}
    console.log(JSON.stringify({ bytes, sha256: hash.digest('hex'), jsonItems: json }));
  });
}, 1000);
`;

interface Piped {
  code: number | null;
  err: string;
  read: { bytes: number; sha256: string; jsonItems: number | null };
}

/** `node dist/cli.js ARGS | node -e SLOW_READER`, through an OS pipe the test process never reads. */
function pipeThroughSlowReader(args: string[], env: NodeJS.ProcessEnv): Promise<Piped> {
  return new Promise((resolve, reject) => {
    const reader = spawn(process.execPath, ['-e', SLOW_READER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const cli = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', reader.stdin, 'pipe'],
    });
    // The CLI holds its own copy of the pipe's write end; the reader sees the end when the CLI exits.
    reader.stdin.destroy();
    let err = '';
    let readerOut = '';
    cli.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    reader.stdout.on('data', (chunk: Buffer) => (readerOut += chunk.toString()));
    const cliExit = new Promise<number | null>((done) => cli.on('exit', (code) => done(code)));
    reader.on('error', reject);
    reader.on('exit', () => {
      void cliExit.then((code) => {
        try {
          resolve({ code, err, read: JSON.parse(readerOut) });
        } catch (error) {
          reject(new Error(`reader said '${readerOut}' (${String(error)}); cli stderr: ${err}`));
        }
      });
    });
  });
}

describe('CLI output into a slow pipe', () => {
  const f = useEmulator();
  const env = () => ({ KLUSTER_API_KEY: f.emulator.apiKey, KLUSTER_BASE_URL: f.emulator.url });

  it('files content passes a multi-MB file through unchanged, byte for byte', async () => {
    // ~4 MB with no newline at the end: the bytes must arrive exactly as stored, nothing added.
    const lines = Array.from({ length: 15000 }, (_, i) => requestLine(`r${i}`, `question ${i} ${'x'.repeat(100)}`));
    const file = path.join(f.dir, 'four-mb.jsonl');
    await fs.writeFile(file, lines.join('\n'));
    const content = await fs.readFile(file);
    assert.ok(content.length > 4_000_000);
    const uploaded = await f.client().uploadFile(file);

    const run = await pipeThroughSlowReader(['files', 'content', uploaded.id], env());
    assert.strictEqual(run.code, ExitCode.ok, run.err);
    assert.strictEqual(run.read.bytes, content.length);
    assert.strictEqual(run.read.sha256, createHash('sha256').update(content).digest('hex'));
  });

  it('validate --format json: a large report arrives whole and parses', async () => {
    // 3,000 broken lines make about a megabyte of JSON diagnostics.
    const file = path.join(f.dir, 'broken.jsonl');
    await fs.writeFile(file, Array.from({ length: 3000 }, (_, i) => `{"custom_id": "b${i}",`).join('\n') + '\n');

    const run = await pipeThroughSlowReader(['validate', file, '--format', 'json'], {});
    assert.strictEqual(run.code, ExitCode.findings, run.err);
    assert.ok(run.read.bytes > 131072 * 4, `only ${run.read.bytes} bytes of JSON`);
    assert.strictEqual(run.read.jsonItems, 1, 'one report, parsed whole');
  });
});
