import * as assert from 'assert';
import * as net from 'net';
import { checkApiKey } from '../../../src/auth/keyCheck';
import { useEmulator } from '../api/helpers';

describe('Set API Key: checking the key', () => {
  const f = useEmulator();

  it('says the key works, with the number of models the base URL lists', async () => {
    const check = await checkApiKey(f.emulator.url, f.emulator.apiKey);
    const host = new URL(f.emulator.url).host;
    assert.deepStrictEqual(check, {
      works: true,
      message: `kluster.ai API key saved to secret storage. It works: ${host} lists 10 models.`,
      remedies: [],
    });
  });

  it('says a refused key does not work, offers a new one, and never shows the key', async () => {
    const check = await checkApiKey(f.emulator.url, 'sk-wrong-key-0123456789');
    assert.strictEqual(check.works, false);
    assert.match(check.message, /^kluster\.ai API key saved to secret storage, but it does not work: The API key was refused \(401: /);
    assert.ok(!check.message.includes('sk-wrong-key-0123456789'));
    assert.deepStrictEqual(check.remedies, ['setApiKey']);
  });

  it('a network failure is not a wrong key: it says the key could not be checked, with Retry', async () => {
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const check = await checkApiKey(`http://127.0.0.1:${port}/v1`, f.emulator.apiKey);
    assert.strictEqual(check.works, undefined);
    assert.match(
      check.message,
      /^kluster\.ai API key saved to secret storage; it could not be checked: Could not reach 127\.0\.0\.1:\d+: /,
    );
    assert.doesNotMatch(check.message, /refused|does not work/);
    assert.deepStrictEqual(check.remedies, ['retry', 'openSettings']);
  });

  it('a wrong base URL is not a wrong key either: Open Settings', async () => {
    const check = await checkApiKey(f.emulator.url.replace(/\/v1$/, '/v2'), f.emulator.apiKey);
    assert.strictEqual(check.works, undefined);
    assert.match(check.message, /could not be checked: Not found \(404\) at .*\/v2: .* The base URL looks wrong; /);
    assert.deepStrictEqual(check.remedies, ['openSettings']);
  });
});
