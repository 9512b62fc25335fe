import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { storageFailure } from '../ports/storage-errors.js';

/**
 * Uploads objects one by one; if any upload fails, the ones already stored are removed before the error
 * is raised, so a failed upload leaves nothing behind.
 */
export async function putAll(
  deps: Pick<Deps, 'storage' | 'logger'>,
  objects: { key: string; bytes: Uint8Array; contentType: string }[],
): Promise<void> {
  const stored: string[] = [];
  try {
    for (const o of objects) {
      await deps.storage.put(o.key, o.bytes, o.contentType);
      stored.push(o.key);
    }
  } catch (error) {
    await removeOrFail(deps, stored, error);
    throw storageFailure(error);
  }
}

/**
 * Compensation: removes objects whose database rows were never written. If even that fails, the answer is
 * a 502 naming the orphaned keys (B13), and the cause is logged.
 */
export async function removeOrFail(
  deps: Pick<Deps, 'storage' | 'logger'>,
  keys: string[],
  cause: unknown,
): Promise<void> {
  if (!keys.length) return;
  try {
    await deps.storage.remove(keys);
  } catch (cleanupError) {
    deps.logger.error(
      { err: cleanupError, cause, keys },
      'could not remove uploaded objects after a failure',
    );
    throw new DomainError(
      'UPSTREAM_FAILED',
      'Upload failed and uploaded objects could not be cleaned up',
      { orphanedKeys: keys },
      { cause: cleanupError, upstream: 'storage' },
    );
  }
}
