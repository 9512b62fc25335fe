import { sql, type SQL } from 'drizzle-orm';
import type { Executor, ProductType } from '@popbox/db';
import { isoUs, rows } from '../shared/sql.js';
import type { TrendingCursor } from './listing.rules.js';
import { PAID_DEMAND_BUCKETS, PAID_STATUSES, RESERVATION_BUCKETS } from './trending.rules.js';
import { allOf, cardColumns, cardJoins, type CardReadRow } from './product-card.queries.js';
import { publiclyVisibleAt } from './sale-window.queries.js';

export interface TrendingFilter {
  limit: number;
  cursor?: TrendingCursor | null;
  type?: ProductType | undefined;
  collectionId?: string | undefined;
  tagSlug?: string | undefined;
  /** `on_hand - reserved > 0` (the homepage rail); the listing keeps sold-out products. */
  excludeUnavailable?: boolean;
}

export interface TrendingRow extends CardReadRow {
  id: string;
  score: number;
  createdAt: string;
}

const ints = (values: readonly number[]) => sql`${sql.param([...values])}::integer[]`;

/**
 * The demand score of every product with recent demand, from the `trending_demand` database function
 * (migration 0006_product_cards: its plan is prepared once per connection instead of planned per read),
 * fed with the buckets of trending.rules.ts.
 */
function demandScores(now: SQL): SQL {
  return sql`public.trending_demand(${now},
    ${sql.param([...PAID_STATUSES])}::order_status[],
    ${ints(PAID_DEMAND_BUCKETS.map((b) => b.withinDays))}, ${ints(PAID_DEMAND_BUCKETS.map((b) => b.weight))},
    ${ints(RESERVATION_BUCKETS.map((b) => b.withinDays))}, ${ints(RESERVATION_BUCKETS.map((b) => b.weight))})`;
}

/**
 * The statement of one B2 ranking page (score desc, created_at desc, id desc, clock injected as `now`): rows of
 * `id`, `score`, `createdAt` and the card columns, in ranking order.
 */
export function trendingPageSql(now: Date, f: TrendingFilter): SQL {
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const where: SQL[] = [publiclyVisibleAt(now)];
  if (f.type) where.push(sql`p.product_type = ${f.type}`);
  if (f.collectionId) {
    where.push(sql`exists (select 1 from product_collections pc
                          where pc.product_id = p.id and pc.collection_id = ${f.collectionId})`);
  }
  if (f.tagSlug) {
    where.push(sql`exists (select 1 from product_tags pt join tags t on t.id = pt.tag_id
                          where pt.product_id = p.id and t.slug = ${f.tagSlug})`);
  }
  if (f.excludeUnavailable) {
    where.push(sql`exists (select 1 from product_inventory i
                          where i.product_id = p.id and i.on_hand - i.reserved > 0)`);
  }
  // A cursor is "strictly after (score, created_at, id)" in the ranking order.
  const after = (score: SQL) =>
    f.cursor
      ? sql`and (${score}, p.created_at, p.id) < (${f.cursor.score}::bigint, ${f.cursor.createdAt}::timestamptz, ${f.cursor.id}::uuid)`
      : sql``;

  // Two arms, each index-ordered and cut at the page size: the few products with demand, by score; then the
  // rest (score 0) newest first, which reads only as many products as the page can still take.
  return sql`with d as materialized (
          select product_id, score from ${demandScores(nowSql)} where score > 0
        ), scored as (
          select p.id, p.created_at, d.score from d join products p on p.id = d.product_id
          where ${allOf(where)} ${after(sql`d.score`)}
          order by d.score desc, p.created_at desc, p.id desc
          limit ${f.limit}
        ), rest as (
          select p.id, p.created_at, 0::bigint as score from products p
          where ${allOf(where)} and not exists (select 1 from d where d.product_id = p.id)
            ${after(sql`0::bigint`)}
          order by p.created_at desc, p.id desc
          limit ${f.limit}
        ), page as (
          select id, created_at, score from scored
          union all
          select id, created_at, score from rest
          order by score desc, created_at desc, id desc
          limit ${f.limit}
        )
        -- The cards are joined to the page only, not to every ranked product.
        select p.id, p.score, ${isoUs(sql`p.created_at`)} as "createdAt", ${cardColumns}
        from page p ${cardJoins}
        order by p.score desc, p.created_at desc, p.id desc`;
}

/** One B2 ranking page, each row with its card. */
export async function selectTrending(db: Executor, now: Date, f: TrendingFilter): Promise<TrendingRow[]> {
  const result = await rows<Omit<TrendingRow, 'score'> & { score: string | number }>(
    db,
    trendingPageSql(now, f),
  );
  return result.map((r) => ({ ...r, score: Number(r.score) }));
}
