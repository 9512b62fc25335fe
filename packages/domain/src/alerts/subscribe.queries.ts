import { and, eq, sql } from 'drizzle-orm';
import { alertSubscriptions, type AlertKind, type Tx } from '@popbox/db';

export type AlertTargetRef =
  { productId: string; tagId?: undefined } | { tagId: string; productId?: undefined };

const targetIs = (t: AlertTargetRef) =>
  t.productId !== undefined
    ? eq(alertSubscriptions.productId, t.productId)
    : eq(alertSubscriptions.tagId, t.tagId);

/**
 * The address's subscription to this target, created `pending` when there is none. A subscription that was
 * told already (`notified`) or left (`unsubscribed`) starts over as `pending` at the back of the queue; a
 * `confirmed` one is left alone. Returns the row and whether a confirmation email is due (with its nonce).
 */
export async function upsertPendingSubscription(
  tx: Tx,
  input: {
    id: string;
    email: string;
    kind: AlertKind;
    target: AlertTargetRef;
    nonce: string;
    now: Date;
    unsubscribeUrl: (id: string) => string;
    shopUrl: string;
  },
): Promise<{ id: string; confirmationDue: boolean }> {
  const inserted = await tx
    .insert(alertSubscriptions)
    .values({
      id: input.id,
      email: input.email,
      kind: input.kind,
      productId: input.target.productId ?? null,
      tagId: input.target.tagId ?? null,
      status: 'pending',
      confirmNonce: input.nonce,
      unsubscribeUrl: input.unsubscribeUrl(input.id),
      shopUrl: input.shopUrl,
      createdAt: input.now,
    })
    .onConflictDoNothing()
    .returning({ id: alertSubscriptions.id });
  if (inserted[0]) return { id: inserted[0].id, confirmationDue: true };

  const [existing] = await tx
    .select({ id: alertSubscriptions.id, status: alertSubscriptions.status })
    .from(alertSubscriptions)
    .where(
      and(
        eq(alertSubscriptions.email, input.email),
        eq(alertSubscriptions.kind, input.kind),
        targetIs(input.target),
      ),
    )
    .for('update');
  if (!existing) throw new Error('alert subscription vanished during subscribe');
  if (existing.status === 'confirmed') return { id: existing.id, confirmationDue: false };
  await tx
    .update(alertSubscriptions)
    .set({
      status: 'pending',
      confirmNonce: input.nonce,
      // Back of the queue when starting over; a pending one keeps its place.
      ...(existing.status === 'pending' ? {} : { createdAt: input.now, confirmedAt: null }),
      notifiedAt: null,
      unsubscribedAt: null,
    })
    .where(eq(alertSubscriptions.id, existing.id));
  return { id: existing.id, confirmationDue: true };
}

/** Sold out = nothing left to reserve (on_hand − reserved ≤ 0). */
export async function availableUnits(tx: Tx, productId: string): Promise<number> {
  const result = await tx.execute<{ available: number }>(
    sql`select greatest(on_hand - reserved, 0)::int as available from product_inventory where product_id = ${productId}`,
  );
  return result.rows[0]?.available ?? 0;
}
