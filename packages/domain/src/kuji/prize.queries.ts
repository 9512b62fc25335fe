import { sql } from 'drizzle-orm';
import type { Executor, kujiPrizes } from '@popbox/db';
import { DomainError, notFound } from '../shared/errors.js';
import { rows } from '../shared/sql.js';

export type PrizeRow = typeof kujiPrizes.$inferSelect;

export const toPrizeView = (row: PrizeRow) => ({
  id: row.id,
  productId: row.productId,
  prizeCode: row.prizeCode,
  prizeTier: row.prizeTier,
  name: row.name,
  description: row.description,
  imageUrl: row.imageUrl,
  initialQuantity: row.initialQuantity,
  remainingQuantity: row.remainingQuantity,
  sortOrder: row.sortOrder,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
export type PrizeView = ReturnType<typeof toPrizeView>;

/** Prize operations need an existing (404) kuji (422) product. */
export async function assertKujiProduct(db: Executor, productId: string): Promise<void> {
  const [product] = await rows<{ productType: string }>(
    db,
    sql`select product_type as "productType" from products where id = ${productId}`,
  );
  if (!product) throw notFound('Product', { id: productId });
  if (product.productType !== 'kuji') {
    throw new DomainError('WRONG_PRODUCT_TYPE', 'Only kuji products have prizes');
  }
}

export const PRIZE_UNIQUE_FIELDS = { kuji_prizes_product_id_prize_code_key: 'prizeCode' };

export function assertRemainingWithinInitial(p: { initialQuantity: number; remainingQuantity: number }) {
  if (p.remainingQuantity > p.initialQuantity) {
    throw new DomainError('PRIZE_QUANTITY_INVALID', 'remainingQuantity cannot exceed initialQuantity', {
      field: 'remainingQuantity',
      ...p,
    });
  }
}
