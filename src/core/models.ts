// The models kluster.ai documents (docs: "Models on kluster.ai", "List supported models").
// Used offline: by the validator when /v1/models cannot be reached, and by the local emulator.

export interface DocumentedModel {
  readonly id: string;
  readonly name: string;
  readonly created: number;
  readonly owned_by: string;
  readonly vision: boolean;
  readonly fineTuning: boolean;
}

export const DOCUMENTED_MODELS: readonly DocumentedModel[] = [
  {
    id: 'klusterai/Meta-Llama-3.1-405B-Instruct-Turbo',
    name: 'Llama 3.1 405B',
    created: 1731336418,
    owned_by: 'klusterai',
    vision: false,
    fineTuning: false,
  },
  {
    id: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo',
    name: 'Llama 3.1 8B',
    created: 1731336610,
    owned_by: 'klusterai',
    vision: false,
    fineTuning: true,
  },
  {
    id: 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo',
    name: 'Llama 3.3 70B',
    created: 1733777629,
    owned_by: 'klusterai',
    vision: false,
    fineTuning: true,
  },
  { id: 'deepseek-ai/DeepSeek-R1', name: 'DeepSeek R1', created: 1737385699, owned_by: 'klusterai', vision: false, fineTuning: false },
  { id: 'deepseek-ai/DeepSeek-V3', name: 'DeepSeek V3', created: 1742323334, owned_by: 'klusterai', vision: false, fineTuning: false },
  { id: 'Qwen/Qwen2.5-VL-7B-Instruct', name: 'Qwen 2.5 7B', created: 1741303075, owned_by: 'qwen', vision: true, fineTuning: false },
  {
    id: 'deepseek-ai/DeepSeek-V3-0324',
    name: 'DeepSeek V3 0324',
    created: 1742848965,
    owned_by: 'klusterai',
    vision: false,
    fineTuning: false,
  },
  { id: 'google/gemma-3-27b-it', name: 'Gemma 3 27B', created: 1742913870, owned_by: 'google', vision: true, fineTuning: false },
  {
    id: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8',
    name: 'Llama 4 Maverick 17B 128E',
    created: 1743944115,
    owned_by: 'meta',
    vision: true,
    fineTuning: false,
  },
  {
    id: 'meta-llama/Llama-4-Scout-17B-16E-Instruct',
    name: 'Llama 4 Scout 17B 16E',
    created: 1743944115,
    owned_by: 'meta',
    vision: true,
    fineTuning: false,
  },
];

/** A model as pickers show it. */
export interface ModelOption {
  readonly id: string;
  /** From the documented model list; undefined for models it does not know. */
  readonly vision?: boolean;
}

export const DOCUMENTED_MODEL_IDS: ReadonlySet<string> = new Set(DOCUMENTED_MODELS.map((m) => m.id));

/** Free tier: a batch file must have fewer than this many requests (docs: "Max batch requests <1000"). */
export const FREE_TIER_MAX_BATCH_LINES = 1000;
/** Upload limit for batch input files (docs: files up to 100 MB). */
export const MAX_BATCH_FILE_BYTES = 100 * 1024 * 1024;
