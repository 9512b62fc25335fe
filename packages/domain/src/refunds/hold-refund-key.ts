import type { Deps } from '../shared/deps.js';
import { REFUND_KEY_RENEW_MS } from '../shared/constants.js';
import { renewIdempotencyKey } from '../checkout/idempotency.queries.js';

/**
 * Keeps a claimed refund Idempotency-Key (and with it the order's refund-in-flight mark) alive while `work`
 * runs: one short UPDATE every REFUND_KEY_RENEW_MS, never a transaction held open, never a session lock. When
 * the process dies the renewals stop, so a retry takes the key over REFUND_KEY_LEASE_MS after the last one.
 */
export async function holdRefundKey<T>(
  deps: Pick<Deps, 'db' | 'logger'>,
  claimId: string,
  work: () => Promise<T>,
): Promise<T> {
  let renewing = false;
  const timer = setInterval(() => {
    if (renewing) return;
    renewing = true;
    renewIdempotencyKey(deps.db, claimId)
      .catch((err: unknown) => deps.logger.warn({ err, claimId }, 'could not renew a refund Idempotency-Key'))
      .finally(() => {
        renewing = false;
      });
  }, REFUND_KEY_RENEW_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
