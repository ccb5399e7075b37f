import * as assert from 'assert';
import { Commands } from '../../../src/constants';
import { KlusterError, MissingApiKeyError } from '../../../src/core/api';
import { errorNode } from '../../../src/views/errorNode';

// Both tree views build their failure node here, so the Files view has every branch the Batches view has.
describe('tree error node', () => {
  it('asks for a key when none is set', () => {
    const node = errorNode(new MissingApiKeyError(), 'files', Commands.refreshFiles);
    assert.deepStrictEqual(node, {
      kind: 'message',
      text: 'No API key is set. Click to set one.',
      detail: new MissingApiKeyError().message,
      command: { command: Commands.setApiKey, title: 'Set API Key' },
    });
  });

  it('offers a new key when the key is refused', () => {
    const node = errorNode(new KlusterError('unauthorized', 'The API key was refused (401).'), 'batches', Commands.refreshBatches);
    assert.strictEqual(node.text, 'The API key was refused. Click to set a new one.');
    assert.strictEqual(node.command?.command, Commands.setApiKey);
  });

  it('opens the base URL setting when the base URL looks wrong (a 404 from the list itself)', () => {
    const error = new KlusterError('wrong_base_url', 'Not found (404) at http://h/v2: no. The base URL looks wrong.', { status: 404 });
    assert.deepStrictEqual(errorNode(error, 'batches', Commands.refreshBatches), {
      kind: 'message',
      text: 'Could not load batches: the base URL looks wrong. Click to open the setting.',
      detail: error.message,
      command: { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: ['kluster.baseUrl'] },
    });
  });

  it('retries with the view’s own refresh otherwise', () => {
    const node = errorNode(new KlusterError('network', 'Could not reach 127.0.0.1:9.'), 'files', Commands.refreshFiles);
    assert.deepStrictEqual(node, {
      kind: 'message',
      text: 'Could not load files. Click to retry.',
      detail: 'Could not reach 127.0.0.1:9.',
      command: { command: Commands.refreshFiles, title: 'Retry' },
    });
  });
});
