import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeCollection, makeProduct, makeTag } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json, type Json } from './support/http.js';
import { makeKujiProduct } from '@popbox/domain/testing';

let app: TestApp;
const base = new Date('2026-10-01T12:00:00.000Z');
const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000);

let figures: { id: string };
let plushTag: { id: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp({ countQueries: true });
  const db = app.database.db;
  figures = await makeCollection(db, { name: 'Figures', slug: 'figures' });
  const other = await makeCollection(db, { name: 'Other', slug: 'other' });
  plushTag = await makeTag(db, { name: 'Plush', slug: 'plush' });
  // Deliberate ties: equal prices, equal names and equal creation instants, so the id tiebreak matters.
  const specs: { key: string; name: string; price: number; created: Date; status?: 'draft' | 'archived' }[] =
    [
      { key: 'a', name: 'Alpha Mug', price: 1500, created: at(1) },
      { key: 'b', name: 'Bravo Plush', price: 2500, created: at(2) },
      { key: 'c', name: 'Charlie Stand', price: 2500, created: at(2) },
      { key: 'd', name: 'Delta Print', price: 900, created: at(3) },
      { key: 'e', name: 'Echo Keychain', price: 2500, created: at(4) },
      { key: 'f', name: 'Echo Keychain', price: 4000, created: at(4) },
      { key: 'g', name: 'Golf Figure', price: 9900, created: at(5) },
      { key: 'h', name: 'Hotel Shirt', price: 3000, created: at(5) },
      { key: 'draft', name: 'Draft Thing', price: 100, created: at(6), status: 'draft' },
      { key: 'archived', name: 'Old Thing', price: 100, created: at(7), status: 'archived' },
    ];
  for (const [i, s] of specs.entries()) {
    const p = await makeProduct(db, {
      product: {
        name: s.name,
        slug: `item-${s.key}`,
        priceCents: s.price,
        createdAt: s.created,
        status: s.status ?? 'active',
      },
      collectionIds: i % 2 === 0 ? [figures.id] : [other.id, figures.id],
      tagIds: ['b', 'e', 'g'].includes(s.key) ? [plushTag.id] : [],
      images:
        s.key === 'a'
          ? [
              { sortOrder: 3, altText: 'late' },
              { sortOrder: 1, altText: 'primary' },
            ]
          : [],
    });
    ids[s.key] = p.id;
  }
  // Microsecond-apart creation times: a millisecond cursor would lose one of these.
  for (const n of [1, 2, 3]) {
    const p = await makeProduct(db, { product: { name: `Micro ${n}`, slug: `micro-${n}`, priceCents: 700 } });
    ids[`micro${n}`] = p.id;
    await app.database.pool.query(`update products set created_at = $1 where id = $2`, [
      `2026-10-01T12:08:00.00000${n}Z`,
      p.id,
    ]);
  }
  const kuji = await makeKujiProduct(db, {
    product: { name: 'Kuji Board', slug: 'kuji-board', createdAt: at(9) },
    prizes: [
      { code: 'A1', quantity: 2, remaining: 1 },
      { code: 'B1', quantity: 5 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ],
  });
  ids.kuji = kuji.product.id;
  // Products placed in the collection at explicit positions.
  await app.database.pool.query(
    `update product_collections set sort_order = 0 where collection_id = $1 and product_id = any($2::uuid[])`,
    [figures.id, [ids.g, ids.a]],
  );
});
afterAll(() => app?.close());

