// The documented endpoints, answered in kluster.ai's shapes.
import { promises as fs } from 'fs';
import { FINETUNE_MIN_EXAMPLES } from '../core/jsonl/fileRules';
import { DOCUMENTED_MODELS } from '../core/models';
import { Batches, SUPPORTED_ENDPOINT, WINDOWS, batchCreateError } from './batches';
import { FAIL_TRIGGER, checkChatBody, completionFor, errorBody, mentionsFailTrigger, streamChunksFor } from './chat';
import { Exchange, HttpError } from './http';
import { boundaryOf, parseMultipart, MultipartError } from './multipart';
import { FINE_TUNABLE_MODELS, fileJson, fineTuningJobJson, nowSeconds, type Store } from './state';

type Handler = (ex: Exchange, params: string[]) => Promise<void>;

const invalid = (message: string, param: string | null = null, code = 'invalid_value') =>
  errorBody(message, 'invalid_request_error', code, param);
const notFound = (what: string, id: string) =>
  new HttpError(404, errorBody(`No ${what} found with id '${id}'.`, 'invalid_request_error', 'not_found', 'id'));

/** Applies `after`/`limit` the way the docs describe (limit 1..100, default 20). */
function paginate<T extends { id: string }>(ex: Exchange, items: T[]): { data: T[]; has_more: boolean } {
  const limitText = ex.url.searchParams.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new HttpError(400, invalid('`limit` must be an integer from 1 to 100.', 'limit'));
  const after = ex.url.searchParams.get('after');
  let start = 0;
  if (after) {
    const at = items.findIndex((item) => item.id === after);
    if (at < 0)
      throw new HttpError(
        404,
        errorBody(`No object found with id '${after}' for \`after\`.`, 'invalid_request_error', 'not_found', 'after'),
      );
    start = at + 1;
  }
  const data = items.slice(start, start + limit);
  return { data, has_more: start + limit < items.length };
}

