// Result and request lines for the results unit tests, in our joined format and the service's raw format.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';

export const request = (id: string, text = `question ${id}`, model = 'm1') =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: text },
      ],
    },
  });

export const rawSuccess = (id: string, reply = `answer ${id}`, model = 'm1', usage = { prompt_tokens: 3, completion_tokens: 4 }) => ({
  id: `req-${id}`,
  custom_id: id,
  response: {
    status_code: 200,
    request_id: 'r',
    body: { model, choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }], usage },
  },
  error: null,
});
export const rawFailure = (id: string, message = 'boom') => ({
  id: `req-${id}`,
  custom_id: id,
  response: null,
  error: { code: 'server_error', message },
});

export const joined = (id: string, line: number, status: 'succeeded' | 'failed' | 'missing', extra: Record<string, unknown> = {}) => {
  const base =
    status === 'succeeded'
      ? rawSuccess(id)
      : status === 'failed'
        ? rawFailure(id)
        : { id: undefined, response: null, error: { code: 'missing', message: 'The batch expired before this request ran.' } };
  return JSON.stringify({
    custom_id: id,
    input_line: line,
    status,
    id: base.id ?? null,
    response: base.response,
    error: base.error,
    ...extra,
  });
};

export async function tempDir(): Promise<{
  dir: string;
  write: (name: string, lines: string[], eol?: string) => Promise<string>;
  remove: () => Promise<void>;
}> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'results-'));
  return {
    dir,
    write: async (name, lines, eol = '\n') => {
      const file = path.join(dir, name);
      await fs.writeFile(file, lines.join(eol) + eol);
      return file;
    },
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
