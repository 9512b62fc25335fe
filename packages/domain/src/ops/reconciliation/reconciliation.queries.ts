import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@popbox/db';

/** One counter that disagrees with its source. */
export interface DriftRow {
  productId: string;
  productName: string;
  prizeId: string | null;
  prizeCode: string | null;
  recorded: number;
  expected: number;
}

/*
 * Each check is ONE statement comparing a counter with its source, so it reads both in the same snapshot.
 * The tier test matches the app's normalisation (trimmed, upper-cased; `LO` = Last One prize).
 *
 * Issue 12 (defect 10): no kuji check reads the whole `tickets` table. Each one first picks the boards it
 * checks (a few rows of kuji_decks/products) and then counts only their tickets through an index:
 * `tickets_deck_epoch_id_idx` (cards dealt from an epoch) and the unique (kuji_product_id, deck_position)
 * index (a board's positioned and pending tickets). The cost follows the boards on sale, not every ticket
 * ever sold. The integration test pins the plans (no sequential scan of tickets).
 */
const onlyProduct = (column: SQL, productId?: string) =>
  productId ? sql`AND ${column} = ${productId}` : sql``;

async function drift(db: Executor, query: SQL): Promise<DriftRow[]> {
  const result = await db.execute<DriftRow & Record<string, unknown>>(query);
  return result.rows;
}

/** `product_inventory.reserved` vs the sum of the product's active reservations. */
export function reservedDrift(db: Executor, productId?: string) {
  return drift(
    db,
    sql`
    SELECT pi.product_id AS "productId", p.name AS "productName", NULL::uuid AS "prizeId",
           NULL::text AS "prizeCode", pi.reserved AS recorded, coalesce(r.total, 0)::int AS expected
    FROM product_inventory pi
    JOIN products p ON p.id = pi.product_id
    LEFT JOIN (
      SELECT product_id, sum(quantity)::int AS total
      FROM inventory_reservations WHERE status = 'active' GROUP BY product_id
    ) r ON r.product_id = pi.product_id
    WHERE pi.reserved <> coalesce(r.total, 0) ${onlyProduct(sql`pi.product_id`, productId)}
    ORDER BY pi.product_id`,
  );
}

/**
 * Kuji `on_hand` vs what `recomputeKujiOnHand` derives: the remaining quantities of the board's non-Last-One
 * prizes, less the cards paid lines have claimed but that wait for their beacon round
 * (`claimed_through − (next_position − 1)`).
 */
export function kujiOnHandDriftQuery(productId?: string): SQL {
  return sql`
    SELECT p.id AS "productId", p.name AS "productName", NULL::uuid AS "prizeId", NULL::text AS "prizeCode",
           pi.on_hand AS recorded,
           (coalesce(k.total, 0) - coalesce(d.claimed_through - (d.next_position - 1), 0))::int AS expected
    FROM products p
    JOIN product_inventory pi ON pi.product_id = p.id
    LEFT JOIN kuji_decks d ON d.product_id = p.id
    LEFT JOIN (
      SELECT product_id, sum(remaining_quantity)::int AS total
      FROM kuji_prizes WHERE upper(btrim(prize_tier)) <> 'LO' GROUP BY product_id
    ) k ON k.product_id = p.id
    WHERE p.product_type = 'kuji'
      AND pi.on_hand <> coalesce(k.total, 0) - coalesce(d.claimed_through - (d.next_position - 1), 0)
      ${onlyProduct(sql`p.id`, productId)}
    ORDER BY p.id`;
}
export const kujiOnHandDrift = (db: Executor, productId?: string) =>
  drift(db, kujiOnHandDriftQuery(productId));

/**
 * Recipe v2 (issue 12): a prize's `remaining_quantity` vs the undealt cards of the board's CURRENT epoch —
 * the epoch manifest's count for the prize (0 when the manifest leaves it out: withdrawn, or added without a
 * new epoch) minus the tickets dealt from that epoch for it. Voided tickets count: a refund never returns a
 * prize to the board. So an admin's withdrawal (which opened a new epoch whose manifest states it) is the
 * truth, and a repair can never put withdrawn prizes back.
 *
 * The Last One line the epoch names must hold `last_one.count` (1: promised), or 0 once a line of the epoch
 * won it; a Last One line the epoch does not name is not checked.
 *
 * Boards checked: kuji products on sale (status active) whose current epoch is open or sold out. A board
 * without a deck or epoch, or one taken off sale (its epoch revealed as `ended`), is not for sale: the
 * admin's numbers are the truth and the next epoch's manifest will record them.
 */