const get = (path: string) => fetch(`${app.url}/api/v1${path}`);
const list = async (query: string) => {
  const res = await get(`/products?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json(res)) as { items: Json[]; nextCursor: string | null };
};
const slugs = (items: Json[]) => items.map((i: { slug: string }) => i.slug);

async function walk(query: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...slugs(page.items));
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('cursor walk did not end');
}

type Row = { slug: string; name: string; priceCents: number; createdAt: string; id: string };
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

describe('GET /products', () => {
  it('lists only active products, newest first with id descending as tiebreak', async () => {
    const page = await list('limit=50');
    expect(page.nextCursor).toBeNull();
    expect(slugs(page.items)).not.toContain('item-draft');
    expect(slugs(page.items)).not.toContain('item-archived');
    expect(slugs(page.items).slice(0, 4)).toEqual(['kuji-board', 'micro-3', 'micro-2', 'micro-1']);
    const tied = [ids.g, ids.h].sort().reverse();
    const hIdx = slugs(page.items).indexOf('item-h');
    const gIdx = slugs(page.items).indexOf('item-g');
    expect(tied[0] === ids.g ? gIdx < hIdx : hIdx < gIdx).toBe(true);
  });

  it('orders by price and name both ways, ties broken by id descending', async () => {
    const all = await app.database.db.query.products.findMany({
      where: (p, { eq }) => eq(p.status, 'active'),
    });
    const rows: Row[] = all.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() }));
    const byIdDesc = (a: Row, b: Row) => cmp(b.id, a.id);
    const expectations: Record<string, (a: Row, b: Row) => number> = {
      price_asc: (a, b) => cmp(a.priceCents, b.priceCents) || byIdDesc(a, b),
      price_desc: (a, b) => cmp(b.priceCents, a.priceCents) || byIdDesc(a, b),
    };
    for (const [sort, order] of Object.entries(expectations)) {
      const page = await list(`sort=${sort}&limit=50`);
      expect(slugs(page.items), sort).toEqual([...rows].sort(order).map((r) => r.slug));
    }
    const nameAsc = slugs((await list('sort=name_asc&limit=50')).items);
    const nameDesc = slugs((await list('sort=name_desc&limit=50')).items);
    expect(nameAsc[0]).toBe('item-a');
    expect(nameDesc[nameDesc.length - 1]).toBe('item-a');
    // The two "Echo Keychain" rows: id descending in both directions.
    const echo = [ids.e, ids.f]
      .sort()
      .reverse()
      .map((id) => (id === ids.e ? 'item-e' : 'item-f'));
    expect(nameAsc.filter((s) => s === 'item-e' || s === 'item-f')).toEqual(echo);
    expect(nameDesc.filter((s) => s === 'item-e' || s === 'item-f')).toEqual(echo);
  });

  it('filters by tag and by type', async () => {
    expect(slugs((await list('tag=plush&limit=50')).items).sort()).toEqual(['item-b', 'item-e', 'item-g']);
    expect(slugs((await list('type=kuji')).items)).toEqual(['kuji-board']);
    expect((await list('tag=nope')).items).toEqual([]);
  });

  it('lists a collection by the join position first, then the chosen sort', async () => {
    const page = await list('collection=figures&sort=price_desc&limit=50');
    // g and a sit at position 0; everything else at 0 or 1 as written by the factory.
    const positions = await app.database.db.query.productCollections.findMany({
      where: (pc, { eq }) => eq(pc.collectionId, figures.id),
    });
    const pos = new Map(positions.map((p) => [p.productId, p.sortOrder]));
    const items = page.items as Row[];
    const expected = [...items].sort(
      (a, b) => cmp(pos.get(a.id)!, pos.get(b.id)!) || cmp(b.priceCents, a.priceCents) || cmp(b.id, a.id),
    );
    expect(slugs(items)).toEqual(slugs(expected));
    expect(items.length).toBe(8);
    expect((await list('collection=unknown-slug')).items).toEqual([]);
  });

  it('walks every sort and filter with cursors, without duplicates or gaps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('newest', 'price_asc', 'price_desc', 'name_asc', 'name_desc', 'trending'),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('', '&collection=figures', '&tag=plush', '&type=standard'),
        async (sort, limit, filter) => {
          const query = `sort=${sort}${filter}`;
          const full = slugs((await list(`${query}&limit=50`)).items);
          expect(await walk(query, limit)).toEqual(full);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('ignores an undecodable, malformed or foreign cursor and answers the first page', async () => {
    const first = slugs((await list('sort=price_asc&limit=3')).items);
    const nameCursor = (await list('sort=name_asc&limit=1')).nextCursor!;
    const junk = [
      'not-a-cursor',
      Buffer.from('{"id":"x","priceCents":1}').toString('base64url'),
      Buffer.from(`{"id":"${ids.a}","priceCents":"1; drop table products"}`).toString('base64url'),
      Buffer.from('[1,2,3]').toString('base64url'),
      nameCursor,
    ];
    for (const cursor of junk) {
      expect(slugs((await list(`sort=price_asc&limit=3&cursor=${cursor}`)).items), cursor).toEqual(first);
    }
  });

  it('answers 400 naming the field for a bad limit, sort or type, and for unknown parameters', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=51', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=abc', 'limit'],
      ['sort=popular', 'sort'],
      ['type=gift', 'type'],
    ]) {
      const res = await get(`/products?${query}`);
      expect(res.status, query).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(body.error.details.fields), query).toContain(field);
    }
    const unknown = await get('/products?color=red');
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.code).toBe('VALIDATION_FAILED');
  });

  it('builds cards with the primary image, clamped inventory and kuji ticket summary only for kuji', async () => {
    const page = await list('limit=50');
    const alpha = page.items.find((i: Row) => i.slug === 'item-a');
    expect(alpha.images).toHaveLength(1);
    expect(alpha.images[0]).toMatchObject({ altText: 'primary', sortOrder: 1 });
    expect(alpha.images[0].url).toBe(`http://media.test/media/${alpha.images[0].storageKey}`);
    expect(alpha.inventory).toEqual({ onHand: 10, reserved: 0, available: 10, lowStockThreshold: 0 });
    expect(alpha).not.toHaveProperty('ticketSummary');
    expect(alpha.collections.map((c: { slug: string }) => c.slug)).toEqual(['figures']);
    const kuji = page.items.find((i: Row) => i.slug === 'kuji-board');
    expect(kuji.ticketSummary).toEqual({ remainingTickets: 6, totalTickets: 7 });
  });

  it('costs the same number of SQL queries for a page of 1 and a page of 50', async () => {
    const count = async (query: string) => {
      app.queries!.reset();
      await list(query);
      return app.queries!.count;
    };
    for (const q of ['', '&sort=price_asc&collection=figures', '&sort=trending', '&tag=plush']) {
      const one = await count(`limit=1${q}`);
      const fifty = await count(`limit=50${q}`);
      expect(fifty, q).toBe(one);
      expect(one, q).toBeLessThanOrEqual(3);
    }
  });
});

