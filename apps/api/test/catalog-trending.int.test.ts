import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCollection, makeProduct } from '@popbox/db/testing';
import { fixedClock } from '@popbox/domain';
import { startTestApp, type TestApp } from './support/test-app.js';
import { makeOrderWithLines, makeReservation } from './support/orders.js';
import { json, type Json } from './support/http.js';

const NOW = new Date('2026-10-20T12:00:00.000Z');
const clock = fixedClock(NOW);
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const inMinutes = (m: number) => new Date(NOW.getTime() + m * 60_000);

let app: TestApp;
const id: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp({ clock, countQueries: true });
  const db = app.database.db;
  const featured = await makeCollection(db, { name: 'Featured', slug: 'featured' });
  // Products created oldest first, so "newer" = later in this list.
  const names = ['fresh', 'twoWeek', 'month', 'intent', 'paidAt', 'soldOut', 'idle', 'idle2'];
  for (const [i, name] of names.entries()) {
    const p = await makeProduct(db, {
      product: { slug: `t-${name}`, createdAt: daysAgo(100 - i) },
      inventory: { onHand: name === 'soldOut' ? 3 : 10, reserved: name === 'soldOut' ? 3 : 0 },
      collectionIds: ['idle', 'fresh'].includes(name) ? [featured.id] : [],
    });
    id[name] = p.id;
  }
  // Featured positions: idle is newer but placed after fresh.
  await app.database.pool.query('update product_collections set sort_order = 1 where product_id = $1', [
    id.idle,
  ]);
  const paid = (
    productId: string,
    quantity: number,
    at: Date,
    status: 'paid' | 'packed' | 'shipped' = 'paid',
  ) => makeOrderWithLines(db, { status, paidAt: at, lines: [{ productId, quantity }] });
  await paid(id.fresh!, 1, daysAgo(2)); // 8
  await paid(id.twoWeek!, 2, daysAgo(10), 'packed'); // 2 × 4 = 8
  await paid(id.month!, 3, daysAgo(20), 'shipped'); // 3 × 2 = 6
  await paid(id.month!, 5, daysAgo(31)); // outside 30 days: 0
  await makeOrderWithLines(db, {
    status: 'cancelled',
    paidAt: daysAgo(1),
    lines: [{ productId: id.month!, quantity: 9 }],
  });
  await makeOrderWithLines(db, {
    status: 'refunded',
    paidAt: daysAgo(1),
    lines: [{ productId: id.month!, quantity: 9 }],
  });
  // Event time = first non-null of paid_at, placed_at, created_at.
  await makeOrderWithLines(db, {
    status: 'paid',
    paidAt: null,
    placedAt: daysAgo(12),
    createdAt: daysAgo(1),
    lines: [{ productId: id.paidAt!, quantity: 1 }],
  }); // 4
  await makeReservation(db, {
    productId: id.intent!,
    quantity: 2,
    createdAt: hoursAgo(12),
    expiresAt: inMinutes(5),
  }); // 6
  await makeReservation(db, {
    productId: id.intent!,
    quantity: 1,
    createdAt: daysAgo(3),
    expiresAt: inMinutes(5),
  }); // 1
  await makeReservation(db, {
    productId: id.intent!,
    quantity: 7,
    createdAt: hoursAgo(1),
    expiresAt: inMinutes(-1),
  }); // expired: 0
  await makeReservation(db, {
    productId: id.intent!,
    quantity: 7,
    createdAt: hoursAgo(1),
    expiresAt: inMinutes(5),
    status: 'expired',
  }); // 0
  await makeReservation(db, {
    productId: id.intent!,
    quantity: 7,
    createdAt: daysAgo(8),
    expiresAt: inMinutes(5),
  }); // too old: 0
  await paid(id.soldOut!, 4, daysAgo(1)); // 32, but nothing left to sell
});
afterAll(() => app?.close());

const ok = async (path: string) => {
  const res = await fetch(`${app.url}/api/v1${path}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
};
const slugs = (items: Json[]) => items.map((i: { slug: string }) => i.slug);

describe('trending (B2)', () => {
  it('weights paid demand by the freshest bucket and reservation intent by age, ties by newest', async () => {
    const body = await ok('/products?sort=trending&limit=50');
    // soldOut 32, twoWeek 8 (newer than fresh 8), fresh 8, intent 7, month 6, paidAt 4, then zeros by recency.
    expect(slugs(body.items)).toEqual([
      't-soldOut',
      't-twoWeek',
      't-fresh',
      't-intent',
      't-month',
      't-paidAt',
      't-idle2',
      't-idle',
    ]);
  });

  it('follows the injected clock: as days pass, the same orders weigh less', async () => {
    clock.set(new Date(NOW.getTime() + 2 * 86_400_000));
    try {
      const body = await ok('/products?sort=trending&limit=50');
      // fresh is now 4 days old (× 4 = 4); month 22 days (still × 2 = 6); intent reservations have expired.
      expect(slugs(body.items).slice(0, 5)).toEqual([
        't-soldOut',
        't-twoWeek',
        't-month',
        't-paidAt',
        't-fresh',
      ]);
    } finally {
      clock.set(NOW);
    }
  });

  it('pages through trending with its own cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await ok(`/products?sort=trending&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...slugs(page.items));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(slugs((await ok('/products?sort=trending&limit=50')).items));
  });
});

describe('GET /home', () => {
  it('returns featured by position, trending without sold-out products and the newest preview', async () => {
    const body = await ok('/home');
    expect(slugs(body.featured)).toEqual(['t-fresh', 't-idle']);
    expect(slugs(body.trendingNow)).toEqual([
      't-twoWeek',
      't-fresh',
      't-intent',
      't-month',
      't-paidAt',
      't-idle2',
      't-idle',
    ]);
    expect(slugs(body.allProductsPreview)).toEqual([
      't-idle2',
      't-idle',
      't-soldOut',
      't-paidAt',
      't-intent',
      't-month',
      't-twoWeek',
      't-fresh',
    ]);
    expect(body.featured[0]).toMatchObject({ inventory: { available: 10 }, images: [] });
  });

  it('costs one query: the three rails in one statement', async () => {
    app.queries!.reset();
    await ok('/home');
    expect(app.queries!.count).toBe(1);
  });
});
