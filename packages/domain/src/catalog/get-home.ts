import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { FEATURED_COLLECTION_SLUG, HOME_RAIL_SIZES } from '../shared/constants.js';
import { rows } from '../shared/sql.js';
import { toProductCard, type ProductCard } from './product-card.js';
import { cardColumns, cardJoins, type CardReadRow } from './product-card.queries.js';
import { selectTrending } from './trending.queries.js';
import { publiclyVisibleAt } from './sale-window.queries.js';

/**
 * B2 homepage: the three rails are read concurrently, each as one query returning its ready cards (issue 14:
 * no hydration round trip).
 */
export async function getHome(deps: Pick<Deps, 'db' | 'storage' | 'clock'>): Promise<{
  featured: ProductCard[];
  trendingNow: ProductCard[];
  allProductsPreview: ProductCard[];
}> {
  const now = deps.clock.now();
  const [featured, trending, newest] = await Promise.all([
    rows<CardReadRow>(
      deps.db,
      // The collection as a scalar sub-select rather than a join: one relation less to plan per read.
      sql`select ${cardColumns} from product_collections pc
          join products p on p.id = pc.product_id
          ${cardJoins}
          where pc.collection_id = (select fc.id from collections fc where fc.slug = ${FEATURED_COLLECTION_SLUG})
            and ${publiclyVisibleAt(now)}
          order by pc.sort_order asc, p.created_at desc, p.id desc
          limit ${HOME_RAIL_SIZES.featured}`,
    ),
    selectTrending(deps.db, now, {
      limit: HOME_RAIL_SIZES.trendingNow,
      excludeUnavailable: true,
    }),
    rows<CardReadRow>(
      deps.db,
      sql`select ${cardColumns} from products p ${cardJoins} where ${publiclyVisibleAt(now)}
          order by p.created_at desc, p.id desc limit ${HOME_RAIL_SIZES.allProductsPreview}`,
    ),
  ]);
  const cards = (list: CardReadRow[]) => list.map((row) => toProductCard(deps.storage, row, now));
  return { featured: cards(featured), trendingNow: cards(trending), allProductsPreview: cards(newest) };
}
