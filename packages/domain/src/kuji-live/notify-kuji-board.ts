import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';

/** The PostgreSQL channel the API's live-board hubs LISTEN on; the payload is the board's product id. */
export const KUJI_BOARD_CHANNEL = 'kuji_board';

/**
 * Tells every API process that a board changed (claim, deal, epoch, prize edit). Call it inside the
 * transaction that makes the change: PostgreSQL delivers the notification only when that transaction
 * commits (and never if it rolls back), and folds duplicates of one transaction into one.
 */
export async function notifyKujiBoard(tx: Executor, productId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${KUJI_BOARD_CHANNEL}, ${productId})`);
}
