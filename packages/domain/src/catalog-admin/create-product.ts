import { productInventory, products, type ProductStatus, type ProductType } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { CURRENCY } from '../shared/constants.js';
import { rethrowDuplicate } from '../shared/db-errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { loadProductDetailById, type ProductDetail } from '../catalog/product-detail.js';
import { collections, tags } from '@popbox/db';
import { allocateSlug } from './slug.queries.js';
import { assertAllExist, dedupe, replaceCollections, replaceTags } from './product-links.queries.js';
import { productAuditSummary } from './product-audit.js';

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
}

export const PRODUCT_UNIQUE_FIELDS = { products_sku_key: 'sku', products_slug_key: 'slug' };

/** B13 create: product, collections (positions 0..n−1), tags and its inventory row in one transaction. */
export async function createProduct(
  deps: Pick<Deps, 'db' | 'storage'>,
  actor: AdminActor,
  input: CreateProductInput,
): Promise<ProductDetail> {
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
    const detail = await loadProductDetailById(tx, deps.storage, id);
    await recordAudit(tx, actor, {
      action: 'product.create',
      entityType: 'product',
      entityId: id,
      after: productAuditSummary(detail),
    });
    return detail;
  });
}
