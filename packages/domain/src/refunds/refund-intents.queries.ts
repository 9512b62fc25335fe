import { and, eq, ne, sql } from 'drizzle-orm';
import { idempotencyKeys, type Executor } from '@popbox/db';
import { REFUND_KEY_LEASE_MS } from '../shared/constants.js';

/** F3 scope of admin refund Idempotency-Keys. */
export const REFUND_SCOPE = 'refund';

/**
 * A refund request in flight: its Idempotency-Key row, still `in_progress`, tied to the order by phase 1.
 * It stands in for the spec's "lock held for the whole operation including the Stripe call" without holding
 * a transaction open across the network call. The running request renews the key's lease (`created_at`,
 * see `holdRefundKey`); a request that crashed stops counting once its lease ran out (REFUND_KEY_LEASE_MS,
 * the same window after which a retry may take the key over).
 */
export async function markRefundIntent(
  tx: Executor,
  claimId: string,
  orderId: string,
  intent: { amountCents: number; refundKey: string },
): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({ resourceId: orderId, responseBody: { intent } })
    .where(eq(idempotencyKeys.id, claimId));
}

/** Whether another refund of the order is between its phase 1 and its recording (B14 step 1 semantics). */
export async function refundInFlight(
  tx: Executor,
  orderId: string,
  exceptClaimId?: string,
): Promise<boolean> {
  const rows = await tx
    .select({ id: idempotencyKeys.id })
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.scope, REFUND_SCOPE),
        eq(idempotencyKeys.state, 'in_progress'),
        eq(idempotencyKeys.resourceId, orderId),
        exceptClaimId ? ne(idempotencyKeys.id, exceptClaimId) : undefined,
        sql`${idempotencyKeys.createdAt} > now() - make_interval(secs => ${REFUND_KEY_LEASE_MS / 1000})`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}
