// The API key never reaches the log, even when a server echoes it back in an error.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import { waitFor } from '../batchesFixture';

/** Every `kluster.ai.log` under the user data folder: the files VS Code writes the output channel to. */
function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return logFiles(full);
    return entry.name === 'kluster.ai.log' ? [full] : [];
  });
}

function readLogs(userData: string): string {
  return logFiles(path.join(userData, 'logs'))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

describe('Log redaction', function () {
  this.timeout(60_000);
  const key = `kluster-secret-${Date.now()}-abcdef`;
  let server: http.Server;
  let authorizations: string[] = [];
  let baseUrl = '';

  before(async function () {
    if (!process.env.KLUSTER_TEST_USER_DATA) this.skip(); // set by both test runners
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    // A careless server: it refuses the key and quotes it back, as some real APIs do.
    server = http.createServer((request, response) => {
      const authorization = request.headers.authorization ?? '';
      authorizations.push(authorization);
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: { message: `Invalid API key provided: ${authorization.replace(/^Bearer /, '')}`, type: 'invalid_request_error' },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('kluster').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(Commands.clearApiKey);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('logs the refusal but never the key', async () => {
    authorizations = [];
    await vscode.workspace.getConfiguration('kluster').update('baseUrl', baseUrl, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(Commands.setApiKey, key);
    // Something asks the API with the key (the model list does, on a key change); wait for the request and its log line.
    const userData = process.env.KLUSTER_TEST_USER_DATA!;
    await waitFor(
      'a request with the key and a 401 in the log',
      () => authorizations.includes(`Bearer ${key}`) && /\b401\b/.test(readLogs(userData)),
    );
    const logs = readLogs(userData);
    assert.ok(!logs.includes(key), 'the key is not in any log file');
    assert.ok(!logs.includes(key.slice(0, 20)), 'nor a long piece of it');
    assert.match(logs, /refused|401/);
  });
});
