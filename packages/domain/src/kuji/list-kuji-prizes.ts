import { asc, eq } from 'drizzle-orm';
import { kujiPrizes } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { assertKujiProduct, toPrizeView } from './prize.queries.js';

/** B13: the raw prize rows of a kuji board, by sort_order then id. */
export async function listKujiPrizes(deps: Pick<Deps, 'db'>, productId: string) {
  await assertKujiProduct(deps.db, productId);
  const rows = await deps.db
    .select()
    .from(kujiPrizes)
    .where(eq(kujiPrizes.productId, productId))
    .orderBy(asc(kujiPrizes.sortOrder), asc(kujiPrizes.id));
  return { items: rows.map(toPrizeView) };
}
