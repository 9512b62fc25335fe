import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKeys, type Executor, type Tx } from '@popbox/db';
import { IDEMPOTENCY_IN_FLIGHT_STALE_MS, IDEMPOTENCY_KEY_TTL_MS } from '../shared/constants.js';

/**
 * F3 for checkout (issue 11 item 16). The key row is written in the SAME transaction as the pending order
 * and names it (`resource_id`): a committed `in_progress` row therefore always has a committed order behind
 * it, and a request that died before committing left nothing a retry could see. A duplicate inserting the
 * key while the first transaction is still open waits for it (the unique index), then finds its outcome.
 */
export const CHECKOUT_SCOPE = 'checkout';

export type CheckoutKeyRow = typeof idempotencyKeys.$inferSelect;

/** What answering an existing key needs (see create-checkout-session.ts answerExistingKey). */
export type CheckoutKeyRecord = Pick<
  CheckoutKeyRow,
  'id' | 'fingerprint' | 'state' | 'responseStatus' | 'responseBody' | 'resourceId'
>;

export async function findCheckoutKey(db: Executor, key: string): Promise<CheckoutKeyRecord | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, CHECKOUT_SCOPE), eq(idempotencyKeys.key, key)));
  return row;
}

/**
 * Inside the order's transaction, its first statement; null when another request holds (or already
 * committed) the key. The key names its order from the start (`resource_id`, the order's id chosen before):
 * both commit together or not at all, so no second statement has to bind them.
 */
export async function claimCheckoutKey(
  tx: Tx,
  input: { key: string; fingerprint: string; now: Date; orderId: string },
): Promise<string | null> {
  const [inserted] = await tx
    .insert(idempotencyKeys)
    .values({
      scope: CHECKOUT_SCOPE,
      key: input.key,
      fingerprint: input.fingerprint,
      state: 'in_progress',
      resourceId: input.orderId,
      expiresAt: new Date(input.now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
    })
    .onConflictDoNothing({ target: [idempotencyKeys.scope, idempotencyKeys.key] })
    .returning({ id: idempotencyKeys.id });
  return inserted?.id ?? null;
}

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
