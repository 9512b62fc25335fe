import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { listingCursorValue, parseListingCursor, parseTrendingCursor } from './listing.rules.js';

const id = '0b4f7a3e-1f2a-4c3b-9d8e-7f6a5b4c3d2e';

describe('listing cursors', () => {
  it('round-trips the sort value of each sort', () => {
    const newest = encodeCursor(listingCursorValue('newest', { id, value: '2026-10-01T12:00:00.000001Z' }));
    expect(decodeCursor(newest, (raw) => parseListingCursor(raw, 'newest', false))).toEqual({
      id,
      value: '2026-10-01T12:00:00.000001Z',
    });
    const price = encodeCursor(listingCursorValue('price_asc', { id, value: 1200, collectionSortOrder: 2 }));
    expect(decodeCursor(price, (raw) => parseListingCursor(raw, 'price_asc', true))).toEqual({
      id,
      value: 1200,
      collectionSortOrder: 2,
    });
  });

  it('ignores cursors of another sort, without the collection position, or with malformed fields', () => {
    const parse = (raw: unknown, sort: Parameters<typeof parseListingCursor>[1], inCollection = false) =>
      parseListingCursor(raw, sort, inCollection);
    expect(parse({ id, name: 'Mug' }, 'price_asc')).toBeNull();
    expect(parse({ id, priceCents: 100 }, 'price_asc', true)).toBeNull();
    expect(parse({ id: 'x', priceCents: 100 }, 'price_asc')).toBeNull();
    expect(parse({ id, priceCents: 1.5 }, 'price_asc')).toBeNull();
    expect(parse({ id, priceCents: 2 ** 40 }, 'price_asc')).toBeNull();
    expect(parse({ id, createdAt: 'yesterday' }, 'newest')).toBeNull();
    expect(parse({ id, createdAt: "2026-01-01T00:00:00Z'; drop table x" }, 'newest')).toBeNull();
    expect(parse([id], 'newest')).toBeNull();
    expect(decodeCursor('%%%', (raw) => parse(raw, 'newest'))).toBeNull();
  });

  it('validates trending cursors', () => {
    expect(parseTrendingCursor({ id, score: 12, createdAt: '2026-10-01T12:00:00Z' })).toEqual({
      id,
      score: 12,
      createdAt: '2026-10-01T12:00:00Z',
    });
    expect(parseTrendingCursor({ id, score: '12', createdAt: '2026-10-01T12:00:00Z' })).toBeNull();
  });
});
