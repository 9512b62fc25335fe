import { randomUUID } from 'node:crypto';
import { inventoryReservations, orderItems, orders, type Executor, type OrderStatus } from '@popbox/db';

/**
 * Minimal order rows for catalog tests (trending demand, reservation intent). Checkout-owned factories
 * may replace these; they only write the columns trending reads.
 */
export async function makeOrderWithLines(
  db: Executor,
  opts: {
    status: OrderStatus;
    paidAt?: Date | null;
    placedAt?: Date | null;
    createdAt?: Date;
    lines: { productId: string; quantity: number }[];
  },
) {
  const [order] = await db
    .insert(orders)
    .values({
      publicId: `PB-${randomUUID().slice(0, 12)}`,
      checkoutIdempotencyKey: randomUUID(),
      status: opts.status,
      paidAt: opts.paidAt ?? null,
      placedAt: opts.placedAt ?? null,
      ...(opts.createdAt ? { createdAt: opts.createdAt } : {}),
    })
    .returning();
  for (const line of opts.lines) {
    await db.insert(orderItems).values({
      orderId: order!.id,
      productId: line.productId,
      productName: 'Line',
      productType: 'standard',
      unitPriceCents: 100,
      quantity: line.quantity,
      lineTotalCents: 100 * line.quantity,
      metadata: { slug: 'line', description: null },
    });
  }
  return order!;
}

export async function makeReservation(
  db: Executor,
  opts: {
    productId: string;
    quantity: number;
    createdAt: Date;
    expiresAt: Date;
    status?: 'active' | 'expired';
  },
) {
  const order = await makeOrderWithLines(db, { status: 'pending_payment', lines: [] });
  await db.insert(inventoryReservations).values({
    orderId: order.id,
    productId: opts.productId,
    quantity: opts.quantity,
    status: opts.status ?? 'active',
    createdAt: opts.createdAt,
    expiresAt: opts.expiresAt,
  });
}
