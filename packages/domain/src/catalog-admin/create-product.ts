import { productInventory, products, type ProductStatus, type ProductType } from '@popbox/db';
import { assertSaleWindow, type PreSaleVisibility } from '../catalog/sale-window.rules.js';
import type { Deps } from '../shared/deps.js';
import { CURRENCY } from '../shared/constants.js';
import { rethrowDuplicate } from '../shared/db-errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { loadProductDetailById, type ProductDetail } from '../catalog/product-detail.js';
import { collections, tags } from '@popbox/db';
import { allocateSlug } from './slug.queries.js';
import { assertAllExist, dedupe, replaceCollections, replaceTags } from './product-links.queries.js';
import { productAuditSummary } from './product-audit.js';
import { recordBoardAnnounced } from '../alerts/record-alert-events.js';

export interface CreateProductInput {
  collectionIds: string[];
  name: string;
  description?: string | null | undefined;
  productType: ProductType;
  status: ProductStatus;
  priceCents: number;
  currency?: 'CAD' | undefined;
  sku?: string | null | undefined;
  /** Issue 13: purchase caps, ≥ 1 or null (no cap). */
  maxPerOrder?: number | null | undefined;
  maxPerBuyer?: number | null | undefined;
  tagIds?: string[] | undefined;
  lowStockThreshold?: number | undefined;
  onHand?: number | undefined;
  /** Issue 13 sale window: ISO instants; absent or null = no bound. */
  salesStartAt?: string | null | undefined;
  salesEndAt?: string | null | undefined;
  preSaleVisibility?: PreSaleVisibility | undefined;
}

/** An ISO instant of a sale window input as a Date (`undefined` = not sent, `null` = cleared). */
export const saleInstant = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : new Date(v);

export const PRODUCT_UNIQUE_FIELDS = { products_sku_key: 'sku', products_slug_key: 'slug' };

/** B13 create: product, collections (positions 0..n−1), tags and its inventory row in one transaction. */
export async function createProduct(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  actor: AdminActor,
  input: CreateProductInput,
): Promise<ProductDetail> {
  const salesStartAt = saleInstant(input.salesStartAt) ?? null;
  const salesEndAt = saleInstant(input.salesEndAt) ?? null;
  assertSaleWindow({ salesStartAt, salesEndAt });
  const collectionIds = dedupe(input.collectionIds);
  const tagIds = dedupe(input.tagIds ?? []);
  return deps.db.transaction(async (tx) => {
    await assertAllExist(tx, collections, collectionIds, 'collectionIds');
    await assertAllExist(tx, tags, tagIds, 'tagIds');
    const slug = await allocateSlug(tx, 'products', input.name);
    const [created] = await tx
      .insert(products)
      .values({
        name: input.name,
        slug,
        description: input.description ?? null,
        productType: input.productType,
        status: input.status,
        priceCents: input.priceCents,
        currency: input.currency ?? CURRENCY,
        sku: input.sku ?? null,
        salesStartAt,
        salesEndAt,
        preSaleVisibility: input.preSaleVisibility ?? 'announced',
        maxPerOrder: input.maxPerOrder ?? null,
        maxPerBuyer: input.maxPerBuyer ?? null,
      })
      .returning({ id: products.id })
      .catch((error: unknown) => rethrowDuplicate(error, PRODUCT_UNIQUE_FIELDS));
    const id = created!.id;
    await replaceCollections(tx, id, collectionIds);
    await replaceTags(tx, id, tagIds);
    // Kuji stock is derived from prizes (none yet): on_hand starts at 0 whatever was sent.
    await tx.insert(productInventory).values({
      productId: id,
      onHand: input.productType === 'kuji' ? 0 : (input.onHand ?? 0),
      reserved: 0,
      lowStockThreshold: input.lowStockThreshold ?? 0,
    });
    const detail = await loadProductDetailById(tx, deps.storage, id, deps.clock.now());
    // Issue 13: a kuji board created on sale is announced to the followers of its series.
    if (input.productType === 'kuji' && input.status === 'active')
      await recordBoardAnnounced(tx, id, deps.clock.now());
    await recordAudit(tx, actor, {
      action: 'product.create',
      entityType: 'product',
      entityId: id,
      after: productAuditSummary(detail),
    });
    return detail;
  });
}
