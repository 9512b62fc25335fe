import { sql, type SQL } from 'drizzle-orm';
import { products } from '@popbox/db';

interface VisibilityColumns {
  status: SQL;
  visibility: SQL;
  start: SQL;
}

const ALIASED: VisibilityColumns = {
  status: sql`p.status`,
  visibility: sql`p.pre_sale_visibility`,
  start: sql`p.sales_start_at`,
};
const TABLE: VisibilityColumns = {
  status: sql`${products.status}`,
  visibility: sql`${products.preSaleVisibility}`,
  start: sql`${products.salesStartAt}`,
};

const predicate = (c: VisibilityColumns, now: Date): SQL =>
  sql`(${c.status} = 'active' and (${c.visibility} = 'announced' or ${c.start} is null
       or ${c.start} <= ${now.toISOString()}::timestamptz))`;

/**
 * THE public visibility rule (issue 13), one place for every public read — lists, collection pages, search,
 * autocomplete, trending/home, recommendations, product by slug, kuji fairness/live/verify: an active product
 * whose pre-sale visibility is `announced`, or whose start has come (by the injected clock `now`, never the
 * database's clock). For raw queries that alias `products` as `p`. Mirrors `isPubliclyVisible`.
 */
export const publiclyVisibleAt = (now: Date): SQL => predicate(ALIASED, now);

/** The same rule for query-builder reads of the unaliased `products` table. */
export const productPubliclyVisibleAt = (now: Date): SQL => predicate(TABLE, now);
