import { eq } from 'drizzle-orm';
import {
  collections,
  productInventory,
  products,
  tags,
  type ProductStatus,
  type ProductType,
  type Tx,
} from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import { rethrowDuplicate } from '../shared/db-errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { loadProductDetailById, type ProductDetail } from '../catalog/product-detail.js';
import { assertCoversReserved, recomputeKujiOnHand } from '../kuji/recompute-kuji-on-hand.js';
import { lockKujiBoard } from '../kuji/board.queries.js';
import { syncKujiBoard } from '../kuji/epochs.js';
import { touchKujiBoard } from '../kuji/draw-log.js';
import { isSlugTaken } from './slug.queries.js';
import {
  assertAllExist,
  dedupe,
  lockProduct,
  replaceCollections,
  replaceTags,
} from './product-links.queries.js';
import { productAuditSummary } from './product-audit.js';
import { assertProductTypeChangeable } from './product-type-lock.js';
import { PRODUCT_UNIQUE_FIELDS } from './create-product.js';

export interface UpdateProductInput {
  id: string;
  collectionIds?: string[] | undefined;
  name?: string | undefined;
  slug?: string | undefined;
  description?: string | null | undefined;
  productType?: ProductType | undefined;
  status?: ProductStatus | undefined;
  priceCents?: number | undefined;
  currency?: 'CAD' | undefined;
  sku?: string | null | undefined;
  /** Issue 13: purchase caps; null clears. */
  maxPerOrder?: number | null | undefined;
  maxPerBuyer?: number | null | undefined;
  tagIds?: string[] | undefined;
  lowStockThreshold?: number | undefined;
  /** Accepted and ignored (B13). */
  onHand?: number | undefined;
}

/**
 * B13 update with F10: a rename keeps the slug unless `slug` is sent; a taken slug or SKU is a 409 naming
 * the field. Becoming (or staying) kuji re-derives on_hand from the prizes and must still cover `reserved`.
 * A type change is refused (409 PRODUCT_TYPE_LOCKED) while orders, reservations or draws hold the product.
 */
export async function updateProduct(
  deps: Pick<Deps, 'db' | 'storage' | 'clock' | 'random' | 'beacon'>,
  actor: AdminActor,
  input: UpdateProductInput,
): Promise<ProductDetail> {
  return deps.db.transaction(async (tx) => {
    const locked = await lockProduct(tx, input.id);
    if (!locked) throw notFound('Product', { id: input.id });
    const before = await loadProductDetailById(tx, deps.storage, input.id);

    if (input.slug !== undefined && input.slug !== locked.slug) {
      if (await isSlugTaken(tx, 'products', input.slug, input.id)) {
        throw new DomainError('DUPLICATE', 'Another product already uses this slug', { field: 'slug' });
      }
    }
    if (input.productType !== undefined) {
      await assertProductTypeChangeable(tx, input.id, locked.productType, input.productType);
    }
    await applyColumns(tx, input);
    if (input.collectionIds) {
      const ids = dedupe(input.collectionIds);
      await assertAllExist(tx, collections, ids, 'collectionIds');
      await replaceCollections(tx, input.id, ids);
    }
    if (input.tagIds) {
      const ids = dedupe(input.tagIds);
      await assertAllExist(tx, tags, ids, 'tagIds');
      await replaceTags(tx, input.id, ids);
    }
    if (input.lowStockThreshold !== undefined) {
      await tx
        .insert(productInventory)
        .values({ productId: input.id, lowStockThreshold: input.lowStockThreshold })
        .onConflictDoUpdate({
          target: productInventory.productId,
          set: { lowStockThreshold: input.lowStockThreshold },
        });
    }
    if ((input.productType ?? locked.productType) === 'kuji') {
      assertCoversReserved(await recomputeKujiOnHand(tx, input.id));
    }
    if (input.productType === 'kuji' || locked.productType === 'kuji') {
      // Issue 12: going on sale opens an epoch (its commitment published in this transaction); leaving sale
      // (draft, archived, type change) reveals the open epoch's seed.
      await lockKujiBoard(tx, input.id);
      await syncKujiBoard(tx, deps, input.id);
      await touchKujiBoard(tx, input.id);
    }
    const after = await loadProductDetailById(tx, deps.storage, input.id);
    await recordAudit(tx, actor, {
      action: 'product.update',
      entityType: 'product',
      entityId: input.id,
      before: productAuditSummary(before),
      after: productAuditSummary(after),
    });
    return after;
  });
}

async function applyColumns(tx: Tx, input: UpdateProductInput): Promise<void> {
  const set = Object.fromEntries(
    Object.entries({
      name: input.name,
      slug: input.slug,
      description: input.description,
      productType: input.productType,
      status: input.status,
      priceCents: input.priceCents,
      currency: input.currency,
      sku: input.sku,
      maxPerOrder: input.maxPerOrder,
      maxPerBuyer: input.maxPerBuyer,
    }).filter(([, v]) => v !== undefined),
  );
  if (!Object.keys(set).length) return;
  await tx
    .update(products)
    .set(set)
    .where(eq(products.id, input.id))
    .catch((error: unknown) => rethrowDuplicate(error, PRODUCT_UNIQUE_FIELDS));
}
