import { asc, eq } from 'drizzle-orm';
import { kujiDecks, kujiPrizes, type Executor, type Tx } from '@popbox/db';
import { lockKujiInventory } from './recompute-kuji-on-hand.js';

/**
 * Locks a kuji board for a change, always in the same order as finalisation takes them (inventory row,
 * then deck row, then prize rows), so admin edits and paid draws never deadlock.
 */
export async function lockKujiBoard(tx: Tx, productId: string): Promise<void> {
  await lockKujiInventory(tx, productId);
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
