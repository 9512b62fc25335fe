import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { FEATURED_COLLECTION_SLUG, HOME_RAIL_SIZES } from '../shared/constants.js';
import { rows } from '../shared/sql.js';
import { loadProductCards, type ProductCard } from './product-card.js';
import { selectTrending } from './trending.queries.js';
import { publiclyVisibleAt } from './sale-window.queries.js';

/**
 * B2 homepage: the three rails' ids are computed concurrently, then every card is hydrated in one query.
 */
export async function getHome(deps: Pick<Deps, 'db' | 'storage' | 'clock'>): Promise<{
  featured: ProductCard[];
  trendingNow: ProductCard[];
  allProductsPreview: ProductCard[];
}> {
  const now = deps.clock.now();
  const [featured, trending, newest] = await Promise.all([
    rows<{ id: string }>(
      deps.db,
      sql`select p.id from products p
          join product_collections pc on pc.product_id = p.id
          join collections c on c.id = pc.collection_id and c.slug = ${FEATURED_COLLECTION_SLUG}
          where ${publiclyVisibleAt(now)}
          order by pc.sort_order asc, p.created_at desc, p.id desc
          limit ${HOME_RAIL_SIZES.featured}`,
    ),
    selectTrending(deps.db, now, {
      limit: HOME_RAIL_SIZES.trendingNow,
      excludeUnavailable: true,
    }),
    rows<{ id: string }>(
      deps.db,
      sql`select p.id from products p where ${publiclyVisibleAt(now)}
          order by p.created_at desc, p.id desc limit ${HOME_RAIL_SIZES.allProductsPreview}`,
    ),
  ]);
  const ids = (list: { id: string }[]) => list.map((r) => r.id);
  const cards = new Map(
    (await loadProductCards(deps, [...new Set([...ids(featured), ...ids(trending), ...ids(newest)])])).map(
      (c) => [c.id, c],
    ),
  );
  const pick = (list: { id: string }[]) => list.flatMap((r) => cards.get(r.id) ?? []);
  return { featured: pick(featured), trendingNow: pick(trending), allProductsPreview: pick(newest) };
}
