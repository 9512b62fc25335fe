import { eq, inArray, sql } from 'drizzle-orm';
import { type collections, productCollections, products, productTags, type tags, type Tx } from '@popbox/db';
import { validationFailed } from '../shared/db-errors.js';
import { rows } from '../shared/sql.js';

/** De-duplicates, keeping the first occurrence (positions follow the submitted order). */
export const dedupe = (ids: readonly string[]) => [...new Set(ids)];

/** Every id must exist, else 400 listing the missing ids under the field (B13). */
export async function assertAllExist(
  tx: Tx,
  table: typeof collections | typeof tags,
  ids: string[],
  field: string,
): Promise<void> {
  if (!ids.length) return;
  const found = new Set(
    (await tx.select({ id: table.id }).from(table).where(inArray(table.id, ids))).map((r) => r.id),
  );
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw validationFailed({ [field]: [`Unknown ids: ${missing.join(', ')}`] });
}

export async function replaceCollections(tx: Tx, productId: string, collectionIds: string[]): Promise<void> {
  await tx.delete(productCollections).where(eq(productCollections.productId, productId));
  if (collectionIds.length) {
    await tx
      .insert(productCollections)
      .values(collectionIds.map((collectionId, sortOrder) => ({ productId, collectionId, sortOrder })));
  }
}

export async function replaceTags(tx: Tx, productId: string, tagIds: string[]): Promise<void> {
  await tx.delete(productTags).where(eq(productTags.productId, productId));
  if (tagIds.length) await tx.insert(productTags).values(tagIds.map((tagId) => ({ productId, tagId })));
}

/**
 * Locks the product row for an admin write. FOR NO KEY UPDATE: it serialises admin writers without
 * blocking checkouts, whose order-item foreign keys take KEY SHARE locks on the product.
 */
export async function lockProduct(tx: Tx, productId: string) {
  const [row] = await rows<{ id: string; productType: 'standard' | 'kuji'; slug: string }>(
    tx,
    sql`select id, product_type as "productType", slug from ${products} where id = ${productId} for no key update`,
  );
  return row ?? null;
}
