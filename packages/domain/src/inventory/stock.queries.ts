import { and, eq, gte, sql } from 'drizzle-orm';
import { productInventory, type Executor } from '@popbox/db';

/**
 * The guarded stock statements (style rule 7, architecture "Performance rules"). Each is one UPDATE whose
 * WHERE is the business rule; zero rows is the domain answer "not enough stock", never an exception.
 */

/** Checkout: hold `quantity` units. Comes LAST in the checkout transaction (hot row locked briefly). */
export async function reserveStock(tx: Executor, productId: string, quantity: number): Promise<boolean> {
  const rows = await tx
    .update(productInventory)
    .set({ reserved: sql`${productInventory.reserved} + ${quantity}` })
    .where(
      and(
        eq(productInventory.productId, productId),
        sql`${productInventory.onHand} - ${productInventory.reserved} >= ${quantity}`,
      ),
    )
    .returning({ productId: productInventory.productId });
  return rows.length === 1;
}

/** Finalisation: units this order held become sold (standard goods: on_hand and reserved both drop). */
export async function consumeReservedStock(
  tx: Executor,
  productId: string,
  quantity: number,
): Promise<boolean> {
  const rows = await tx
    .update(productInventory)
    .set({
      onHand: sql`${productInventory.onHand} - ${quantity}`,
      reserved: sql`${productInventory.reserved} - ${quantity}`,
    })
    .where(
      and(
        eq(productInventory.productId, productId),
        gte(productInventory.reserved, quantity),
        gte(productInventory.onHand, quantity),
      ),
    )
    .returning({ productId: productInventory.productId });
  return rows.length === 1;
}

/** Late payment (F5) and admin retry: take units nobody holds, atomically, or nothing. */
export async function takeAvailableStock(
  tx: Executor,
  productId: string,
  quantity: number,
): Promise<boolean> {
  const rows = await tx
    .update(productInventory)
    .set({ onHand: sql`${productInventory.onHand} - ${quantity}` })
    .where(
      and(
        eq(productInventory.productId, productId),
        sql`${productInventory.onHand} - ${productInventory.reserved} >= ${quantity}`,
      ),
    )
    .returning({ productId: productInventory.productId });
  return rows.length === 1;
}

/** Gives held units back; floored at 0 (spec "product_inventory"). */
export async function unreserveStock(tx: Executor, productId: string, quantity: number): Promise<void> {
  await tx
    .update(productInventory)
    .set({ reserved: sql`greatest(${productInventory.reserved} - ${quantity}, 0)` })
    .where(eq(productInventory.productId, productId));
}
