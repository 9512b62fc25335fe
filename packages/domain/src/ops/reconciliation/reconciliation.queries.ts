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

/** Kuji `on_hand` vs the remaining quantities of the board's non-Last-One prizes. */
export function kujiOnHandDrift(db: Executor, productId?: string) {
  return drift(
    db,
    sql`
    SELECT p.id AS "productId", p.name AS "productName", NULL::uuid AS "prizeId", NULL::text AS "prizeCode",
           pi.on_hand AS recorded, coalesce(k.total, 0)::int AS expected
    FROM products p
    JOIN product_inventory pi ON pi.product_id = p.id
    LEFT JOIN (
      SELECT product_id, sum(remaining_quantity)::int AS total
      FROM kuji_prizes WHERE upper(btrim(prize_tier)) <> 'LO' GROUP BY product_id
    ) k ON k.product_id = p.id
    WHERE p.product_type = 'kuji' AND pi.on_hand <> coalesce(k.total, 0) ${onlyProduct(sql`p.id`, productId)}
    ORDER BY p.id`,
  );
}

/**
 * A prize's `remaining_quantity` vs `initial_quantity` minus the tickets dealt for it. Voided tickets count:
 * a refund never returns a prize to the board. Last One lines have no tickets (B8b) and are not checked.
 */
export function prizeRemainingDrift(db: Executor, productId?: string) {
  return drift(
    db,
    sql`
    SELECT kp.product_id AS "productId", p.name AS "productName", kp.id AS "prizeId",
           kp.prize_code AS "prizeCode", kp.remaining_quantity AS recorded,
           (kp.initial_quantity - coalesce(t.dealt, 0))::int AS expected
    FROM kuji_prizes kp
    JOIN products p ON p.id = kp.product_id
    LEFT JOIN (SELECT kuji_prize_id, count(*)::int AS dealt FROM tickets GROUP BY kuji_prize_id) t
      ON t.kuji_prize_id = kp.id
    WHERE upper(btrim(kp.prize_tier)) <> 'LO'
      AND kp.remaining_quantity <> kp.initial_quantity - coalesce(t.dealt, 0)
      ${onlyProduct(sql`kp.product_id`, productId)}
    ORDER BY kp.product_id, kp.sort_order, kp.id`,
  );
}

/** Deck positions handed out (`next_position - 1`) vs tickets that hold a deck position (F12). */
export function deckPositionDrift(db: Executor, productId?: string) {
  return drift(
    db,
    sql`
    SELECT d.product_id AS "productId", p.name AS "productName", NULL::uuid AS "prizeId",
           NULL::text AS "prizeCode", (d.next_position - 1)::int AS recorded, coalesce(t.dealt, 0)::int AS expected
    FROM kuji_decks d
    JOIN products p ON p.id = d.product_id
    LEFT JOIN (
      SELECT kuji_product_id, count(*)::int AS dealt
      FROM tickets WHERE deck_position IS NOT NULL GROUP BY kuji_product_id
    ) t ON t.kuji_product_id = d.product_id
    WHERE d.next_position - 1 <> coalesce(t.dealt, 0) ${onlyProduct(sql`d.product_id`, productId)}
    ORDER BY d.product_id`,
  );
}

/** Repair locks, in the order finalisation takes them (B20): the inventory row, then the prizes. */
export async function lockProductCounters(tx: Executor, productId: string): Promise<void> {
  await tx.execute(sql`SELECT 1 FROM product_inventory WHERE product_id = ${productId} FOR UPDATE`);
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
    sql`UPDATE kuji_prizes SET remaining_quantity = ${to} WHERE id = ${prizeId} AND remaining_quantity = ${from}`,
  );
  return (r.rowCount ?? 0) > 0;
}
