import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import type { ObjectStorage } from '../ports/storage.js';
import { toImageView, toInventoryView } from './product-card.js';
import { selectProductDetail, type DetailRow } from './product-detail.queries.js';

export function toProductDetail(storage: Pick<ObjectStorage, 'publicUrl'>, row: DetailRow) {
  return {
    ...row,
    images: row.images.map((image) => toImageView(storage, image)),
    inventory: toInventoryView(row.inventory),
  };
}
export type ProductDetail = ReturnType<typeof toProductDetail>;

/** B1 product detail: active products only (404 otherwise), with the prize board for kuji. */
export async function getProductBySlug(
  deps: Pick<Deps, 'db' | 'storage'>,
  slug: string,
): Promise<ProductDetail> {
  const row = await selectProductDetail(deps.db, sql`p.slug = ${slug} and p.status = 'active'`);
  if (!row) throw notFound('Product', { slug });
  return toProductDetail(deps.storage, row);
}

/** B13 admin detail: any status. Takes an executor so writes can answer from inside their transaction. */
export async function loadProductDetailById(
  db: Executor,
  storage: Pick<ObjectStorage, 'publicUrl'>,
  id: string,
): Promise<ProductDetail> {
  const row = await selectProductDetail(db, sql`p.id = ${id}`);
  if (!row) throw notFound('Product', { id });
  return toProductDetail(storage, row);
}
