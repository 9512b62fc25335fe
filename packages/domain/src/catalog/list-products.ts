import type { ProductType } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { toProductCard, type ProductCard } from './product-card.js';
import { findCollectionIdBySlug, selectListingPage } from './list-products.queries.js';
import {
  KEYSET_SORTS,
  listingCursorValue,
  parseListingCursor,
  parseTrendingCursor,
  type KeysetSort,
  type PublicSort,
} from './listing.rules.js';
import { selectTrending } from './trending.queries.js';

export interface ListProductsInput {
  limit: number;
  cursor?: string | undefined;
  collection?: string | undefined;
  tag?: string | undefined;
  type?: ProductType | undefined;
  sort: PublicSort;
}

export interface ProductPage {
  items: ProductCard[];
  nextCursor: string | null;
}

/** B1 product listing: keyset pages of public product cards (one query per page, plus the slug lookup). */
export async function listProducts(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  input: ListProductsInput,
): Promise<ProductPage> {
  let collectionId: string | undefined;
  if (input.collection) {
    // An unknown collection slug is an empty page without further work (B1).
    collectionId = (await findCollectionIdBySlug(deps.db, input.collection)) ?? undefined;
    if (!collectionId) return { items: [], nextCursor: null };
  }
  if (input.sort === 'trending') return listTrending(deps, input, collectionId);

  const sort: KeysetSort = input.sort;
  const cursor = decodeCursor(input.cursor, (raw) => parseListingCursor(raw, sort, Boolean(collectionId)));
  const now = deps.clock.now();
  const page = await selectListingPage(deps.db, {
    now,
    sort,
    limit: input.limit,
    cursor,
    collectionId,
    tagSlug: input.tag,
    type: input.type,
  });
  const rows = page.slice(0, input.limit);
  const last = rows[rows.length - 1];
  const nextCursor =
    page.length > input.limit && last
      ? encodeCursor(
          listingCursorValue(sort, {
            id: last.id,
            value: last[KEYSET_SORTS[sort].field],
            ...(collectionId ? { collectionSortOrder: last.collectionSortOrder ?? 0 } : {}),
          }),
        )
      : null;
  return { items: rows.map((row) => toProductCard(deps.storage, row, now)), nextCursor };
}

async function listTrending(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  input: ListProductsInput,
  collectionId: string | undefined,
): Promise<ProductPage> {
  const now = deps.clock.now();
  const page = await selectTrending(deps.db, now, {
    limit: input.limit + 1,
    cursor: decodeCursor(input.cursor, parseTrendingCursor),
    type: input.type,
    collectionId,
    tagSlug: input.tag,
  });
  const rows = page.slice(0, input.limit);
  const last = rows[rows.length - 1];
  const nextCursor =
    page.length > input.limit && last
      ? encodeCursor({ id: last.id, score: last.score, createdAt: last.createdAt })
      : null;
  return { items: rows.map((row) => toProductCard(deps.storage, row, now)), nextCursor };
}
