import { sql } from 'drizzle-orm';
import type { Tx } from '@popbox/db';
import { DomainError } from '../shared/errors.js';
import { rows } from '../shared/sql.js';
import { LAST_ONE_TIER } from './prize.rules.js';

export interface InventoryCounts {
  onHand: number;
  reserved: number;
}

/**
 * Locks (creating it if needed) the kuji product's inventory row. Lock order for every kuji change:
 * the product_inventory row FIRST, then kuji_prizes rows — prize edits and ticket allocation both
 * follow it, so they cannot deadlock.
 */
export async function lockKujiInventory(tx: Tx, productId: string): Promise<InventoryCounts> {
  await tx.execute(
    sql`insert into product_inventory (product_id) values (${productId}) on conflict (product_id) do nothing`,
  );
  const [row] = await rows<InventoryCounts>(
    tx,
    sql`select on_hand as "onHand", reserved from product_inventory where product_id = ${productId} for update`,
  );
  return row!;
}

/**
 * The kuji `on_hand` is derived (spec "product_inventory"): the sum of `remaining_quantity` over the
 * product's non-Last-One prizes, less the cards paid lines have claimed but that wait for their beacon
 * round (issue 12: remaining counts drop when a line is dealt, on_hand when it is paid). There is no trigger; call this in the SAME transaction as every prize
 * change (create, update, delete, ticket allocation, type change to kuji). It takes the inventory row lock
 * before summing, so the sum — a fresh statement under READ COMMITTED — sees every committed prize change.
 */
export async function recomputeKujiOnHand(tx: Tx, productId: string): Promise<InventoryCounts> {
  await lockKujiInventory(tx, productId);
  const [row] = await rows<InventoryCounts>(
    tx,
    sql`update product_inventory set on_hand = (
          select coalesce(sum(remaining_quantity), 0) from kuji_prizes
          where product_id = ${productId} and prize_tier <> ${LAST_ONE_TIER}) - coalesce((
          select claimed_through - (next_position - 1) from kuji_decks where product_id = ${productId}), 0)
        where product_id = ${productId}
        returning on_hand as "onHand", reserved`,
  );
  return row!;
}

/** The invariant of admin edits: on_hand >= reserved (409 otherwise). */
export function assertCoversReserved(counts: InventoryCounts): void {
  if (counts.onHand < counts.reserved) {
    throw new DomainError(
      'INVENTORY_BELOW_RESERVED',
      `On hand (${counts.onHand}) would fall below reserved (${counts.reserved})`,
      counts,
    );
  }
}
