import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKeys, type Executor, type Tx } from '@popbox/db';
import { IDEMPOTENCY_IN_FLIGHT_STALE_MS } from '../shared/constants.js';

/**
 * F3 for checkout (issue 11 item 16). The key row is written in the SAME transaction as the pending order
 * and names it (`resource_id`): a committed `in_progress` row therefore always has a committed order behind
 * it, and a request that died before committing left nothing a retry could see. A duplicate inserting the
 * key while the first transaction is still open waits for it (the unique index), then finds its outcome
 * (`claimCheckout`, checkout-claim.queries.ts).
 */
export const CHECKOUT_SCOPE = 'checkout';

export type CheckoutKeyRow = typeof idempotencyKeys.$inferSelect;

/** What answering an existing key needs (see create-checkout-session.ts answerExistingKey). */
export type CheckoutKeyRecord = Pick<
  CheckoutKeyRow,
  'id' | 'fingerprint' | 'state' | 'responseStatus' | 'responseBody' | 'resourceId'
>;

/** Serialises whoever finishes the key (the first request, a retry resuming it, the compensation). */
export async function lockCheckoutKey(tx: Tx, id: string): Promise<CheckoutKeyRow | undefined> {
  const [row] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.id, id)).for('update');
  return row;
}

/**
 * Rows written before keys were bound to their order in one transaction may be `in_progress` with no order:
 * once stale they belong to a dead request and are dropped, so the key can be used.
 */
export async function dropStaleOrphanKey(db: Executor, id: string): Promise<boolean> {
  const dropped = await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.id, id),
        eq(idempotencyKeys.state, 'in_progress'),
        sql`${idempotencyKeys.resourceId} is null`,
        sql`${idempotencyKeys.createdAt} < now() - make_interval(secs => ${IDEMPOTENCY_IN_FLIGHT_STALE_MS / 1000})`,
      ),
    )
    .returning({ id: idempotencyKeys.id });
  return dropped.length > 0;
}
