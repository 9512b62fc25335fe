import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { rows } from '../shared/sql.js';
import { toProductCard, type ProductCard } from './product-card.js';
import { cardColumns, cardJoins, type CardReadRow } from './product-card.queries.js';
import { publiclyVisibleAt } from './sale-window.queries.js';
import { priceTolerance, RECOMMENDATION_WEIGHTS as W } from './recommendations.rules.js';

interface Source {
  id: string;
  productType: string;
  currency: string;
  priceCents: number;
}

/**
 * B1 recommendations: in-stock active products scored against the source (shared collection, shared tags,
 * same type, in stock, close price); score desc, then newest. Two queries whatever the limit: the source,
 * then the ranked ready cards (issue 14).
 */
export async function recommendProducts(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  input: { slug: string; limit: number },
): Promise<{ items: ProductCard[]; meta: { count: number; limit: number } }> {
  const now = deps.clock.now();
  const [source] = await rows<Source>(
    deps.db,
    sql`select p.id, p.product_type as "productType", p.currency, p.price_cents as "priceCents"
        from products p where p.slug = ${input.slug} and ${publiclyVisibleAt(now)}`,
  );
  if (!source) throw notFound('Product', { slug: input.slug });

  const ranked = await rows<CardReadRow>(
    deps.db,
    sql`with ranked as (
        select p.id, p.created_at,
          (case when exists (select 1 from product_collections a
                             join product_collections b on b.collection_id = a.collection_id
                             where a.product_id = p.id and b.product_id = ${source.id})
                then ${W.sharedCollection} else 0 end)
          + ${W.perSharedTag} * (select count(*) from product_tags a
                                 join product_tags b on b.tag_id = a.tag_id
                                 where a.product_id = p.id and b.product_id = ${source.id})
          + (case when p.product_type = ${source.productType} then ${W.sameType} else 0 end)
          + ${W.inStock}
          + (case when p.currency = ${source.currency}
                   and abs(p.price_cents - ${source.priceCents}) <= ${priceTolerance(source.priceCents)}
                  then ${W.closePrice} else 0 end) as score
        from products p join product_inventory i on i.product_id = p.id
        where ${publiclyVisibleAt(now)} and p.id <> ${source.id} and i.on_hand - i.reserved > 0
        order by score desc, p.created_at desc, p.id desc
        limit ${input.limit})
      -- The cards are joined to the page only, not to every scored product.
      select ${cardColumns} from ranked p ${cardJoins}
      order by p.score desc, p.created_at desc, p.id desc`,
  );
  const items = ranked.map((row) => toProductCard(deps.storage, row, now));
  return { items, meta: { count: items.length, limit: input.limit } };
}
