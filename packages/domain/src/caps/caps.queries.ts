import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import { rows, uuidArray } from '../shared/sql.js';
import { transactionLock } from '../shared/locks.js';
import { COUNTED_ORDER_STATUSES, type BuyerKeyKind, type ProductCaps } from './caps.rules.js';

/** The caps of the given products (those that exist). */
export async function loadProductCaps(db: Executor, productIds: readonly string[]): Promise<ProductCaps[]> {
  if (!productIds.length) return [];
  return rows<ProductCaps>(
    db,
    sql`select id as "productId", name, max_per_order as "maxPerOrder", max_per_buyer as "maxPerBuyer",
               sales_start_at as "salesStartAt"
        from products where id = any(${uuidArray(productIds)}) order by id`,
  );
}

const KEY_COLUMN: Record<BuyerKeyKind, SQL> = {
  email: sql`o.buyer_email_key`,
  card: sql`o.buyer_card_fingerprint`,
  address: sql`o.buyer_address_key`,
};

/**
 * The advisory lock (transaction-scoped) serialising every cap decision about one buyer key for one product:
 * two checkouts or finalisations of the same buyer take turns, so both cannot count the same headroom.
 */
export const capLockName = (productId: string, kind: BuyerKeyKind, key: string) =>
  `caps:${productId}:${kind}:${key}`;

/**
 * Takes the cap locks in one global order (sorted names), so two transactions needing several of them
 * never wait on each other in a cycle. Callers take them before touching stock rows.
 */
export async function takeCapLocks(tx: Executor, names: string[]): Promise<void> {
  for (const name of [...new Set(names)].sort()) await transactionLock(tx, name);
}

export interface BuyerUnitsQuery {
  productId: string;
  kind: BuyerKeyKind;
  key: string;
  /** Counting starts here (the sale window's start); null = all time. */
  since: Date | null;
  /** The order being decided is never counted against itself. */
  excludeOrderId?: string | null;
  /** Checkout also counts units held by open checkouts (pending orders with an active, unexpired hold). */
  includeHeld: { now: Date } | null;
}

/** Units of one product the same buyer key has bought (and, optionally, holds). */
export async function countBuyerUnits(tx: Executor, q: BuyerUnitsQuery): Promise<number> {
  const held = q.includeHeld
    ? sql`or (o.status = 'pending_payment' and exists (
            select 1 from inventory_reservations r
            where r.order_id = o.id and r.product_id = ${q.productId} and r.status = 'active'
              and r.expires_at > ${q.includeHeld.now}))`
    : sql``;
  const [row] = await rows<{ units: number }>(
    tx,
    sql`select coalesce(sum(oi.quantity), 0)::int as units
        from order_items oi join orders o on o.id = oi.order_id
        where oi.product_id = ${q.productId}
          and ${KEY_COLUMN[q.kind]} = ${q.key}
          ${q.excludeOrderId ? sql`and o.id <> ${q.excludeOrderId}` : sql``}
          ${q.since ? sql`and o.created_at >= ${q.since}` : sql``}
          and (o.status in (${sql.join(
            COUNTED_ORDER_STATUSES.map((s) => sql`${s}`),
            sql`, `,
          )}) ${held})`,
  );
  return Number(row?.units ?? 0);
}
