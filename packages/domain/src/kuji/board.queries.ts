import { and, asc, eq, gte, ne, sql } from 'drizzle-orm';
import { kujiDeckCards, kujiDecks, kujiPrizes, productInventory, type Executor } from '@popbox/db';

export const LAST_ONE_TIER = 'LO';

/**
 * Locks a kuji board for a change, always in the same order as finalisation takes them (inventory row,
 * then deck row, then prize rows), so admin edits and paid draws never deadlock.
 */
export async function lockKujiBoard(tx: Executor, productId: string): Promise<void> {
  await tx
    .select({ id: productInventory.productId })
    .from(productInventory)
    .where(eq(productInventory.productId, productId))
    .for('update');
  await tx
    .select({ id: kujiDecks.productId })
    .from(kujiDecks)
    .where(eq(kujiDecks.productId, productId))
    .for('update');
}

/** The board's prize lines in board order (sort_order, id). */
export async function prizeLines(tx: Executor, productId: string) {
  return tx
    .select()
    .from(kujiPrizes)
    .where(eq(kujiPrizes.productId, productId))
    .orderBy(asc(kujiPrizes.sortOrder), asc(kujiPrizes.id));
}

/**
 * Kuji `on_hand` is derived (spec "product_inventory"): the sum of remaining quantities over non-Last-One
 * prizes, recomputed in the same transaction as every prize change (there is no trigger for it).
 */
export async function recomputeKujiOnHand(tx: Executor, productId: string): Promise<number> {
  const [row] = await tx
    .select({ total: sql<number>`coalesce(sum(${kujiPrizes.remainingQuantity}), 0)::int` })
    .from(kujiPrizes)
    .where(and(eq(kujiPrizes.productId, productId), ne(kujiPrizes.prizeTier, LAST_ONE_TIER)));
  const onHand = row?.total ?? 0;
  await tx
    .insert(productInventory)
    .values({ productId, onHand })
    .onConflictDoUpdate({ target: productInventory.productId, set: { onHand } });
  return onHand;
}

/** Undealt cards (positions ≥ next_position) in deal order. */
export async function undealtCards(tx: Executor, productId: string, nextPosition: number) {
  return tx
    .select({
      position: kujiDeckCards.position,
      prizeId: kujiDeckCards.prizeId,
      epochId: kujiDeckCards.epochId,
    })
    .from(kujiDeckCards)
    .where(and(eq(kujiDeckCards.productId, productId), gte(kujiDeckCards.position, nextPosition)))
    .orderBy(asc(kujiDeckCards.position));
}
