import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { likeEscape, rows } from '../shared/sql.js';
import { normaliseQuery, prefixTsQuery } from './search.rules.js';
import { relevanceSql, similarNameSql } from './search-products.js';
import { publiclyVisibleAt } from './sale-window.queries.js';

export interface Suggestion {
  id: string;
  name: string;
  slug: string;
  thumbnailUrl: string | null;
  priceCents: number;
  currency: string;
}

/**
 * B1 autocomplete: name prefix, prefix full-text or trigram match; an exact name scores 100, a name prefix
 * 50, plus the search relevance terms. One round trip for the rows (thumbnails from the card read model).
 */
export async function autocomplete(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  input: { q: string; limit: number },
): Promise<{ items: Suggestion[] }> {
  const now = deps.clock.now();
  const q = normaliseQuery(input.q);
  const prefix = prefixTsQuery(q);
  if (!prefix) return { items: [] };
  const tsquery = sql`to_tsquery('simple', ${prefix})`;
  const startsWith = sql`lower(p.name) like ${`${likeEscape(q.toLowerCase())}%`}`;
  const found = await rows<Omit<Suggestion, 'thumbnailUrl'> & { thumbnailKey: string | null }>(
    deps.db,
    sql`select p.id, p.name, p.slug, p.price_cents as "priceCents", p.currency,
               c.card #>> '{primaryImage,storageKey}' as "thumbnailKey"
        from products p join product_cards c on c.product_id = p.id
        where ${publiclyVisibleAt(now)}
          and (${startsWith} or p.search_vector @@ ${tsquery} or ${similarNameSql(q)})
        order by (case when lower(p.name) = ${q.toLowerCase()} then 100
                       when ${startsWith} then 50 else 0 end) + ${relevanceSql(tsquery, q)} desc,
                 p.created_at desc, p.id desc
        limit ${input.limit}`,
  );
  return {
    items: found.map(({ thumbnailKey, ...s }) => ({
      ...s,
      thumbnailUrl: thumbnailKey ? deps.storage.publicUrl(thumbnailKey) : null,
    })),
  };
}
