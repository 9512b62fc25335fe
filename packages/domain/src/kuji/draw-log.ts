import { sql } from 'drizzle-orm';
import { kujiDrawLog, type Tx } from '@popbox/db';
import { rows } from '../shared/sql.js';
import { notifyKujiBoard } from '../kuji-live/notify-kuji-board.js';
import { GENESIS_HASH, logEntryHash, type LogEntryInput } from '../kuji-verifier/recipe-v2.js';

export type NewLogEntry = Omit<LogEntryInput, 'prevHash' | 'seq' | 'loggedAt'> & {
  productId: string;
  /** Private: the order line a draw belongs to (never published). */
  orderItemId?: string | null;
  loggedAt: Date;
};

/**
 * Appends one entry to a board's public draw log (issue 12): the next `seq`, chained to the previous entry's
 * hash. The caller holds the board lock (`lockKujiBoard`), which serialises appends per board; the unique
 * (product_id, seq) constraint is the backstop.
 */
export async function appendLogEntry(
  tx: Tx,
  entry: NewLogEntry,
): Promise<{ id: string; seq: number; entryHash: string }> {
  const [last] = await rows<{ seq: number; entryHash: string }>(
    tx,
    sql`select seq, entry_hash as "entryHash" from kuji_draw_log
         where product_id = ${entry.productId} order by seq desc limit 1`,
  );
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.entryHash ?? GENESIS_HASH;
  const loggedAt = entry.loggedAt.toISOString();
  const entryHash = await logEntryHash({
    prevHash,
    seq,
    kind: entry.kind,
    epoch: entry.epoch,
    lineRef: entry.lineRef,
    ticketCount: entry.ticketCount,
    targetRound: entry.targetRound,
    commitment: entry.commitment,
    voidPositions: entry.voidPositions,
    voidReason: entry.voidReason,
    loggedAt,
  });
  const [row] = await tx
    .insert(kujiDrawLog)
    .values({
      productId: entry.productId,
      seq,
      kind: entry.kind,
      epoch: entry.epoch,
      lineRef: entry.lineRef,
      orderItemId: entry.orderItemId ?? null,
      ticketCount: entry.ticketCount,
      targetRound: entry.targetRound,
      commitment: entry.commitment,
      voidPositions: entry.voidPositions,
      voidReason: entry.voidReason,
      prevHash,
      entryHash,
      loggedAt: new Date(loggedAt),
    })
    .returning({ id: kujiDrawLog.id });
  return { id: row!.id, seq, entryHash };
}

/** Bumps the board's live version and tells every API process (LISTEN kuji_board) after the commit. */
export async function touchKujiBoard(tx: Tx, productId: string): Promise<void> {
  await tx.execute(sql`update kuji_decks set version = version + 1 where product_id = ${productId}`);
  await notifyKujiBoard(tx, productId);
}
