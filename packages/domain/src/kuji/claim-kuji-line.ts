import { sql } from 'drizzle-orm';
import type { Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { rows } from '../shared/sql.js';
import { targetRoundFor } from '../kuji-verifier/recipe-v2.js';
import { lockKujiBoard } from './board.queries.js';
import { appendLogEntry, touchKujiBoard } from './draw-log.js';
import { openEpochOf } from './epochs.js';
import { recomputeKujiOnHand } from './recompute-kuji-on-hand.js';

export interface KujiLine {
  orderId: string;
  orderItemId: string;
  customerId: string;
  productId: string;
  quantity: number;
}

export type ClaimOutcome =
  | { ok: true; lineRef: string; targetRound: number; epoch: number }
  | { ok: false; reason: 'kuji_deck_exhausted' | 'kuji_not_on_sale' };

/**
 * Issue 12: a paid kuji line claims `quantity` cards of the board's open epoch with ONE guarded update, is
 * appended to the public draw log with its target beacon round (the first round published ≥ 1 s after this
 * entry is written), and becomes `quantity` pending tickets. Nothing is dealt here: the jobs app deals the
 * line once that round's randomness exists. Runs inside the finalisation transaction; when the board cannot
 * cover the line nothing is claimed and the caller parks the order (F5).
 */
export async function claimKujiLine(
  tx: Tx,
  deps: Pick<Deps, 'random' | 'clock' | 'beacon'>,
  line: KujiLine,
): Promise<ClaimOutcome> {
  await lockKujiBoard(tx, line.productId);
  const open = await openEpochOf(tx, line.productId);
  if (!open) return { ok: false, reason: 'kuji_not_on_sale' };

  const claimed = await rows<{ claimedThrough: number; lastDealtRound: number }>(
    tx,
    sql`UPDATE kuji_decks SET claimed_through = claimed_through + ${line.quantity}
         WHERE product_id = ${line.productId} AND claimed_through + ${line.quantity} <= total_cards
        RETURNING claimed_through AS "claimedThrough", last_dealt_round::float8 AS "lastDealtRound"`,
  );
  if (claimed.length === 0) return { ok: false, reason: 'kuji_deck_exhausted' };

  const lineRef = `ln_${Buffer.from(deps.random.bytes(8)).toString('hex')}`;
  const loggedAt = deps.clock.now();
  // Under the board lock, which the dealer takes too: a round already dealt on this board is never targeted
  // again, so the public deal order (round, then randomness-derived order) always matches what was dealt.
  const targetRound = Math.max(
    targetRoundFor(deps.beacon.chain(), loggedAt.getTime()),
    Number(claimed[0]!.lastDealtRound) + 1,
  );
  const entry = await appendLogEntry(tx, {
    productId: line.productId,
    orderItemId: line.orderItemId,
    kind: 'draw',
    epoch: open.epoch.epoch,
    lineRef,
    ticketCount: line.quantity,
    targetRound,
    commitment: null,
    voidPositions: null,
    voidReason: null,
    loggedAt,
  });
  await tx.execute(sql`
    INSERT INTO tickets (order_id, order_item_id, customer_id, kuji_product_id, ticket_number, deck_epoch_id, draw_log_id)
    SELECT ${line.orderId}, ${line.orderItemId}, ${line.customerId}, ${line.productId},
           'tkt_' || encode(gen_random_bytes(8), 'hex'), ${open.epoch.id}, ${entry.id}
      FROM generate_series(1, ${line.quantity})`);
  await recomputeKujiOnHand(tx, line.productId);
  await touchKujiBoard(tx, line.productId);
  return { ok: true, lineRef, targetRound, epoch: open.epoch.epoch };
}
