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
import { recordBoardAnnounced } from '../alerts/record-alert-events.js';
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
import { PRODUCT_UNIQUE_FIELDS, saleInstant } from './create-product.js';
import { assertSaleWindow, type PreSaleVisibility } from '../catalog/sale-window.rules.js';

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
  /** Issue 13: `null` clears one end of the window; absent leaves it as it is. */
  salesStartAt?: string | null | undefined;
  salesEndAt?: string | null | undefined;
  preSaleVisibility?: PreSaleVisibility | undefined;
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
    const now = deps.clock.now();
    const before = await loadProductDetailById(tx, deps.storage, input.id, now);
    // The window after this update (sent ends over stored ones) must still end after it starts.
    const start = saleInstant(input.salesStartAt);
    const end = saleInstant(input.salesEndAt);
    assertSaleWindow({
      salesStartAt:
        start === undefined ? (before.salesStartAt ? new Date(before.salesStartAt) : null) : start,
      salesEndAt: end === undefined ? (before.salesEndAt ? new Date(before.salesEndAt) : null) : end,
    });

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
      // (draft, archived, type change) reveals the open epoch's seed. Issue 13: an announced board commits
      // now even before its start; a hidden one before its start is not on sale yet (see syncKujiBoard).
      await lockKujiBoard(tx, input.id);
      await syncKujiBoard(tx, deps, input.id);
      await touchKujiBoard(tx, input.id);
    }
    const after = await loadProductDetailById(tx, deps.storage, input.id, now);
    // Issue 13: a kuji board going on sale is announced to the followers of its series.
    // (Hidden drops are announced by the send-alerts sweep when their start comes; once per board and series.)
    if (isOnSaleBoard(after)) await recordBoardAnnounced(tx, input.id, now);
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
      salesStartAt: saleInstant(input.salesStartAt),
      salesEndAt: saleInstant(input.salesEndAt),
      preSaleVisibility: input.preSaleVisibility,
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

const isOnSaleBoard = (p: { productType: string; status: string }) =>
  p.productType === 'kuji' && p.status === 'active';
