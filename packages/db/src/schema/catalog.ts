import { getTableColumns, sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  json,
  pgTable,
  primaryKey,
  text,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, tsvector, updatedAt } from './columns.js';
import { preSaleVisibility, productStatus, productType } from './enums.js';

export const collections = pgTable(
  'collections',
  {
    id: id(),
    name: varchar('name', { length: 160 }).notNull(),
    slug: varchar('slug', { length: 180 }).notNull().unique('collections_slug_key'),
    description: text('description'),
    sortOrder: integer('sort_order').notNull().default(0),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('collections_sort_order_check', sql`${t.sortOrder} >= 0`),
    index('collections_sort_order_id_idx').on(t.sortOrder, t.id),
  ],
);

/** `tag_type` is free text on purpose (spec: "category", "series", … no enumeration enforced). */
export const tags = pgTable(
  'tags',
  {
    id: id(),
    name: varchar('name', { length: 160 }).notNull(),
    slug: varchar('slug', { length: 180 }).notNull().unique('tags_slug_key'),
    tagType: varchar('tag_type', { length: 64 }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('tags_tag_type_name_idx').on(t.tagType, t.name)],
);

export const products = pgTable(
  'products',
  {
    id: id(),
    name: varchar('name', { length: 200 }).notNull(),
    slug: varchar('slug', { length: 220 }).notNull().unique('products_slug_key'),
    description: text('description'),
    productType: productType('product_type').notNull().default('standard'),
    status: productStatus('status').notNull().default('draft'),
    priceCents: integer('price_cents').notNull(),
    currency: varchar('currency', { length: 3 }).notNull().default('CAD'),
    sku: varchar('sku', { length: 120 }).unique('products_sku_key'),
    /**
     * Issue 13 sale window (both optional): checkout is open from `sales_start_at` (inclusive) until
     * `sales_end_at` (exclusive). Decided from the clock at every read; no job flips anything at the minute.
     */
    salesStartAt: tstz('sales_start_at'),
    salesEndAt: tstz('sales_end_at'),
    preSaleVisibility: preSaleVisibility('pre_sale_visibility').notNull().default('announced'),
    /** Issue 13 (caps): units of this product one order may hold; null = no cap. Kuji: tickets. */
    maxPerOrder: integer('max_per_order'),
    /** Issue 13 (caps): units one buyer may buy over the sale window (all time without one); null = no cap. */
    maxPerBuyer: integer('max_per_buyer'),
    /** Maintained by triggers (custom migration 0002); never written by the application. */
    searchVector: tsvector('search_vector')
      .notNull()
      .default(sql`to_tsvector('simple', '')`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('products_price_cents_check', sql`${t.priceCents} >= 0`),
    check(
      'products_sale_window_check',
      sql`${t.salesStartAt} is null or ${t.salesEndAt} is null or ${t.salesEndAt} > ${t.salesStartAt}`,
    ),
    check('products_max_per_order_check', sql`${t.maxPerOrder} IS NULL OR ${t.maxPerOrder} >= 1`),
    check('products_max_per_buyer_check', sql`${t.maxPerBuyer} IS NULL OR ${t.maxPerBuyer} >= 1`),
    // Listing indexes follow the public/admin sort orders (spec B1/B13): sort key, then id as tiebreak.
    index('products_status_created_at_id_idx').on(t.status, t.createdAt, t.id),
    index('products_type_status_created_at_id_idx').on(t.productType, t.status, t.createdAt, t.id),
    index('products_status_price_asc_id_idx').on(t.status, t.priceCents.asc(), t.id.desc().nullsFirst()),
    index('products_status_price_desc_id_idx').on(
      t.status,
      t.priceCents.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('products_status_name_asc_id_idx').on(t.status, t.name.asc(), t.id.desc().nullsFirst()),
    index('products_status_name_desc_id_idx').on(
      t.status,
      t.name.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('products_updated_at_id_idx').on(t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('products_search_vector_idx').using('gin', t.searchVector),
    index('products_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
  ],
);

/**
 * Every product column except the trigger-owned `search_vector`, for `db.select(productColumns)`: a plain
 * `select()` would ship each product's whole tsvector to the app on every list page.
 */
export const productColumns = Object.fromEntries(
  Object.entries(getTableColumns(products)).filter(([name]) => name !== 'searchVector'),
) as Omit<(typeof products)['_']['columns'], 'searchVector'>;

/**
 * `sort_order` is the position of the collection in the product's collection list as written by admin;
 * it is also the primary order when listing a collection's products (spec B1).
 */
export const productCollections = pgTable(
  'product_collections',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    collectionId: uuid('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    // The PK index doubles as the spec's (product_id, collection_id) index.
    primaryKey({ name: 'product_collections_pkey', columns: [t.productId, t.collectionId] }),
    check('product_collections_sort_order_check', sql`${t.sortOrder} >= 0`),
    index('product_collections_collection_sort_idx').on(t.collectionId, t.sortOrder, t.productId),
  ],
);

export const productTags = pgTable(
  'product_tags',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'product_tags_pkey', columns: [t.productId, t.tagId] }),
    index('product_tags_tag_id_product_id_idx').on(t.tagId, t.productId),
  ],
);

/** Primary image = lowest sort_order, then oldest created_at, then lowest id; the index serves that rule. */
export const productImages = pgTable(
  'product_images',
  {
    id: id(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    storageKey: varchar('storage_key', { length: 255 }).notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    altText: varchar('alt_text', { length: 255 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('product_images_sort_order_check', sql`${t.sortOrder} >= 0`),
    index('product_images_primary_idx').on(t.productId, t.sortOrder, t.createdAt, t.id),
  ],
);

/**
 * Issue 14 read model: the public product card (and the static part of the detail view) as ready JSON, so a
 * list page is one index-ordered read of `products` joined by primary key, with no per-row sub-selects.
 * Written ONLY by the `refresh_product_cards` database function, which triggers on products, images,
 * collections, tags and kuji prizes call in the same transaction as the write (custom migration
 * 0006_product_cards); never by the application. Filtering and ordering stay on `products` and its indexes.
 * Volatile stock (product_inventory) is NOT in here: readers join it by primary key, so checkout never
 * writes a card. `json`, not `jsonb`: reads only ever send the whole document, and json's output is a copy.
 */
export const productCards = pgTable('product_cards', {
  productId: uuid('product_id')
    .primaryKey()
    .references(() => products.id, { onDelete: 'cascade' }),
  /** The list card: every field of `ProductCard` except inventory, availability and image URLs. */
  card: json('card').notNull(),
  /** What the detail view adds to the card: sku, all images, tags, kuji prizes, created/updated instants. */
  detail: json('detail').notNull(),
});
