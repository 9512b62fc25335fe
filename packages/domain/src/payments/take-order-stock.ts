import { and, asc, eq } from 'drizzle-orm';
import { orderItems, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { claimKujiLine } from '../kuji/claim-kuji-line.js';
import { activeReservationsOf, markReservationsConverted } from '../inventory/reservations.queries.js';
import { consumeReservedStock, takeAvailableStock } from '../inventory/stock.queries.js';
import type { AttentionProblem } from './finalisation.rules.js';

/** Thrown inside the finalisation savepoint so every stock change of the attempt is rolled back. */
export class StockShortage extends Error {
  constructor(readonly problem: AttentionProblem) {
    super(problem.detail);
  }
}

/**
 * B8 with F5, in product-id order (the lock order): units the order still holds are converted (on_hand
 * and reserved drop); units it no longer holds — its reservation expired or was released — are taken
 * again from what is available, atomically. Any shortfall throws StockShortage: the caller runs this in a
 * savepoint, so nothing is half-taken. A still-active reservation past its expiry is converted: its units
 * were never given to anyone else.
 */
export async function takeOrderStock(tx: Tx, orderId: string): Promise<{ late: boolean }> {
  const reservations = await activeReservationsOf(tx, orderId);
  const held = new Map<string, number>();
  for (const r of reservations) held.set(r.productId, (held.get(r.productId) ?? 0) + r.quantity);
  const items = await tx
    .select({ productId: orderItems.productId, name: orderItems.productName, quantity: orderItems.quantity })
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId))
    .orderBy(asc(orderItems.productId));

  let late = false;
  for (const item of items) {
    const fromHold = Math.min(held.get(item.productId) ?? 0, item.quantity);
    if (fromHold > 0 && !(await consumeReservedStock(tx, item.productId, fromHold))) {
      throw new StockShortage({
        code: 'inventory_inconsistent',
        detail: `held stock of ${item.name} is no longer on the shelf`,
      });
    }
    const missing = item.quantity - fromHold;
    if (missing === 0) continue;
    late = true;
    if (!(await takeAvailableStock(tx, item.productId, missing))) {
      throw new StockShortage({
        code: 'stock_unavailable',
        detail: `${missing} × ${item.name} no longer available (payment arrived after the hold lapsed)`,
      });
    }
  }
  await markReservationsConverted(
    tx,
    reservations.map((r) => r.id),
  );
  return { late };
}

/**
 * Issue 12, inside the same savepoint after the stock is taken: each kuji line claims its cards of the board's
 * open epoch (one guarded update), is appended to the public draw log with its target beacon round and
 * becomes pending tickets; the jobs app deals it once that round is published. A board that cannot cover a
 * line (should be impossible with reservations; still checked) or is no longer on sale throws StockShortage,
 * so nothing is partially claimed and the order is parked (F5).
 */
export async function claimOrderKujiLines(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'random' | 'beacon'>,
  orderId: string,
  customerId: string,
): Promise<void> {
  const lines = await tx
    .select({
      id: orderItems.id,
      productId: orderItems.productId,
      name: orderItems.productName,
      quantity: orderItems.quantity,
    })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), eq(orderItems.productType, 'kuji')))
    .orderBy(asc(orderItems.productId));
  for (const line of lines) {
    const claimed = await claimKujiLine(tx, deps, {
      orderId,
      orderItemId: line.id,
      customerId,
      productId: line.productId,
      quantity: line.quantity,
    });
    if (!claimed.ok) {
      throw new StockShortage({
        code: 'kuji_deck_exhausted',
        detail:
          claimed.reason === 'kuji_not_on_sale'
            ? `the ${line.name} board is no longer on sale`
            : `the ${line.name} board cannot cover ${line.quantity} draws`,
      });
    }
  }
}

/** B8 + issue 12: take the order's stock, then log its kuji lines. Throws StockShortage on any shortfall. */
export async function takeOrderStockAndClaim(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'random' | 'beacon'>,
  orderId: string,
  customerId: string,
): Promise<{ late: boolean }> {
  const { late } = await takeOrderStock(tx, orderId);
  await claimOrderKujiLines(tx, deps, orderId, customerId);
  return { late };
}
