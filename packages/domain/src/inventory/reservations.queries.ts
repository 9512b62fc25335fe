import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import { inventoryReservations, orders, type Executor, type Tx } from '@popbox/db';
import { orderStatusesThatCanBecome } from '../orders/order.state.js';
import { unreserveStock } from './stock.queries.js';

export type ReleasedAs = 'released' | 'expired';

/** Sums quantities per product, in product-id order (the lock order of inventory rows, B20). */
function perProduct(rows: Array<{ productId: string; quantity: number }>): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.productId, (sums.get(r.productId) ?? 0) + r.quantity);
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Every active reservation of the order leaves `active` (as released or expired) and gives its units back.
 * Returns the number of units released.
 */
export async function releaseOrderReservations(
  tx: Executor,
  orderId: string,
  as: ReleasedAs,
): Promise<number> {
  const rows = await tx
    .update(inventoryReservations)
    .set({ status: as })
    .where(and(eq(inventoryReservations.orderId, orderId), eq(inventoryReservations.status, 'active')))
    .returning({ productId: inventoryReservations.productId, quantity: inventoryReservations.quantity });
  let units = 0;
  for (const [productId, quantity] of perProduct(rows)) {
    await unreserveStock(tx, productId, quantity);
    units += quantity;
  }
  return units;
}

export async function activeReservationsOf(tx: Executor, orderId: string) {
  return tx
    .select()
    .from(inventoryReservations)
    .where(and(eq(inventoryReservations.orderId, orderId), eq(inventoryReservations.status, 'active')))
    .orderBy(asc(inventoryReservations.productId), asc(inventoryReservations.id))
    .for('update');
}

export async function markReservationsConverted(tx: Executor, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await tx
    .update(inventoryReservations)
    .set({ status: 'converted' })
    .where(and(inArray(inventoryReservations.id, ids), eq(inventoryReservations.status, 'active')));
}

/** F4: a delayed payment method keeps the stock held while it settles. */
export async function extendReservations(tx: Executor, orderId: string, until: Date): Promise<number> {
  const rows = await tx
    .update(inventoryReservations)
    .set({ expiresAt: until })
    .where(and(eq(inventoryReservations.orderId, orderId), eq(inventoryReservations.status, 'active')))
    .returning({ id: inventoryReservations.id });
  return rows.length;
}

export interface ExpiredElsewhere {
  orderId: string;
  stripeCheckoutSessionId: string | null;
}

/**
 * F16: inside a checkout that found too little stock, release THIS product's reservations that are past
 * their 10 minutes but not yet swept. Only orders whose row can be locked right now are touched (SKIP
 * LOCKED): an order being finalised keeps its reservation, and checkout never waits on an order row, so it
 * cannot deadlock with finalisation (order → inventory) while holding inventory rows. A pending order that
 * lost a reservation this way is expired (its other products' reservations are swept by the job).
 * Returns the units released and the orders expired (whose payment sessions should be closed, F6).
 */
export async function releaseExpiredReservationsOfProduct(
  tx: Tx,
  productId: string,
  now: Date,
): Promise<{ units: number; expiredOrders: ExpiredElsewhere[] }> {
  const lockable = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(
      inArray(
        orders.id,
        tx
          .select({ orderId: inventoryReservations.orderId })
          .from(inventoryReservations)
          .where(
            and(
              eq(inventoryReservations.productId, productId),
              eq(inventoryReservations.status, 'active'),
              lte(inventoryReservations.expiresAt, now),
            ),
          ),
      ),
    )
    .for('update', { skipLocked: true });
  if (!lockable.length) return { units: 0, expiredOrders: [] };
  const orderIds = lockable.map((o) => o.id);

  const released = await tx
    .update(inventoryReservations)
    .set({ status: 'expired' })
    .where(
      and(
        eq(inventoryReservations.productId, productId),
        eq(inventoryReservations.status, 'active'),
        lte(inventoryReservations.expiresAt, now),
        inArray(inventoryReservations.orderId, orderIds),
      ),
    )
    .returning({ quantity: inventoryReservations.quantity, orderId: inventoryReservations.orderId });
  const units = released.reduce((s, r) => s + r.quantity, 0);
  if (units > 0) await unreserveStock(tx, productId, units);

  const expiredOrders = await tx
    .update(orders)
    .set({ status: 'expired', expiredAt: now })
    .where(
      and(
        inArray(orders.id, [...new Set(released.map((r) => r.orderId))]),
        eq(orders.status, 'pending_payment'),
        inArray(orders.status, orderStatusesThatCanBecome('expired')),
      ),
    )
    .returning({ orderId: orders.id, stripeCheckoutSessionId: orders.stripeCheckoutSessionId });
  return { units, expiredOrders };
}
