import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Executor } from '../src/client.js';
import { pgError } from '../src/errors.js';
import { orderItems, orders } from '../src/schema/index.js';

export async function makeOrder(db: Executor, overrides: Partial<typeof orders.$inferInsert> = {}) {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase();
  const [row] = await db
    .insert(orders)
    .values({
      publicId: `PBX-${suffix}`,
      checkoutIdempotencyKey: `key-${suffix}`,
      subtotalCents: 2500,
      shippingCents: 1200,
      totalCents: 3700,
      ...overrides,
    })
    .returning();
  return row!;
}

export async function makeOrderItem(
  db: Executor,
  order: { id: string },
  product: { id: string; name: string },
  overrides: Partial<typeof orderItems.$inferInsert> = {},
) {
  const quantity = overrides.quantity ?? 1;
  const unitPriceCents = overrides.unitPriceCents ?? 2500;
  const [row] = await db
    .insert(orderItems)
    .values({
      orderId: order.id,
      productId: product.id,
      productName: product.name,
      productType: 'standard',
      unitPriceCents,
      quantity,
      lineTotalCents: unitPriceCents * quantity,
      metadata: { slug: 'x', description: null },
      ...overrides,
    })
    .returning();
  return row!;
}

/** Asserts the write fails with the given SQLSTATE and, when given, the named constraint. */
export async function expectPgError(write: Promise<unknown>, code: string, constraint?: string) {
  const error = await write.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected the database to reject the write').not.toBeNull();
  const info = pgError(error);
  expect(info?.code).toBe(code);
  if (constraint) expect(info?.constraint).toBe(constraint);
}

export const CHECK = '23514';
export const UNIQUE = '23505';
