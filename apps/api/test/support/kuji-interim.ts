import { syncKujiDeck } from '@popbox/domain';
import type { TestApp } from './test-app.js';

/**
 * INTERIM while issue 12's dealing is being rewritten (lead's branch): on this base the v1 dealing at
 * finalisation moves `next_position` without `claimed_through` (added by migration 0003), which the deck's
 * CHECK refuses, so no kuji order can be paid. Tests that need a paid, dealt kuji order commit the board's
 * deck first and mark every card claimed, so the v1 dealing passes. Remove once finalisation logs lines.
 */
export async function openV1Board(app: TestApp, productId: string): Promise<void> {
  await app.database.db.transaction((tx) => syncKujiDeck(tx, app.deps, productId));
  await app.database.pool.query(`update kuji_decks set claimed_through = total_cards where product_id = $1`, [
    productId,
  ]);
}
