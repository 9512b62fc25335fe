import {
  asRecord,
  isBoundedString,
  isInt32,
  isIsoInstant,
  isSafeInt,
  isUuid,
} from '../shared/cursor-fields.js';

export type KeysetSort = 'newest' | 'price_asc' | 'price_desc' | 'name_asc' | 'name_desc';
export type PublicSort = KeysetSort | 'trending';

export interface SortSpec {
  /** The cursor field holding the sort value (spec B1). */
  field: 'createdAt' | 'priceCents' | 'name';
  direction: 'asc' | 'desc';
}

/** B1: each sort key, then `id` descending as the tiebreaker. */
export const KEYSET_SORTS: Record<KeysetSort, SortSpec> = {
  newest: { field: 'createdAt', direction: 'desc' },
  price_asc: { field: 'priceCents', direction: 'asc' },
  price_desc: { field: 'priceCents', direction: 'desc' },
  name_asc: { field: 'name', direction: 'asc' },
  name_desc: { field: 'name', direction: 'desc' },
};

export interface ListingCursor {
  id: string;
  value: string | number;
  /** Present when listing a collection: the join's sort_order is the primary key. */
  collectionSortOrder?: number;
}

const validValue = (field: SortSpec['field'], v: unknown) =>
  field === 'createdAt' ? isIsoInstant(v) : field === 'priceCents' ? isInt32(v) : isBoundedString(v, 220);

/** A cursor that lacks the fields of the current sort (or has malformed ones) is ignored: first page. */
export function parseListingCursor(
  raw: unknown,
  sort: KeysetSort,
  inCollection: boolean,
): ListingCursor | null {
  const c = asRecord(raw);
  const { field } = KEYSET_SORTS[sort];
  if (!c || !isUuid(c.id) || !validValue(field, c[field])) return null;
  if (inCollection && !isInt32(c.collectionSortOrder)) return null;
  return {
    id: c.id,
    value: c[field] as string | number,
    ...(inCollection ? { collectionSortOrder: c.collectionSortOrder as number } : {}),
  };
}

export function listingCursorValue(sort: KeysetSort, last: ListingCursor): Record<string, unknown> {
  return {
    id: last.id,
    [KEYSET_SORTS[sort].field]: last.value,
    ...(last.collectionSortOrder !== undefined ? { collectionSortOrder: last.collectionSortOrder } : {}),
  };
}

export interface TrendingCursor {
  id: string;
  score: number;
  createdAt: string;
}

export function parseTrendingCursor(raw: unknown): TrendingCursor | null {
  const c = asRecord(raw);
  if (!c || !isUuid(c.id) || !isSafeInt(c.score) || !isIsoInstant(c.createdAt)) return null;
  return { id: c.id, score: c.score, createdAt: c.createdAt };
}
