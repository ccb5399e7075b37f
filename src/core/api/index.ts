// The kluster.ai API for the rest of the product: client, schemas, typed errors.
export { KlusterClient } from './client';
export type { CallOptions, CreateBatchParams, CreateFineTuningJobParams, DownloadOptions, KlusterClientOptions, ListOptions, UploadOptions } from './client';
export { failureMessage, KlusterError, toKlusterError, parseRetryAfter } from './errors';
export type { KlusterErrorKind } from './errors';
export * from './schemas';
export type { ProgressCallback } from './transfer';
