// A local emulator of the kluster.ai API (node:http only), for tests and for trying the product
// without an account. Start it in-process on port 0, or with `npm run emulator -- --port N`.
import { promises as fs } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { Batches, type StoredBatch } from './batches';
import { errorBody } from './chat';
import { FaultInjector } from './faults';
import { Exchange, HttpError } from './http';
import { routes } from './routes';
import { DOCUMENTED_LIMITS, HUMAN_TIMING, Store, type EmulatorLimits, type EmulatorTiming, type RequestLogEntry } from './state';

export { FAST_TIMING, HUMAN_TIMING } from './state';
export type { EmulatorLimits, EmulatorTiming, RequestLogEntry } from './state';
export { FaultInjector, type FaultKind, type FaultSpec } from './faults';
export { FAIL_ONCE_TRIGGER, FAIL_TRIGGER, STREAM_USAGE_TRIGGER } from './chat';

/** The key the emulator accepts unless told otherwise. */
export const DEFAULT_EMULATOR_KEY = 'test-key';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly apiKey?: string;
  readonly timing?: Partial<EmulatorTiming>;
  readonly limits?: Partial<EmulatorLimits>;
  /** 'free' enforces the free tier's batch line cap. Default 'standard'. */
  readonly tier?: 'free' | 'standard';
  /** Model ids served (listed and accepted) beyond the documented ones, e.g. to tell two emulators apart. */
  readonly extraModels?: readonly string[];
}

export interface EmulatorState {
  /** Every request received, oldest first, with the status answered and any fault applied. */
  readonly requests: RequestLogEntry[];
  readonly store: Store;
  readonly batches: Batches;
  batch(id: string): StoredBatch | undefined;
  /** Ends a running batch as `expired` now, keeping results already produced. */
  expireBatch(id: string): Promise<boolean>;
  /** Lets a running batch go on to finalizing and completed now (one held by a long `inProgressMs`). */
  finishBatch(id: string): boolean;
}

export interface Emulator {
  /** Base URL ending in `/v1`. */
  readonly url: string;
  readonly apiKey: string;
  readonly faults: FaultInjector;
  readonly state: EmulatorState;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apiKey = options.apiKey ?? DEFAULT_EMULATOR_KEY;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-emulator-'));
  const store = new Store(
    dir,
    { ...HUMAN_TIMING, ...options.timing },
    { ...DOCUMENTED_LIMITS, ...options.limits },
    options.tier ?? 'standard',
  );
  store.extraModels.push(...(options.extraModels ?? []));
  const batches = new Batches(store);
  const faults = new FaultInjector();
  const table = routes(store, batches);

  const server: Server = createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = new URL(req.url ?? '/', 'http://emulator.invalid').pathname.replace(/\/+$/, '') || '/';
    const log: RequestLogEntry = { method, path: pathname, at: Date.now() };
    store.requests.push(log);
    const fault = faults.take(method, pathname);
    if (fault) log.fault = fault.kind;
    const ex = new Exchange(req, res, fault, log);
    void handle(ex, method, pathname).catch(async (error: unknown) => {
      // Too late for an answer, or nobody left to read it (the client gave up mid-upload).
      if (res.headersSent || req.socket.destroyed) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        await ex.error(error.status, error.body);
        return;
      }
      console.error('[emulator]', error);
      await ex.error(500, errorBody('Emulator bug: ' + String(error), 'server_error', null));
    });
  });

  async function handle(ex: Exchange, method: string, pathname: string): Promise<void> {
    const fault = ex.fault;
    if (fault?.kind === 'drop' && fault.afterBytes === 0) {
      ex.req.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall' && fault.afterBytes === undefined) return;
    if (fault?.kind === 'respond') {
      await ex.drain();
      return ex.json(fault.status ?? 200, undefined, fault.body ?? '', { 'content-type': 'application/json', ...fault.headers });
    }
    if (fault?.kind === 'rate_limit') {
      await ex.drain();
      const seconds = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
      const headers: Record<string, string> = seconds === null ? {} : { 'retry-after': String(seconds) };
      return ex.error(429, errorBody('Rate limit reached for requests. Please slow down.', 'rate_limit_error', 'rate_limit_exceeded'), {
        ...headers,
        ...fault.headers,
      });
    }
    if (fault?.kind === 'server_error') {
      await ex.drain();
      return ex.error(
        fault.status ?? 500,
        errorBody('The server had an error while processing your request (emulated).', 'server_error', null),
        fault.headers,
      );
    }
    if (ex.req.headers.authorization !== `Bearer ${apiKey}`) {
      await ex.drain();
      return ex.error(
        401,
        errorBody(
          'Invalid API key. Check the key you set, or create one in the kluster.ai platform.',
          'invalid_request_error',
          'invalid_api_key',
        ),
      );
    }
    const methodMatches = table.filter(([, pattern]) => pattern.test(pathname));
    const route = methodMatches.find(([m]) => m === method);
    if (!route) {
      await ex.drain();
      const status = methodMatches.length ? 405 : 404;
      return ex.error(
        status,
        errorBody(
          `${method} ${pathname} is not an endpoint of the kluster.ai API.`,
          'invalid_request_error',
          status === 405 ? 'method_not_allowed' : 'unknown_url',
        ),
      );
    }
    const params = route[1].exec(pathname)!.slice(1).map(decodeURIComponent);
    await route[2](ex, params);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed = false;
  return {
    url: `http://${host}:${address.port}/v1`,
    apiKey,
    faults,
    state: {
      requests: store.requests,
      store,
      batches,
      batch: (id) => batches.get(id),
      expireBatch: async (id) => {
        const batch = batches.get(id);
        return batch ? batches.expire(batch) : false;
      },
      finishBatch: (id) => {
        const batch = batches.get(id);
        return batch ? batches.finishNow(batch) : false;
      },
    },
    async close() {
      if (closed) return;
      closed = true;
      store.stopTimers();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
