import type { ChatCompletion } from './schemas';

/**
 * The batch an async request became. The service answers an async chat request with a stand-in completion
 * whose id is `<batch id>_<milliseconds>` (docs "Submit an async request": `67783976bf636f79b49643ee_1743267849127`).
 */
export function asyncBatchIdOf(ack: Pick<ChatCompletion, 'id'>): string | undefined {
  return /^([^_\s]+)_\d+$/.exec(ack.id)?.[1];
}
