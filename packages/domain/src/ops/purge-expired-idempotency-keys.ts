import { lt } from 'drizzle-orm';
import { idempotencyKeys } from '@popbox/db';
import type { Deps } from '../shared/deps.js';

/** Cleanup: idempotency records are kept at least 24 hours (F3), then removed. */
export async function purgeExpiredIdempotencyKeys(deps: Pick<Deps, 'db' | 'clock'>) {
  const deleted = await deps.db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, deps.clock.now()))
    .returning({ id: idempotencyKeys.id });
  return { deleted: deleted.length };
}
