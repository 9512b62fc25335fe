import { inArray, sql } from 'drizzle-orm';
import { productImages, type Executor } from '@popbox/db';

export interface PrimaryImage {
  productId: string;
  id: string;
  storageKey: string;
  altText: string | null;
  sortOrder: number;
}

/**
 * The primary image of each product (spec "product_images"): lowest sort_order, then oldest, then lowest id.
 * One query for any number of products.
 */
export async function primaryImagesFor(
  db: Executor,
  productIds: string[],
): Promise<Map<string, PrimaryImage>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([productImages.productId], {
      productId: productImages.productId,
      id: productImages.id,
      storageKey: productImages.storageKey,
      altText: productImages.altText,
      sortOrder: productImages.sortOrder,
    })
    .from(productImages)
    .where(inArray(productImages.productId, [...new Set(productIds)]))
    .orderBy(
      productImages.productId,
      productImages.sortOrder,
      productImages.createdAt,
      sql`${productImages.id}`,
    );
  return new Map(rows.map((r) => [r.productId, r]));
}
