import { sql, type SQL } from 'drizzle-orm';
import type { Executor, ProductType } from '@popbox/db';
import { isoUs, rows } from '../shared/sql.js';
import { allOf, cardColumns, cardJoins, type CardReadRow } from './product-card.queries.js';
import { publiclyVisibleAt } from './sale-window.queries.js';
import { KEYSET_SORTS, type KeysetSort, type ListingCursor } from './listing.rules.js';

export interface ListingFilter {
  /** The injected clock's now: decides which drops are public (issue 13). */
  now: Date;
  sort: KeysetSort;
  limit: number;
  cursor: ListingCursor | null;
  collectionId?: string | undefined;
  tagSlug?: string | undefined;
  type?: ProductType | undefined;
}

const SORT_COLUMN = { createdAt: sql`p.created_at`, priceCents: sql`p.price_cents`, name: sql`p.name` };
const CURSOR_CAST = { createdAt: sql`::timestamptz`, priceCents: sql`::integer`, name: sql`::text` };

/**
 * "Strictly after" the cursor tuple for ORDER BY (key <dir>, id desc): the key moves in its direction, or
 * ties and the id is smaller.
 */
function afterCursor(sort: KeysetSort, cursor: ListingCursor): SQL {
  const { field, direction } = KEYSET_SORTS[sort];
  const column = SORT_COLUMN[field];
  const value = sql`${cursor.value}${CURSOR_CAST[field]}`;
  const moved = direction === 'asc' ? sql`${column} > ${value}` : sql`${column} < ${value}`;
  const keyed = sql`(${moved} or (${column} = ${value} and p.id < ${cursor.id}::uuid))`;
  if (cursor.collectionSortOrder === undefined) return keyed;
  const position = sql`${cursor.collectionSortOrder}::integer`;
  return sql`(pc.sort_order > ${position} or (pc.sort_order = ${position} and ${keyed}))`;
}

export interface ListingRow extends CardReadRow {
  id: string;
  createdAt: string;
  priceCents: number;
  name: string;
  collectionSortOrder: number | null;
}

/**
 * One page (+1 row, to know whether there is more) of public product cards in the listing order of B1: ONE
 * index-ordered read of `products` with the ready card and the stock joined by primary key (issue 14).
 */
export async function selectListingPage(db: Executor, f: ListingFilter): Promise<ListingRow[]> {
  const { field, direction } = KEYSET_SORTS[f.sort];
  const where: SQL[] = [publiclyVisibleAt(f.now)];
  if (f.type) where.push(sql`p.product_type = ${f.type}`);
  if (f.tagSlug) {
    where.push(sql`exists (select 1 from product_tags pt join tags t on t.id = pt.tag_id
                          where pt.product_id = p.id and t.slug = ${f.tagSlug})`);
  }
  if (f.cursor) where.push(afterCursor(f.sort, f.cursor));
  const join = f.collectionId
    ? sql`join product_collections pc on pc.product_id = p.id and pc.collection_id = ${f.collectionId}`
    : sql``;
  const order = sql.join(
    [
      ...(f.collectionId ? [sql`pc.sort_order asc`] : []),
      sql`${SORT_COLUMN[field]} ${direction === 'asc' ? sql`asc` : sql`desc`}`,
      sql`p.id desc`,
    ],
    sql`, `,
  );
  return rows<ListingRow>(
    db,
    sql`select p.id, ${isoUs(sql`p.created_at`)} as "createdAt", p.price_cents as "priceCents", p.name,
               ${f.collectionId ? sql`pc.sort_order` : sql`null::integer`} as "collectionSortOrder",
               ${cardColumns}
        from products p ${join} ${cardJoins}
        where ${allOf(where)}
        order by ${order}
        limit ${f.limit + 1}`,
  );
}

export async function findCollectionIdBySlug(db: Executor, slug: string): Promise<string | null> {
  const [row] = await rows<{ id: string }>(db, sql`select id from collections where slug = ${slug}`);
  return row?.id ?? null;
}
