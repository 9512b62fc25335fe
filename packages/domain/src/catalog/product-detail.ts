import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import type { ObjectStorage } from '../ports/storage.js';
import { toImageView, toInventoryView } from './product-card.js';
import { selectProductDetail, selectPublicDetail, type DetailRow } from './product-detail.queries.js';
import { saleAvailability } from './sale-window.rules.js';
import { publiclyVisibleAt } from './sale-window.queries.js';

export function toProductDetail(storage: Pick<ObjectStorage, 'publicUrl'>, row: DetailRow, now: Date) {
  return {
    ...row,
    images: row.images.map((image) => toImageView(storage, image)),
    inventory: toInventoryView(row.inventory),
    availability: saleAvailability(row, now),
  };
}
export type ProductDetail = ReturnType<typeof toProductDetail>;

/**
 * B1 product detail: publicly visible products only (404 otherwise — a hidden drop before its start answers
 * exactly like an unknown slug), with the prize board for kuji.
 */
export async function getProductBySlug(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  slug: string,
): Promise<ProductDetail> {
  const now = deps.clock.now();
  const row = await selectPublicDetail(deps.db, sql`p.slug = ${slug} and ${publiclyVisibleAt(now)}`);
  if (!row) throw notFound('Product', { slug });
  return toProductDetail(deps.storage, row, now);
}

/** B13 admin detail: any status. Takes an executor so writes can answer from inside their transaction. */
export async function loadProductDetailById(
  db: Executor,
  storage: Pick<ObjectStorage, 'publicUrl'>,
  id: string,
  now: Date,
): Promise<ProductDetail> {
  const row = await selectProductDetail(db, sql`p.id = ${id}`);
  if (!row) throw notFound('Product', { id });
  return toProductDetail(storage, row, now);
}
