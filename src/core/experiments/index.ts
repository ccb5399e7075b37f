// Public surface of experiments (no vscode import: used by the extension and the CLI).
export * from './problems';
export * from './spec';
export { parseExperiment, type ParsedExperiment, type ParseOptions } from './parse';
export { loadDataset, type Dataset } from './dataset';
export { checkVariables, renderPrompt, rowAssertions } from './resolve';
export { buildBatch, partPath, requestLines, type BuildOptions, type BuildResult, type BuiltPart } from './build';
export { requestId, parseRequestId, judgeId, parseJudgeId, type RequestKey, type JudgeKey } from './customId';
export { scoreResults, type ColumnScore, type ScoreReport, type ScoredCell, type CellOutcome } from './score';
export { buildJudgeBatch, parseJudgeReply, readJudgeVerdicts, JUDGE_INSTRUCTIONS, type JudgeVerdict } from './judge';
export { loadExperiment, type LoadedExperiment } from './load';
export {
  previewExperiment,
  ModelLimiter,
  REALTIME_LIMITS,
  DEFAULT_PREVIEW_ROWS,
  type PreviewOptions,
  type PreviewResult,
  type RealtimeLimits,
  type SendChat,
} from './preview';
export { experimentOutputPath, experimentResultsFor, inputNameFor, writePartsResults } from './outputs';
export {
  estimateExperiment,
  formatCost,
  preflightRows,
  pricingOf,
  type ExperimentEstimate,
  type ModelPrice,
  type Pricing,
  type ProviderEstimate,
} from './estimate';
export * from './compare';
