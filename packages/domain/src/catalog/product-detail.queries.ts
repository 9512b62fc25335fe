import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import { isoMs, rows } from '../shared/sql.js';
import {
  cardColumns,
  cardInventory,
  cardJoins,
  collectionsJson,
  inventoryJson,
  saleWindowColumns,
  type CardReadRow,
  type CardRow,
  type ImageJson,
} from './product-card.queries.js';

export interface PrizeJson {
  id: string;
  prizeCode: string;
  prizeTier: string;
  name: string;
  description: string | null;
  imageUrl: string | null;
  remainingQuantity: number;
  initialQuantity: number;
  sortOrder: number;
}

export interface DetailRow extends Omit<CardRow, 'primaryImage' | 'ticketSummary'> {
  sku: string | null;
  images: ImageJson[];
  tags: { id: string; name: string; slug: string; tagType: string }[];
  kujiPrizes: PrizeJson[];
  createdAt: string;
  updatedAt: string;
}

/** Every prize line including Last One, in board order (sort_order, id). */
export const prizesJson = sql`(
  select coalesce(json_agg(json_build_object(
    'id', kp.id, 'prizeCode', kp.prize_code, 'prizeTier', kp.prize_tier, 'name', kp.name,
    'description', kp.description, 'imageUrl', kp.image_url, 'remainingQuantity', kp.remaining_quantity,
    'initialQuantity', kp.initial_quantity, 'sortOrder', kp.sort_order) order by kp.sort_order, kp.id), '[]'::json)
  from kuji_prizes kp where kp.product_id = p.id)`;

/** What `product_cards.detail` stores: the detail view's static part beyond the card. */
export type StaticDetail = Pick<
  DetailRow,
  'sku' | 'images' | 'tags' | 'kujiPrizes' | 'createdAt' | 'updatedAt'
>;

/**
 * The public detail (B1) from the card read model (issue 14): the stored card and detail JSON and the stock
 * by primary key, one query without sub-selects. `where` filters `products p`.
 */
export async function selectPublicDetail(db: Executor, where: SQL): Promise<DetailRow | null> {
  const [row] = await rows<CardReadRow & { detail: StaticDetail }>(
    db,
    sql`select ${cardColumns}, c.detail from products p ${cardJoins} where ${where}`,
  );
  if (!row) return null;
  const { primaryImage: _image, ticketSummary: _summary, ...card } = row.card;
  return { ...card, ...row.detail, inventory: cardInventory(row) };
}

/**
 * The full product view of B13 (admin) read live from the source tables in one query, so a write can answer
 * and audit from inside its own transaction without depending on the read model. `where` filters `products p`.
 */
export async function selectProductDetail(db: Executor, where: SQL): Promise<DetailRow | null> {
  const [row] = await rows<DetailRow>(
    db,
    sql`select p.id, p.name, p.slug, p.description, p.product_type as "productType", p.status,
               p.price_cents as "priceCents", p.currency, p.sku,
               p.max_per_order as "maxPerOrder", p.max_per_buyer as "maxPerBuyer",
               ${collectionsJson} as collections,
               (select coalesce(json_agg(json_build_object('id', im.id, 'storageKey', im.storage_key,
                         'altText', im.alt_text, 'sortOrder', im.sort_order) order by im.sort_order, im.id), '[]'::json)
                from product_images im where im.product_id = p.id) as images,
               (select coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'slug', t.slug,
                         'tagType', t.tag_type) order by t.name, t.id), '[]'::json)
                from product_tags pt join tags t on t.id = pt.tag_id where pt.product_id = p.id) as tags,
               case when p.product_type = 'kuji' then ${prizesJson} else '[]'::json end as "kujiPrizes",
               ${inventoryJson} as inventory,
               ${saleWindowColumns},
               ${isoMs(sql`p.created_at`)} as "createdAt", ${isoMs(sql`p.updated_at`)} as "updatedAt"
        from products p left join product_inventory i on i.product_id = p.id
        where ${where}`,
  );
  return row ?? null;
}
