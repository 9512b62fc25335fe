import { DomainError } from '../shared/errors.js';
import { StorageError } from './storage.js';

/** Storage failures as the API reports them (B13): bucket missing → 503, anything else → 502. */
export function storageFailure(error: unknown, details?: Record<string, unknown>): DomainError {
  if (error instanceof DomainError) return error;
  const kind = error instanceof StorageError ? error.kind : 'failed';
  return kind === 'bucket_missing'
    ? new DomainError('DEPENDENCY_UNAVAILABLE', 'Storage bucket is not provisioned', details, {
        cause: error,
      })
    : new DomainError('UPSTREAM_FAILED', 'Object storage request failed', details, {
        cause: error,
        upstream: 'storage',
      });
}
