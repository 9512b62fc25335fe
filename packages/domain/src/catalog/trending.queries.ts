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

const days = (now: SQL, n: number) => sql`(${now} - make_interval(days => ${n}))`;

/** Freshest-bucket weight as a CASE over the bucket list. */
function bucketWeight(at: SQL, now: SQL, buckets: readonly { withinDays: number; weight: number }[]): SQL {
  const whens = buckets.map((b) => sql`when ${at} >= ${days(now, b.withinDays)} then ${b.weight}`);
  return sql`(case ${sql.join(whens, sql` `)} else 0 end)`;
}

/** B2 ranking (score desc, created_at desc, id desc, clock injected as `now`), each row with its card. */
export async function selectTrending(db: Executor, now: Date, f: TrendingFilter): Promise<TrendingRow[]> {
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const paidWindow = PAID_DEMAND_BUCKETS[PAID_DEMAND_BUCKETS.length - 1]!.withinDays;
  const intentWindow = RESERVATION_BUCKETS[RESERVATION_BUCKETS.length - 1]!.withinDays;
  const eventAt = sql`coalesce(o.paid_at, o.placed_at, o.created_at)`;
  const statuses = sql.join(
    PAID_STATUSES.map((s) => sql`${s}::order_status`),
    sql`, `,
  );

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
  const after = f.cursor
    ? sql`where (p.score, p.created_at, p.id) < (${f.cursor.score}::bigint, ${f.cursor.createdAt}::timestamptz, ${f.cursor.id}::uuid)`
    : sql``;

  const result = await rows<Omit<TrendingRow, 'score'> & { score: string | number }>(
    db,
    sql`with paid as (
          select oi.product_id, sum(oi.quantity * ${bucketWeight(eventAt, nowSql, PAID_DEMAND_BUCKETS)}) as score
          from order_items oi join orders o on o.id = oi.order_id
          where o.status in (${statuses})
            and ${eventAt} >= ${days(nowSql, paidWindow)} and ${eventAt} <= ${nowSql}
          group by oi.product_id
        ), intent as (
          select r.product_id,
                 sum(r.quantity * ${bucketWeight(sql`r.created_at`, nowSql, RESERVATION_BUCKETS)}) as score
          from inventory_reservations r
          where r.status = 'active' and r.expires_at > ${nowSql}
            and r.created_at >= ${days(nowSql, intentWindow)} and r.created_at <= ${nowSql}
          group by r.product_id
        ), ranked as (
          select p.id, p.created_at, (coalesce(paid.score, 0) + coalesce(intent.score, 0))::bigint as score
          from products p
          left join paid on paid.product_id = p.id
          left join intent on intent.product_id = p.id
          where ${allOf(where)}
        ), page as (
          select id, created_at, score from ranked p
          ${after}
          order by score desc, created_at desc, id desc
          limit ${f.limit}
        )
        -- The cards are joined to the page only, not to every ranked product.
        select p.id, p.score, ${isoUs(sql`p.created_at`)} as "createdAt", ${cardColumns}
        from page p ${cardJoins}
        order by p.score desc, p.created_at desc, p.id desc`,
  );
  return result.map((r) => ({ ...r, score: Number(r.score) }));
}