describe('GET /products/{slug}', () => {
  it('returns the full product with every image, tags by name and the kuji prize board', async () => {
    const res = await get('/products/kuji-board');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).not.toHaveProperty('ticketSummary');
    expect(body.kujiPrizes.map((p: { prizeCode: string }) => p.prizeCode)).toEqual(['A1', 'B1', 'LO']);
    expect(body.kujiPrizes[0]).toMatchObject({ prizeTier: 'A', remainingQuantity: 1, initialQuantity: 2 });
    expect(body.inventory.onHand).toBe(6);
    expect(body.createdAt).toBe(at(9).toISOString());

    const alpha = await json(await get('/products/item-a'));
    expect(alpha.images.map((i: { altText: string }) => i.altText)).toEqual(['primary', 'late']);
    expect(alpha.kujiPrizes).toEqual([]);
    expect(alpha.sku).toBeNull();
    const bravo = await json(await get('/products/item-b'));
    expect(bravo.tags).toEqual([{ id: plushTag.id, name: 'Plush', slug: 'plush', tagType: 'category' }]);
  });

  it('answers 404 for drafts, archived and unknown slugs', async () => {
    for (const slug of ['item-draft', 'item-archived', 'nope']) {
      const res = await get(`/products/${slug}`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('NOT_FOUND');
    }
  });
});

describe('forged cursors and dates', () => {
  it('treats a cursor with an impossible date as no cursor, and rejects impossible dates in filters with 400', async () => {
    const forged = Buffer.from(
      JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', createdAt: '2024-02-30T00:00:00Z' }),
    ).toString('base64url');
    const page = await fetch(`${app.url}/api/v1/products?limit=2&cursor=${forged}`);
    expect(page.status).toBe(200);
    const first = await fetch(`${app.url}/api/v1/products?limit=2`);
    expect((await page.json()) as unknown).toEqual((await first.json()) as unknown);
  });
});
