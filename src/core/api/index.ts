// The kluster.ai API for the rest of the product: client, schemas, typed errors.
export { KlusterClient } from './client';
export type { CreateBatchParams, CreateFineTuningJobParams } from './client';
export type { DownloadOptions, UploadOptions } from './files';
export type { CallOptions, KlusterClientOptions, ListOptions, RetryNotice } from './transport';
export { apiKeyProblem } from './apiKey';
export {
  DEFAULT_BASE_URL,
  failureMessage,
  isCancellation,
  KlusterError,
  mayHaveBeenCreated,
  MissingApiKeyError,
  remedyFor,
  toKlusterError,
  parseRetryAfter,
} from './errors';
export type { KlusterErrorKind, Remedy } from './errors';
export * from './schemas';
export type { ProgressCallback } from './transfer';
export { asyncBatchIdOf } from './async';
