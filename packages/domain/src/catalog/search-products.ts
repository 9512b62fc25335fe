import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import {
  SEARCH_RANK_WEIGHT,
  SEARCH_SIMILARITY_FLOOR,
  SEARCH_SIMILARITY_THRESHOLD,
  SEARCH_SIMILARITY_WEIGHT,
} from '../shared/constants.js';
import { rows } from '../shared/sql.js';
import { toProductCard, type ProductCard } from './product-card.js';
import { cardColumns, cardJoins, type CardReadRow } from './product-card.queries.js';
import { normaliseQuery } from './search.rules.js';
import { publiclyVisibleAt } from './sale-window.queries.js';

/**
 * `p.name % q` with similarity >= 0.15, as one uncorrelated sub-select evaluated once per statement: the
 * `products_with_similar_name` function (migration 0007) sets pg_trgm's threshold for its own call and finds the
 * names through the trigram GIN index (an InitPlan: once per statement). No transaction of the read's own, so a
 * search is one round trip.
 */
export const similarNameSql = (q: string) =>
  sql`p.id = any(coalesce((select public.products_with_similar_name(${q}, ${SEARCH_SIMILARITY_THRESHOLD}::real)), '{}'))`;

/** Relevance of B1: cover-density rank × 1.0 + max(similarity − 0.1, 0) × 0.5. */
export const relevanceSql = (tsquery: ReturnType<typeof sql>, q: string) =>
  sql`(coalesce(ts_rank_cd(p.search_vector, ${tsquery}), 0) * ${SEARCH_RANK_WEIGHT}
      + greatest(similarity(p.name, ${q}) - ${SEARCH_SIMILARITY_FLOOR}, 0) * ${SEARCH_SIMILARITY_WEIGHT})`;

/**
 * B1 search: full text (web-style query, simple dictionary) or trigram similarity; never paginated. The
 * matching rows come with their ready cards in the same query (issue 14).
 */
export async function searchProducts(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  input: { q: string; limit: number },
): Promise<{ items: ProductCard[]; nextCursor: null }> {
  const now = deps.clock.now();
  const q = normaliseQuery(input.q);
  const tsquery = sql`websearch_to_tsquery('simple', ${q})`;
  const found = await rows<CardReadRow>(
    deps.db,
    sql`with hits as (
          select p.id, p.created_at, ${relevanceSql(tsquery, q)} as relevance from products p
          where ${publiclyVisibleAt(now)} and (p.search_vector @@ ${tsquery} or ${similarNameSql(q)})
          order by relevance desc, p.created_at desc, p.id desc
          limit ${input.limit})
        -- The cards are joined to the hits kept, not to every match.
        select ${cardColumns} from hits p ${cardJoins}
        order by p.relevance desc, p.created_at desc, p.id desc`,
  );
  return { items: found.map((row) => toProductCard(deps.storage, row, now)), nextCursor: null };
}
