import { sql, type SQL } from 'drizzle-orm';
import type { Executor, ProductStatus, ProductType } from '@popbox/db';
import { isoMs, rows, uuidArray } from '../shared/sql.js';

/** The SQL fragments every product view shares (p = products, i = product_inventory). */
export const collectionsJson = sql`(
  select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'slug', c.slug)
                           order by pc.sort_order, c.name, c.id), '[]'::json)
  from product_collections pc join collections c on c.id = pc.collection_id
  where pc.product_id = p.id)`;

/** Primary image rule (spec "product_images"): lowest sort_order, then oldest, then lowest id. */
export const primaryImageJson = sql`(
  select json_build_object('id', im.id, 'storageKey', im.storage_key, 'altText', im.alt_text,
                           'sortOrder', im.sort_order)
  from product_images im where im.product_id = p.id
  order by im.sort_order, im.created_at, im.id limit 1)`;

/** Non-Last-One sums of a kuji board (spec "kuji_prizes": public board data). */
export const ticketSummaryJson = sql`case when p.product_type = 'kuji' then (
  select json_build_object(
    'remainingTickets', coalesce(sum(kp.remaining_quantity) filter (where kp.prize_tier <> 'LO'), 0),
    'totalTickets', coalesce(sum(kp.initial_quantity) filter (where kp.prize_tier <> 'LO'), 0))
  from kuji_prizes kp where kp.product_id = p.id) end`;

/** The sale window columns of every product view (issue 13), as ISO instants. */
export const saleWindowColumns = sql`${isoMs(sql`p.sales_start_at`)} as "salesStartAt",
  ${isoMs(sql`p.sales_end_at`)} as "salesEndAt", p.pre_sale_visibility as "preSaleVisibility"`;

export const inventoryJson = sql`case when i.product_id is null then null else json_build_object(
  'onHand', i.on_hand, 'reserved', i.reserved, 'lowStockThreshold', i.low_stock_threshold) end`;

export interface ImageJson {
  id: string;
  storageKey: string;
  altText: string | null;
  sortOrder: number;
}
export interface InventoryJson {
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
}

export interface CardRow {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  productType: ProductType;
  status: ProductStatus;
  priceCents: number;
  currency: string;
  /** Issue 13: purchase caps (null = none), so lists can say "limit 2 per customer" too. */
  maxPerOrder: number | null;
  maxPerBuyer: number | null;
  collections: { id: string; name: string; slug: string }[];
  primaryImage: ImageJson | null;
  inventory: InventoryJson | null;
  ticketSummary: { remainingTickets: number; totalTickets: number } | null;
  salesStartAt: string | null;
  salesEndAt: string | null;
  preSaleVisibility: 'announced' | 'hidden';
}

/**
 * Every card of a page in ONE query, whatever the page size (architecture "Performance rules"): the
 * collections, primary image, inventory and kuji sums come from correlated sub-selects, not per-row queries.
 */
export async function selectCardRows(db: Executor, ids: readonly string[]): Promise<CardRow[]> {
  if (ids.length === 0) return [];
  return rows<CardRow>(
    db,
    sql`select p.id, p.name, p.slug, p.description, p.product_type as "productType", p.status,
               p.price_cents as "priceCents", p.currency,
               p.max_per_order as "maxPerOrder", p.max_per_buyer as "maxPerBuyer",
               ${collectionsJson} as collections,
               ${primaryImageJson} as "primaryImage",
               ${inventoryJson} as inventory,
               ${ticketSummaryJson} as "ticketSummary",
               ${saleWindowColumns}
        from products p left join product_inventory i on i.product_id = p.id
        where p.id = any(${uuidArray(ids)})`,
  );
}

/** A condition list joined with AND (`true` when empty). */
export function allOf(conditions: SQL[]): SQL {
  return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
}
