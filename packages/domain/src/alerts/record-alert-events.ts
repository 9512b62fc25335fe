import { publiclyVisibleAt } from '../catalog/sale-window.queries.js';
import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import { SERIES_TAG_TYPES } from './alert.rules.js';

/*
 * Issue 13 alert events, each written in the transaction of the change that causes it. back_in_stock events
 * come from the `product_inventory_back_in_stock` trigger (migration 0005), which sees every path that gives
 * stock back. The two below are called by the domain.
 */

/**
 * HOOK for the scheduled-release work: a drop started. Idempotent (one sale_starts event per product while
 * one is pending or was ever sent for it), and a no-op without confirmed followers. Called by the jobs app's
 * sweep (`sweepStartedSales`) for products whose sale start passed; the windows work may also call it where
 * a sale opens.
 */
export async function recordSaleStarted(tx: Executor, productId: string): Promise<boolean> {
  const result = await tx.execute(sql`
    insert into alert_events (kind, product_id)
    select 'sale_starts', ${productId}::uuid
    where exists (select 1 from alert_subscriptions s
                  where s.product_id = ${productId}::uuid and s.kind = 'sale_starts' and s.status = 'confirmed')
      and not exists (select 1 from alert_events e
                      where e.product_id = ${productId}::uuid and e.kind = 'sale_starts')`);
  return (result.rowCount ?? 0) > 0;
}

/**
 * A kuji board became public (activated while announced, or a hidden drop's start came): one new_board event per series tag of the board that has
 * confirmed followers, once per board and tag (re-activating an archived board announces nothing new).
 */
export async function recordBoardAnnounced(tx: Executor, productId: string, now: Date): Promise<number> {
  const result = await tx.execute(sql`
    insert into alert_events (kind, product_id, tag_id)
    select 'new_board', pt.product_id, pt.tag_id
    from product_tags pt
    join tags t on t.id = pt.tag_id
    join products p on p.id = pt.product_id
    where pt.product_id = ${productId}::uuid and p.product_type = 'kuji' and ${publiclyVisibleAt(now)}
      and lower(trim(t.tag_type)) in (${sql.join(
        SERIES_TAG_TYPES.map((t) => sql`${t}`),
        sql`, `,
      )})
      and exists (select 1 from alert_subscriptions s
                  where s.tag_id = pt.tag_id and s.kind = 'new_board' and s.status = 'confirmed')
      and not exists (select 1 from alert_events e
                      where e.product_id = pt.product_id and e.tag_id = pt.tag_id and e.kind = 'new_board')`);
  return result.rowCount ?? 0;
}

/** Ids of active products whose `sales_start_at` passed after `since` and at or before `now` (drop starts). */
export async function productsWhoseSaleStarted(db: Executor, since: Date, now: Date): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select id from products
     where status = 'active' and sales_start_at > ${since.toISOString()}::timestamptz
       and sales_start_at <= ${now.toISOString()}::timestamptz
     order by sales_start_at, id`);
  return result.rows.map((r) => r.id);
}
