import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { FEATURED_COLLECTION_SLUG, HOME_RAIL_SIZES } from '../shared/constants.js';
import { rows } from '../shared/sql.js';
import { toProductCard, type ProductCard } from './product-card.js';
import { cardColumns, cardJoins, type CardReadRow } from './product-card.queries.js';
import { trendingPageSql } from './trending.queries.js';
import { publiclyVisibleAt } from './sale-window.queries.js';

/**
 * B2 homepage: the three rails in ONE statement (issue 14: one round trip, one prepared plan), each rail with
 * its ready cards; rows carry their rail and position.
 */
export async function getHome(deps: Pick<Deps, 'db' | 'storage' | 'clock'>): Promise<{
  featured: ProductCard[];
  trendingNow: ProductCard[];
  allProductsPreview: ProductCard[];
}> {
  const now = deps.clock.now();
  const featuredOrder = sql`pc.sort_order asc, p.created_at desc, p.id desc`;
  const newestOrder = sql`p.created_at desc, p.id desc`;
  const railRows = await rows<CardReadRow & { rail: Rail }>(
    deps.db,
    sql`select * from (
          select 1 as arm, row_number() over (order by ${featuredOrder}) as pos, 'featured' as rail, ${cardColumns}
          from product_collections pc
          join products p on p.id = pc.product_id
          ${cardJoins}
          where pc.collection_id = (select fc.id from collections fc where fc.slug = ${FEATURED_COLLECTION_SLUG})
            and ${publiclyVisibleAt(now)}
          order by ${featuredOrder}
          limit ${HOME_RAIL_SIZES.featured}) f
        union all
        select 2, row_number() over (order by t.score desc, t."createdAt" desc, t.id desc), 'trendingNow',
               t.card, t."onHand", t.reserved, t."lowStockThreshold"
        from (${trendingPageSql(now, { limit: HOME_RAIL_SIZES.trendingNow, excludeUnavailable: true })}) t
        union all
        select * from (
          select 3, row_number() over (order by ${newestOrder}), 'allProductsPreview', ${cardColumns}
          from products p ${cardJoins} where ${publiclyVisibleAt(now)}
          order by ${newestOrder} limit ${HOME_RAIL_SIZES.allProductsPreview}) n
        order by arm, pos`,
  );
  const home = {
    featured: [] as ProductCard[],
    trendingNow: [] as ProductCard[],
    allProductsPreview: [] as ProductCard[],
  };
  for (const row of railRows) home[row.rail].push(toProductCard(deps.storage, row, now));
  return home;
}

type Rail = 'featured' | 'trendingNow' | 'allProductsPreview';
