import { sql } from 'drizzle-orm';
import type { Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { lockKujiBoard } from './board.queries.js';
import { LAST_ONE_TIER } from './prize.rules.js';
import { recomputeKujiOnHand } from './recompute-kuji-on-hand.js';
import { revealSoldOutBoard, syncKujiDeck } from './sync-kuji-deck.js';

export interface KujiLine {
  orderId: string;
  orderItemId: string;
  customerId: string;
  productId: string;
  quantity: number;
}

export type DealOutcome =
  | { ok: true; firstPosition: number; lastPosition: number; wonLastOne: boolean }
  | { ok: false; reason: 'kuji_deck_exhausted' };

/**
 * Deals one paid kuji order line (F12, replacing B8b's per-draw pick): the line takes the next `quantity`
 * deck positions with ONE guarded update, its tickets are created from those cards in one statement, the
 * prizes' remaining counts and the board's on_hand follow, and the line that takes the final position wins
 * the Last One prize atomically. Runs inside the finalisation transaction; when the deck cannot cover the
 * line nothing is dealt and the caller parks the order (F5).
 */
export async function dealKujiLine(
  tx: Tx,
  deps: Pick<Deps, 'random' | 'clock'>,
  line: KujiLine,
): Promise<DealOutcome> {
  await lockKujiBoard(tx, line.productId);
  // A board sold before its deck existed (or seeded data) gets its deck now, before anything is dealt.
  await syncKujiDeck(tx, deps, line.productId);

  const taken = await tx.execute<{ first: number; total: number }>(sql`
    UPDATE kuji_decks
       SET next_position = next_position + ${line.quantity}
     WHERE product_id = ${line.productId}
       AND next_position + ${line.quantity} <= total_cards + 1
    RETURNING next_position - ${line.quantity} AS first, total_cards AS total`);
  const row = taken.rows[0];
  if (!row) return { ok: false, reason: 'kuji_deck_exhausted' };
  const first = Number(row.first);
  const last = first + line.quantity - 1;

  await tx.execute(sql`
    INSERT INTO tickets (order_id, order_item_id, customer_id, kuji_product_id, kuji_prize_id, ticket_number, deck_epoch_id, deck_position)
    SELECT ${line.orderId}, ${line.orderItemId}, ${line.customerId}, c.product_id, c.prize_id,
           'tkt_' || encode(gen_random_bytes(8), 'hex'), c.epoch_id, c.position
      FROM kuji_deck_cards c
     WHERE c.product_id = ${line.productId} AND c.position BETWEEN ${first} AND ${last}
     ORDER BY c.position`);

  await tx.execute(sql`
    UPDATE kuji_prizes p
       SET remaining_quantity = p.remaining_quantity - d.n
      FROM (SELECT prize_id, count(*)::int AS n FROM kuji_deck_cards
             WHERE product_id = ${line.productId} AND position BETWEEN ${first} AND ${last}
             GROUP BY prize_id) d
     WHERE p.id = d.prize_id`);

  const wonLastOne = last === Number(row.total);
  if (wonLastOne) {
    // The first Last One line by (sort_order, id) is handed out with the final card.
    await tx.execute(sql`
      UPDATE kuji_prizes SET remaining_quantity = 0
       WHERE id = (SELECT id FROM kuji_prizes
                    WHERE product_id = ${line.productId} AND upper(trim(prize_tier)) = ${LAST_ONE_TIER}
                    ORDER BY sort_order, id LIMIT 1)
         AND remaining_quantity > 0`);
    await revealSoldOutBoard(tx, deps, line.productId);
  }
  await recomputeKujiOnHand(tx, line.productId);
  return {
    ok: true,
    firstPosition: first,
    lastPosition: last,
    wonLastOne: wonLastOne && (await hasLastOnePrize(tx, line.productId)),
  };
}

async function hasLastOnePrize(tx: Tx, productId: string): Promise<boolean> {
  const r = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM kuji_prizes WHERE product_id = ${productId} AND upper(trim(prize_tier)) = ${LAST_ONE_TIER}`);
  return Number(r.rows[0]?.n ?? 0) > 0;
}
