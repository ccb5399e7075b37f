// What an experiment's batch will ask for, before it is submitted: requests and estimated input tokens per
// provider (the batch pre-flight's estimate: prompt characters / 4), and a cost only from prices the person set.
import { plural } from '../batches/displayText';
import { summarizeLine } from '../jsonl/summary';
import { requestLines } from './build';
import type { Experiment, TestCase } from './spec';

/** Prices per 1M tokens, as the `kluster.pricing` setting holds them. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}
export type Pricing = Readonly<Record<string, ModelPrice>>;

/** The well-formed entries of a pricing setting (model id → {input, output} ≥ 0); anything else is left out. */
export function pricingOf(value: unknown): Pricing {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(value as Record<string, unknown>)) {
    const { input, output } = (price ?? {}) as { input?: unknown; output?: unknown };
    if (typeof input === 'number' && typeof output === 'number' && input >= 0 && output >= 0 && isFinite(input) && isFinite(output))
      out[model] = { input, output };
  }
  return out;
}

export interface ProviderEstimate {
  readonly label: string;
  readonly model: string;
  readonly requests: number;
  readonly inputTokens: number;
  /** Only when the model has a price. */
  readonly inputCost?: number;
  /** requests × max_completion_tokens (or max_tokens) at the output price, when both are known: an upper bound. */
  readonly maxOutputCost?: number;
}

export interface ExperimentEstimate {
  readonly rows: number;
  readonly prompts: number;
  readonly providers: number;
  readonly requests: number;
  readonly perProvider: readonly ProviderEstimate[];
}

export function estimateExperiment(experiment: Experiment, tests: readonly TestCase[], pricing: Pricing = {}): ExperimentEstimate {
  const M = experiment.providers.length;
  const tokens = new Array<number>(M).fill(0);
  let i = 0;
  for (const line of requestLines(experiment, tests)) tokens[i++ % M] += summarizeLine(line)?.estimatedTokens ?? 0;
  const perRequests = tests.length * experiment.prompts.length;
  const perProvider = experiment.providers.map((provider, m): ProviderEstimate => {
    const price = Object.prototype.hasOwnProperty.call(pricing, provider.id) ? pricing[provider.id] : undefined;
    const max = Number(provider.config.max_completion_tokens ?? provider.config.max_tokens);
    return {
      label: provider.label,
      model: provider.id,
      requests: perRequests,
      inputTokens: tokens[m]!,
      ...(price && { inputCost: (tokens[m]! / 1e6) * price.input }),
      ...(price && max > 0 && { maxOutputCost: ((perRequests * max) / 1e6) * price.output }),
    };
  });
  return { rows: tests.length, prompts: experiment.prompts.length, providers: M, requests: perRequests * M, perProvider };
}

/** `$0.0123`, `$4.20`, `$1,234.50`: cents, or four decimals under a cent. */
export function formatCost(amount: number): string {
  if (amount > 0 && amount < 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The pre-flight rows of an experiment's submit: its shape, then one row per provider. */
export function preflightRows(estimate: ExperimentEstimate, priced: boolean): { label: string; description?: string }[] {
  const rows = [
    {
      label: `${plural(estimate.rows, 'row')} × ${plural(estimate.prompts, 'prompt')} × ${plural(estimate.providers, 'provider')}`,
      description: `= ${plural(estimate.requests, 'request')}`,
    },
  ];
  for (const p of estimate.perProvider) {
    const cost =
      p.inputCost === undefined
        ? priced
          ? ' · no price in kluster.pricing'
          : ''
        : ` · ≈ ${formatCost(p.inputCost)} input${p.maxOutputCost === undefined ? '' : ` + at most ${formatCost(p.maxOutputCost)} output`}`;
    rows.push({ label: p.label, description: `~${p.inputTokens.toLocaleString('en-US')} input tokens${cost}` });
  }
  if (!priced) rows.push({ label: 'No cost estimate', description: 'set kluster.pricing (per model, input and output per 1M tokens)' });
  return rows;
}