export function prizeRemainingDriftQuery(productId?: string): SQL {
  return sql`
    WITH board AS MATERIALIZED (
      SELECT d.product_id, p.name AS product_name, e.id AS epoch_id, e.epoch, e.manifest, e.last_one
      FROM kuji_decks d
      JOIN products p ON p.id = d.product_id
      JOIN kuji_deck_epochs e ON e.product_id = d.product_id AND e.epoch = d.current_epoch
      WHERE p.product_type = 'kuji' AND p.status = 'active'
        AND (e.revealed_at IS NULL OR e.reveal_reason = 'sold_out')
        ${onlyProduct(sql`d.product_id`, productId)}
    ),
    dealt AS (
      -- Per board (a correlated, aggregated subquery is never flattened): an index scan of its epoch's tickets.
      SELECT d.prize_id, d.n
      FROM board b
      CROSS JOIN LATERAL (
        SELECT t.kuji_prize_id AS prize_id, count(*)::int AS n
        FROM tickets t
        WHERE t.deck_epoch_id = b.epoch_id AND t.deck_position IS NOT NULL
        GROUP BY t.kuji_prize_id
      ) d
    ),
    checked AS (
      SELECT b.product_id, b.product_name, kp.id AS prize_id, kp.prize_code, kp.sort_order,
             kp.remaining_quantity AS recorded,
             CASE
               WHEN b.last_one ->> 'prizeId' = kp.id::text THEN greatest(
                 (b.last_one ->> 'count')::int - CASE WHEN EXISTS (
                   SELECT 1 FROM kuji_draw_log l
                    WHERE l.product_id = b.product_id AND l.epoch = b.epoch
                      AND l.kind = 'draw' AND l.won_last_one
                 ) THEN 1 ELSE 0 END, 0)
               WHEN upper(btrim(kp.prize_tier)) = 'LO' THEN NULL
               ELSE coalesce((
                 SELECT sum((c ->> 'count')::int) FROM jsonb_array_elements(b.manifest) c
                  WHERE c ->> 'prizeId' = kp.id::text
               ), 0) - coalesce(dl.n, 0)
             END::int AS expected
      FROM board b
      JOIN kuji_prizes kp ON kp.product_id = b.product_id
      LEFT JOIN dealt dl ON dl.prize_id = kp.id
    )
    SELECT product_id AS "productId", product_name AS "productName", prize_id AS "prizeId",
           prize_code AS "prizeCode", recorded, expected
    FROM checked
    WHERE expected IS NOT NULL AND recorded <> expected
    ORDER BY product_id, sort_order, prize_id`;
}
export const prizeRemainingDrift = (db: Executor, productId?: string) =>
  drift(db, prizeRemainingDriftQuery(productId));

/**
 * The decks checked for their position counters: boards on sale, and any board with paid lines still
 * waiting for their round (a board taken off sale still deals them). Sold-out boards taken off sale are
 * settled and not re-counted on every run.
 */
const checkedDecks = (productId?: string) => sql`
  SELECT d.product_id, p.name AS product_name, d.next_position, d.claimed_through
  FROM kuji_decks d
  JOIN products p ON p.id = d.product_id
  WHERE ((p.product_type = 'kuji' AND p.status = 'active') OR d.claimed_through > d.next_position - 1)
    ${onlyProduct(sql`d.product_id`, productId)}`;

/** Deck positions dealt (`next_position − 1`) vs the board's tickets that hold a deck position (F12). */
export function deckPositionDriftQuery(productId?: string): SQL {
  return sql`
    SELECT d.product_id AS "productId", d.product_name AS "productName", NULL::uuid AS "prizeId",
           NULL::text AS "prizeCode", (d.next_position - 1)::int AS recorded, t.n AS expected
    FROM (${checkedDecks(productId)}) d
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n FROM tickets
       WHERE kuji_product_id = d.product_id AND deck_position IS NOT NULL
    ) t
    WHERE d.next_position - 1 <> t.n
    ORDER BY d.product_id`;
}
export const deckPositionDrift = (db: Executor, productId?: string) =>
  drift(db, deckPositionDriftQuery(productId));

/**
 * Cards claimed by paid lines but not dealt yet (`claimed_through − (next_position − 1)`) vs the board's
 * pending tickets (no prize, no position). Voided pending tickets count: a line's cards are claimed in the
 * public log when it is paid and the dealer deals all of them, refunded or not.
 */
export function deckPendingDriftQuery(productId?: string): SQL {
  return sql`
    SELECT d.product_id AS "productId", d.product_name AS "productName", NULL::uuid AS "prizeId",
           NULL::text AS "prizeCode", (d.claimed_through - (d.next_position - 1))::int AS recorded,
           t.n AS expected
    FROM (${checkedDecks(productId)}) d
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n FROM tickets
       WHERE kuji_product_id = d.product_id AND deck_position IS NULL AND kuji_prize_id IS NULL
    ) t
    WHERE d.claimed_through - (d.next_position - 1) <> t.n
    ORDER BY d.product_id`;
}
export const deckPendingDrift = (db: Executor, productId?: string) =>
  drift(db, deckPendingDriftQuery(productId));

/**
 * Repair locks, in the order finalisation and dealing take them (B20, `lockKujiBoard`): the inventory row,
 * then the deck row, then the prizes.
 */
export async function lockProductCounters(tx: Executor, productId: string): Promise<void> {
  await tx.execute(sql`SELECT 1 FROM product_inventory WHERE product_id = ${productId} FOR UPDATE`);
  await tx.execute(sql`SELECT 1 FROM kuji_decks WHERE product_id = ${productId} FOR UPDATE`);
  await tx.execute(
    sql`SELECT 1 FROM kuji_prizes WHERE product_id = ${productId} ORDER BY sort_order, id FOR UPDATE`,
  );
}

/** Guarded writes: they change the counter only if it still holds the value the re-check saw. */
export async function setReserved(tx: Executor, productId: string, from: number, to: number) {
  const r = await tx.execute(
    sql`UPDATE product_inventory SET reserved = ${to} WHERE product_id = ${productId} AND reserved = ${from}`,
  );
  return (r.rowCount ?? 0) > 0;
}

export async function setOnHand(tx: Executor, productId: string, from: number, to: number) {
  const r = await tx.execute(
    sql`UPDATE product_inventory SET on_hand = ${to} WHERE product_id = ${productId} AND on_hand = ${from}`,
  );
  return (r.rowCount ?? 0) > 0;
}

export async function setPrizeRemaining(tx: Executor, prizeId: string, from: number, to: number) {
  const r = await tx.execute(
    sql`UPDATE kuji_prizes SET remaining_quantity = ${to}
         WHERE id = ${prizeId} AND remaining_quantity = ${from} AND initial_quantity >= ${to}`,
  );
  return (r.rowCount ?? 0) > 0;
}
