import * as assert from 'assert';
import { asyncBatchIdOf, ChatCompletionSchema } from '../../../src/core/api';

describe('async request acknowledgement', () => {
  it('names the batch in the docs’ example response id', () => {
    const ack = ChatCompletionSchema.parse({
      id: '67783976bf636f79b49643ee_1743267849127',
      object: 'chat.completion',
      created: 1743267849,
      model: 'google/gemma-3-27b-it',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Your request has been queued for adaptive inference. Check your batch jobs for results.',
          },
          finish_reason: 'stop',
        },
      ],
    });
    assert.strictEqual(asyncBatchIdOf(ack), '67783976bf636f79b49643ee');
  });

  it('is undefined for an ordinary completion id', () => {
    assert.strictEqual(asyncBatchIdOf({ id: 'chatcmpl-abc' }), undefined);
    assert.strictEqual(asyncBatchIdOf({ id: '67783976bf636f79b49643ee' }), undefined);
  });
});
