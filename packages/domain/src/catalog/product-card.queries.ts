import { sql, type SQL } from 'drizzle-orm';
import type { ProductStatus, ProductType } from '@popbox/db';
import { isoMs } from '../shared/sql.js';

/**
 * The live SQL fragments of a product view (p = products, i = product_inventory). Public reads use the card
 * read model instead; the admin views still read these live, and `refresh_product_cards` (migration
 * 0006_product_cards) builds the same JSON: keep both in step.
 */
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

/** The static part of a card, exactly as `product_cards.card` stores it (everything but stock). */
export type StaticCard = Omit<CardRow, 'inventory'>;

/**
 * The card read model (issue 14) for a query over `products p`: the ready card JSON by primary key and the
 * volatile stock by primary key (never stored in the card, so checkout never rewrites one).
 */
export const cardJoins = sql`join product_cards c on c.product_id = p.id
  left join product_inventory i on i.product_id = p.id`;
/** The columns `cardJoins` yields, read back with `cardInventory`. */
export const cardColumns = sql`c.card, i.on_hand as "onHand", i.reserved,
  i.low_stock_threshold as "lowStockThreshold"`;

export interface CardReadRow {
  card: StaticCard;
  onHand: number | null;
  reserved: number | null;
  lowStockThreshold: number | null;
}

/** The stock columns of a `cardColumns` row as the card's inventory (null: the product has no row). */
export const cardInventory = (row: CardReadRow): InventoryJson | null =>
  row.onHand === null
    ? null
    : { onHand: row.onHand, reserved: row.reserved ?? 0, lowStockThreshold: row.lowStockThreshold ?? 0 };

/** A condition list joined with AND (`true` when empty). */
export function allOf(conditions: SQL[]): SQL {
  return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
}