export function routes(store: Store, batches: Batches): [string, RegExp, Handler][] {
  const chatModels = () => store.undocumentedModelIds();

  const listModels: Handler = async (ex) => {
    const documented = DOCUMENTED_MODELS.map((m) => ({ id: m.id, object: 'model', created: m.created, owned_by: m.owned_by }));
    const extra = store.extraModels.map((id) => ({ id, object: 'model', created: 1733832777, owned_by: 'emulator' }));
    const tuned = [...store.fineTuningJobs.values()].flatMap((j) =>
      j.fineTunedModel ? [{ id: j.fineTunedModel, object: 'model', created: j.finishedAt, owned_by: 'personal' }] : [],
    );
    await ex.json(200, { object: 'list', data: [...documented, ...extra, ...tuned] });
  };

  const uploadFile: Handler = async (ex) => {
    const boundary = boundaryOf(ex.req.headers['content-type']);
    if (!boundary) {
      await ex.drain();
      throw new HttpError(400, invalid('Uploads must be multipart/form-data with a `file` and a `purpose`.', 'file'));
    }
    let form;
    try {
      form = await parseMultipart(ex.bodyChunks(), boundary, store.dir, store.limits.maxFileBytes, () => `upload-${store.newId()}`);
    } catch (error) {
      if (error instanceof MultipartError) throw new HttpError(400, invalid(`Malformed multipart body: ${error.message}.`, 'file'));
      throw error;
    }
    const file = form.files.get('file');
    const purpose = form.fields.get('purpose');
    const reject = async (status: number, body: Record<string, unknown>) => {
      for (const f of form.files.values()) await fs.rm(f.path, { force: true });
      throw new HttpError(status, body);
    };
    if (!file) return reject(400, invalid('The `file` part is missing.', 'file', 'missing_required_parameter'));
    if (file.tooLarge) {
      const mb = (store.limits.maxFileBytes / 1048576).toFixed(store.limits.maxFileBytes % 1048576 ? 3 : 0);
      return reject(413, errorBody(`File too large: the limit is ${mb} MB per file.`, 'invalid_request_error', 'file_too_large', 'file'));
    }
    if (purpose !== 'batch' && purpose !== 'fine-tune') return reject(400, invalid("`purpose` must be 'batch' or 'fine-tune'.", 'purpose'));
    if (purpose === 'batch' && store.tier === 'free' && file.lines >= store.limits.freeTierMaxLines) {
      return reject(
        400,
        invalid(
          `Free tier: a batch file must have fewer than ${store.limits.freeTierMaxLines} requests; this one has ${file.lines}.`,
          'file',
          'too_many_requests_in_file',
        ),
      );
    }
    const stored = store.addFile(file.filename, purpose, file.bytes, file.path);
    await ex.json(200, fileJson(stored));
  };

  const fileById = (id: string) => {
    const file = store.files.get(id);
    if (!file) throw notFound('file', id);
    return file;
  };

  const listFiles: Handler = async (ex) => {
    const purpose = ex.url.searchParams.get('purpose');
    const files = [...store.files.values()].reverse().filter((f) => !purpose || f.purpose === purpose);
    const { data, has_more } = paginate(ex, files);
    await ex.json(200, {
      object: 'list',
      data: data.map(fileJson),
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more,
    });
  };

  const createBatch: Handler = async (ex) => {
    const body = (await ex.body()) as Record<string, unknown>;
    if (typeof body.input_file_id !== 'string')
      throw new HttpError(400, invalid('`input_file_id` is required.', 'input_file_id', 'missing_required_parameter'));
    const input = fileById(body.input_file_id);
    if (input.purpose !== 'batch')
      throw new HttpError(
        400,
        batchCreateError(
          `File ${input.id} has purpose '${input.purpose}'; a batch needs a file uploaded with purpose 'batch'.`,
          'input_file_id',
        ),
      );
    if (body.endpoint !== SUPPORTED_ENDPOINT)
      throw new HttpError(400, batchCreateError(`\`endpoint\` must be '${SUPPORTED_ENDPOINT}'.`, 'endpoint'));
    if (typeof body.completion_window !== 'string' || !WINDOWS.includes(body.completion_window)) {
      throw new HttpError(400, batchCreateError(`\`completion_window\` must be one of ${WINDOWS.join(', ')}.`, 'completion_window'));
    }
    const metadata = body.metadata ?? {};
    if (typeof metadata !== 'object' || Array.isArray(metadata))
      throw new HttpError(400, batchCreateError('`metadata` must be an object or null.', 'metadata'));
    const batch = batches.create(input, body.completion_window, metadata as Record<string, unknown>);
    // The docs show integers in the create response, numeric strings elsewhere.
    await ex.json(200, batches.json(batch, false));
  };

  const batchById = (id: string) => {
    const batch = batches.get(id);
    if (!batch) throw notFound('batch', id);
    return batch;
  };

  const listBatches: Handler = async (ex) => {
    const { data, has_more } = paginate(ex, batches.list());
    const page = {
      object: 'list',
      data: data.map((b) => batches.json(b, true)),
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more,
      count: data.length,
      page: 1,
      page_count: -1,
      items_per_page: 0,
    };
    // kluster sends items_per_page = 2^63-1, beyond what JSON.stringify can write exactly.
    const raw = JSON.stringify(page).replace(/"items_per_page":0}$/, '"items_per_page":9223372036854775807}');
    await ex.json(200, page, raw);
  };

  const chat: Handler = async (ex) => {
    const body = (await ex.body()) as Record<string, unknown>;
    ex.log.body = body;
    const refused = checkChatBody(body, chatModels());
    if (refused) return ex.error(refused.status, refused.body);
    const options = ((body.metadata as Record<string, unknown> | undefined)?.['@kluster.ai'] ?? {}) as Record<string, unknown>;
    if (options.async === true) {
      const window = options.completion_window;
      if (typeof window !== 'string' || !WINDOWS.includes(window)) {
        return ex.error(
          400,
          invalid(`Async requests need metadata["@kluster.ai"].completion_window, one of ${WINDOWS.join(', ')}.`, 'metadata'),
        );
      }
      const { metadata, stream: _stream, ...request } = body;
      const line = JSON.stringify({
        custom_id: `async-${nowSeconds()}-${store.newId().slice(-6)}`,
        method: 'POST',
        url: SUPPORTED_ENDPOINT,
        body: request,
      });
      const input = await store.writeFile(`async_request_${store.newId()}.jsonl`, 'batch', line + '\n');
      const batch = batches.create(input, window, metadata as Record<string, unknown>);
      return ex.json(200, {
        id: `${batch.id}_${Date.now()}`,
        object: 'chat.completion',
        created: nowSeconds(),
        model: body.model,
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
    }
    if (mentionsFailTrigger(body)) return ex.error(500, errorBody(`The model failed (emulated by ${FAIL_TRIGGER}).`, 'server_error', null));
    if (body.stream === true) return ex.sse(streamChunksFor(body, nowSeconds()));
    await ex.json(200, completionFor(body, nowSeconds()));
  };

  const createFineTuningJob: Handler = async (ex) => {
    const body = (await ex.body()) as Record<string, unknown>;
    if (typeof body.training_file !== 'string')
      throw new HttpError(400, invalid('`training_file` is required.', 'training_file', 'missing_required_parameter'));
    const training = fileById(body.training_file);
    if (training.purpose !== 'fine-tune')
      throw new HttpError(400, invalid(`File ${training.id} must be uploaded with purpose 'fine-tune'.`, 'training_file'));
    if (typeof body.model !== 'string' || !FINE_TUNABLE_MODELS.has(body.model)) {
      throw new HttpError(
        400,
        invalid(`Model '${String(body.model)}' cannot be fine-tuned; use one of ${[...FINE_TUNABLE_MODELS].join(', ')}.`, 'model'),
      );
    }
    const validation = typeof body.validation_file === 'string' ? fileById(body.validation_file).id : null;
    const hyper = body.hyperparameters && typeof body.hyperparameters === 'object' ? (body.hyperparameters as Record<string, unknown>) : {};
    const examples = (await fs.readFile(training.path, 'utf8')).split('\n').filter((line) => line.trim() !== '').length;
    // The tutorial: "kluster.ai requires a minimum of 10 examples"; the job fails while training, as the service's would.
    const failure =
      examples < FINETUNE_MIN_EXAMPLES
        ? `The training file has ${examples} examples; at least ${FINETUNE_MIN_EXAMPLES} are required.`
        : undefined;
    await ex.json(200, fineTuningJobJson(store.createFineTuningJob(body.model, training, validation, hyper, failure)));
  };

  const jobById = (id: string) => {
    const job = store.fineTuningJobs.get(id);
    if (!job) throw notFound('fine-tuning job', id);
    return job;
  };

  return [
    ['GET', /^\/v1\/models$/, listModels],
    ['POST', /^\/v1\/files$/, uploadFile],
    ['GET', /^\/v1\/files$/, listFiles],
    ['GET', /^\/v1\/files\/([^/]+)$/, (ex, [id]) => ex.json(200, fileJson(fileById(id!)))],
    [
      'DELETE',
      /^\/v1\/files\/([^/]+)$/,
      async (ex, [id]) => {
        fileById(id!);
        await store.deleteFile(id!);
        await ex.json(200, { id, object: 'file', deleted: true });
      },
    ],
    [
      'GET',
      /^\/v1\/files\/([^/]+)\/content$/,
      (ex, [id]) => {
        const file = fileById(id!);
        return ex.file(file.path, file.bytes);
      },
    ],
    ['POST', /^\/v1\/batches$/, createBatch],
    ['GET', /^\/v1\/batches$/, listBatches],
    ['GET', /^\/v1\/batches\/([^/]+)$/, (ex, [id]) => ex.json(200, batches.json(batchById(id!), true))],
    [
      'POST',
      /^\/v1\/batches\/([^/]+)\/cancel$/,
      async (ex, [id]) => {
        const batch = batchById(id!);
        if (!batches.cancel(batch))
          throw new HttpError(400, invalid(`Batch ${batch.id} is ${batch.status}; only a running batch can be cancelled.`, 'batch_id'));
        await ex.json(200, batches.json(batch, true));
      },
    ],
    ['POST', /^\/v1\/chat\/completions$/, chat],
    ['POST', /^\/v1\/fine_tuning\/jobs$/, createFineTuningJob],
    [
      'GET',
      /^\/v1\/fine_tuning\/jobs$/,
      async (ex) => {
        const { data, has_more } = paginate(ex, [...store.fineTuningJobs.values()].reverse());
        await ex.json(200, {
          object: 'list',
          data: data.map(fineTuningJobJson),
          first_id: data[0]?.id ?? null,
          last_id: data.at(-1)?.id ?? null,
          has_more,
        });
      },
    ],
    ['GET', /^\/v1\/fine_tuning\/jobs\/([^/]+)$/, (ex, [id]) => ex.json(200, fineTuningJobJson(jobById(id!)))],
    [
      'POST',
      /^\/v1\/fine_tuning\/jobs\/([^/]+)\/cancel$/,
      async (ex, [id]) => {
        const job = jobById(id!);
        if (!store.cancelFineTuningJob(job))
          throw new HttpError(
            400,
            invalid(`Job ${job.id} is ${job.status}; only a queued or running job can be cancelled.`, 'fine_tuning_job_id'),
          );
        await ex.json(200, fineTuningJobJson(job));
      },
    ],
  ];
}
