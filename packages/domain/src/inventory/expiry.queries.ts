import { and, asc, eq, exists, inArray, lte, sql } from 'drizzle-orm';
import { inventoryReservations, orders, productInventory, type OrderStatus, type Tx } from '@popbox/db';
import { orderStatusesThatCanBecome } from '../orders/order.state.js';
import { uuidArray } from '../shared/sql.js';

/** A claimed order: its row stays locked until the claiming transaction ends. */
export interface ClaimedOrder {
  id: string;
  stripeCheckoutSessionId: string | null;
}

const claimedColumns = { id: orders.id, stripeCheckoutSessionId: orders.stripeCheckoutSessionId };

/**
 * B19 claim: up to `limit` pending orders holding an active reservation past its time, oldest first, row
 * locked. Rows another transaction holds (a second jobs process, a finalising webhook, a checkout's F16
 * release) are skipped, never waited for: each order is claimed by exactly one sweeper, and nobody can wait
 * on a sweeper's order rows. Reservations extended for a delayed payment method (F4) are not past their
 * time, so their orders are never claimed.
 */
export function claimLapsedPendingOrders(tx: Tx, now: Date, limit: number): Promise<ClaimedOrder[]> {
  return tx
    .select(claimedColumns)
    .from(orders)
    .where(
      and(
        eq(orders.status, 'pending_payment'),
        exists(
          tx
            .select({ id: inventoryReservations.id })
            .from(inventoryReservations)
            .where(
              and(
                eq(inventoryReservations.orderId, orders.id),
                eq(inventoryReservations.status, 'active'),
                lte(inventoryReservations.expiresAt, now),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(orders.createdAt), asc(orders.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Orders that can no longer be paid normally: any reservation they still hold is a leftover. */
const CLOSED_STATUSES: OrderStatus[] = ['expired', 'cancelled'];

/**
 * B19 safety net claim: expired or cancelled orders still holding an active reservation (F16 expires an
 * order while releasing only the product it needed; a crash between two statements of older code; a
 * manual status edit). Same locking as above.
 */
export function claimClosedOrdersWithHolds(tx: Tx, limit: number): Promise<ClaimedOrder[]> {
  return tx
    .select(claimedColumns)
    .from(orders)
    .where(
      and(
        inArray(orders.status, CLOSED_STATUSES),
        exists(
          tx
            .select({ id: inventoryReservations.id })
            .from(inventoryReservations)
            .where(
              and(eq(inventoryReservations.orderId, orders.id), eq(inventoryReservations.status, 'active')),
            ),
        ),
      ),
    )
    .orderBy(asc(orders.createdAt), asc(orders.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/**
 * Every active reservation of the (locked) orders becomes `expired` and its units go back: inventory rows
 * are locked in product-id order first (B20), then one statement gives the units back, floored at 0.
 * Only reservations this statement moved out of `active` are counted, so a reservation is released once.
 * Returns the units released.
 */
export async function expireReservationsOfOrders(tx: Tx, orderIds: string[]): Promise<number> {
  if (!orderIds.length) return 0;
  const released = await tx
    .update(inventoryReservations)
    .set({ status: 'expired' })
    .where(and(inArray(inventoryReservations.orderId, orderIds), eq(inventoryReservations.status, 'active')))
    .returning({ productId: inventoryReservations.productId, quantity: inventoryReservations.quantity });
  if (!released.length) return 0;

  const perProduct = new Map<string, number>();
  for (const r of released) perProduct.set(r.productId, (perProduct.get(r.productId) ?? 0) + r.quantity);
  const productIds = [...perProduct.keys()].sort();
  await tx
    .select({ productId: productInventory.productId })
    .from(productInventory)
    .where(inArray(productInventory.productId, productIds))
    .orderBy(asc(productInventory.productId))
    .for('update');
  const quantities = productIds.map((id) => perProduct.get(id)!);
  await tx.execute(sql`
    UPDATE product_inventory pi
    SET reserved = greatest(pi.reserved - v.quantity, 0)
    FROM unnest(${uuidArray(productIds)}, ${sql.param(quantities)}::int[]) AS v(product_id, quantity)
    WHERE pi.product_id = v.product_id`);
  return released.reduce((sum, r) => sum + r.quantity, 0);
}

/** The claimed pending orders become `expired` (guarded by the order state machine). */
export async function markOrdersExpired(tx: Tx, orderIds: string[], now: Date): Promise<number> {
  if (!orderIds.length) return 0;
  const rows = await tx
    .update(orders)
    .set({ status: 'expired', expiredAt: now })
    .where(and(inArray(orders.id, orderIds), inArray(orders.status, orderStatusesThatCanBecome('expired'))))
    .returning({ id: orders.id });
  return rows.length;
}
