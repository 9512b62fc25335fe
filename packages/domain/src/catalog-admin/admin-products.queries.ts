import { sql, type SQL } from 'drizzle-orm';
import type { Executor, ProductStatus, ProductType } from '@popbox/db';
import { isoMs, isoUs, rows, uuidArray } from '../shared/sql.js';
import {
  allOf,
  collectionsJson,
  inventoryJson,
  primaryImageJson,
  saleWindowColumns,
  type CardRow,
  type ImageJson,
} from '../catalog/product-card.queries.js';
import type { AdminCursor, AdminSort } from './admin-listing.rules.js';

export interface AdminListFilter {
  status?: ProductStatus | undefined;
  type?: ProductType | undefined;
  collectionId?: string | undefined;
  tagIds?: string[] | undefined;
  /** Issue 13: the window relative to `now` (the injected clock). */
  sale?: AdminSaleFilter | undefined;
  now: Date;
  sort: AdminSort;
  cursor: AdminCursor | null;
  limit: number;
}

/** B13 inventory sort value: kuji → non-LO remaining; standard → max(on_hand − reserved, 0), 0 without a row. */
const inventorySortValue = sql`case when p.product_type = 'kuji'
  then coalesce((select sum(kp.remaining_quantity) from kuji_prizes kp
                 where kp.product_id = p.id and kp.prize_tier <> 'LO'), 0)
  else coalesce((select greatest(i.on_hand - i.reserved, 0) from product_inventory i
                 where i.product_id = p.id), 0) end`;

export type AdminSaleFilter = 'upcoming' | 'live' | 'ended';

/** Same boundaries as `saleAvailability`: start inclusive, end exclusive. */
function saleFilter(filter: AdminSaleFilter, now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  if (filter === 'upcoming') return sql`p.sales_start_at > ${at}`;
  if (filter === 'ended') return sql`p.sales_end_at <= ${at}`;
  return sql`(p.sales_start_at is null or p.sales_start_at <= ${at})
             and (p.sales_end_at is null or p.sales_end_at > ${at})`;
}

export interface AdminPageRow {
  id: string;
  updatedAt: string;
  inventorySortValue: number;
}

export async function selectAdminProductPage(db: Executor, f: AdminListFilter): Promise<AdminPageRow[]> {
  const where: SQL[] = [];
  if (f.status) where.push(sql`p.status = ${f.status}`);
  if (f.type) where.push(sql`p.product_type = ${f.type}`);
  if (f.collectionId) {
    where.push(sql`exists (select 1 from product_collections pc
                          where pc.product_id = p.id and pc.collection_id = ${f.collectionId})`);
  }
  if (f.tagIds?.length) {
    where.push(sql`exists (select 1 from product_tags pt
                          where pt.product_id = p.id and pt.tag_id = any(${uuidArray(f.tagIds)}))`);
  }
  if (f.sale) where.push(saleFilter(f.sale, f.now));
  const byInventory = f.sort.startsWith('inventory');
  const descending = f.sort.endsWith('desc');
  const key = byInventory ? sql`inv` : sql`updated_at`;
  const dir = descending ? sql`desc` : sql`asc`;
  let after = sql``;
  if (f.cursor) {
    const value = byInventory ? sql`${f.cursor.value}::bigint` : sql`${f.cursor.value}::timestamptz`;
    after = sql`where (${key}, id) ${descending ? sql`<` : sql`>`} (${value}, ${f.cursor.id}::uuid)`;
  }
  const result = await rows<{ id: string; updatedAt: string; inv: string | number }>(
    db,
    sql`with base as (
          select p.id, p.updated_at, ${inventorySortValue} as inv
          from products p where ${allOf(where)}
        )
        select id, ${isoUs(sql`updated_at`)} as "updatedAt", inv from base
        ${after}
        order by ${key} ${dir}, id ${dir}
        limit ${f.limit + 1}`,
  );
  return result.map((r) => ({ id: r.id, updatedAt: r.updatedAt, inventorySortValue: Number(r.inv) }));
}

export interface AdminItemRow extends Omit<CardRow, 'description' | 'ticketSummary'> {
  sku: string | null;
  tags: { id: string; name: string; slug: string }[];
  primaryImage: ImageJson | null;
  updatedAt: string;
}

/** The admin list items of a page in one query. */
export async function selectAdminItems(db: Executor, ids: readonly string[]): Promise<AdminItemRow[]> {
  if (!ids.length) return [];
  return rows<AdminItemRow>(
    db,
    sql`select p.id, p.name, p.slug, p.sku, p.status, p.product_type as "productType",
               p.price_cents as "priceCents", p.currency,
               p.max_per_order as "maxPerOrder", p.max_per_buyer as "maxPerBuyer",
               ${collectionsJson} as collections,
               ${inventoryJson} as inventory,
               (select coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'slug', t.slug)
                                         order by t.name, t.id), '[]'::json)
                from product_tags pt join tags t on t.id = pt.tag_id where pt.product_id = p.id) as tags,
               ${primaryImageJson} as "primaryImage",
               ${saleWindowColumns},
               ${isoMs(sql`p.updated_at`)} as "updatedAt"
        from products p left join product_inventory i on i.product_id = p.id
        where p.id = any(${uuidArray(ids)})`,
  );
}
