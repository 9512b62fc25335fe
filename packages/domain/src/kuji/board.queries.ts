import { and, asc, eq, gte } from 'drizzle-orm';
import { kujiDeckCards, kujiDecks, kujiPrizes, type Executor, type Tx } from '@popbox/db';
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

/**
 * Frees the undealt cards of a board (positions not yet dealt) so a prize line can be deleted; the next
 * `syncKujiDeck` re-deals the remainder as a new epoch.
 */
export async function dropUndealtCards(tx: Tx, productId: string): Promise<void> {
  const [deck] = await tx
    .select({ next: kujiDecks.nextPosition })
    .from(kujiDecks)
    .where(eq(kujiDecks.productId, productId));
  if (!deck) return;
  await tx
    .delete(kujiDeckCards)
    .where(and(eq(kujiDeckCards.productId, productId), gte(kujiDeckCards.position, deck.next)));
}

/** The board's prize lines in board order (sort_order, id). */
export async function prizeLines(tx: Executor, productId: string) {
  return tx
    .select()
    .from(kujiPrizes)
    .where(eq(kujiPrizes.productId, productId))
    .orderBy(asc(kujiPrizes.sortOrder), asc(kujiPrizes.id));
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
