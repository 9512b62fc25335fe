import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCollection, makeProduct, makeTag } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json, type Json } from './support/http.js';
import { makeKujiProduct } from '@popbox/domain/testing';

let app: TestApp;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  app = await startTestApp({ countQueries: true });
  const db = app.database.db;
  const foxTag = await makeTag(db, { name: 'Fox', slug: 'fox' });
  // Search corpus: the same word in the name (weight A), a tag (B) and the description (C).
  await makeProduct(db, {
    product: { name: 'Moonlit Fox Plush', slug: 's-name', createdAt: minutesAgo(50) },
    images: [{ altText: 'thumb' }],
  });
  await makeProduct(db, {
    product: { name: 'Shrine Charm', slug: 's-tag', createdAt: minutesAgo(40) },
    tagIds: [foxTag.id],
  });
  await makeProduct(db, {
    product: {
      name: 'Paper Lantern',
      slug: 's-desc',
      description: 'A lantern with a fox motif',
      createdAt: minutesAgo(30),
    },
  });
  await makeProduct(db, { product: { name: 'Fox Draft', slug: 's-draft', status: 'draft' } });
  await makeProduct(db, { product: { name: 'Moon', slug: 'a-exact', createdAt: minutesAgo(20) } });
  await makeProduct(db, { product: { name: 'Blue Moon Mug', slug: 'a-word', createdAt: minutesAgo(10) } });
  await makeProduct(db, {
    product: { name: '100% Cotton Tee', slug: 'a-percent', createdAt: minutesAgo(5) },
  });
});
afterAll(() => app?.close());

const get = (path: string) => fetch(`${app.url}/api/v1${path}`);
const ok = async (path: string) => {
  const res = await get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
};
const slugs = (items: Json[]) => items.map((i: { slug: string }) => i.slug);

describe('GET /search', () => {
  it('ranks a name match above a tag match above a description match', async () => {
    const body = await ok('/search?q=fox');
    expect(slugs(body.items)).toEqual(['s-name', 's-tag', 's-desc']);
    expect(body.nextCursor).toBeNull();
  });

  it('finds a misspelled name through trigram similarity, never a draft', async () => {
    expect(slugs((await ok('/search?q=moonlt%20fox%20plsh')).items)[0]).toBe('s-name');
    expect(slugs((await ok('/search?q=draft')).items)).toEqual([]);
  });

  it('trims and collapses the query and honours the limit', async () => {
    expect(slugs((await ok('/search?q=%20%20fox%20%20&limit=1')).items)).toEqual(['s-name']);
  });

  it('answers 400 naming the field for a short query, a bad limit or an unknown parameter', async () => {
    for (const [query, field] of [
      ['q=a', 'q'],
      ['q=%20%20a%20', 'q'],
      ['', 'q'],
      ['q=fox&limit=51', 'limit'],
      ['q=fox&page=2', null],
    ] as const) {
      const res = await get(`/search?${query}`);
      expect(res.status, query).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      if (field) expect(Object.keys(body.error.details.fields)).toContain(field);
    }
  });

  it('costs the same number of queries for 1 and 50 results', async () => {
    const count = async (path: string) => {
      app.queries!.reset();
      await ok(path);
      return app.queries!.count;
    };
    expect(await count('/search?q=fox&limit=50')).toBe(await count('/search?q=fox&limit=1'));
  });
});

describe('GET /search/autocomplete', () => {
  it('puts the exact name first, then name prefixes, then word prefixes, with thumbnails', async () => {
    const body = await ok('/search/autocomplete?q=Moon');
    expect(slugs(body.items)).toEqual(['a-exact', 's-name', 'a-word']);
    expect(body.items[0]).toEqual({
      id: expect.any(String),
      name: 'Moon',
      slug: 'a-exact',
      thumbnailUrl: null,
      priceCents: 2500,
      currency: 'CAD',
    });
    expect(body.items[1].thumbnailUrl).toMatch(/^http:\/\/media\.test\/media\/products\/.+\/img-0\.png$/);
  });

  it('treats LIKE wildcards literally and returns nothing when no token remains', async () => {
    expect(slugs((await ok('/search/autocomplete?q=100%25')).items)).toEqual(['a-percent']);
    expect((await ok('/search/autocomplete?q=%25%25')).items).toEqual([]);
  });

  it('limits suggestions to 1..10', async () => {
    expect((await ok('/search/autocomplete?q=moon&limit=1')).items).toHaveLength(1);
    expect((await get('/search/autocomplete?q=moon&limit=11')).status).toBe(400);
  });
});

describe('GET /products/{slug}/recommendations', () => {
  beforeAll(async () => {
    const db = app.database.db;
    const c1 = await makeCollection(db);
    const c2 = await makeCollection(db);
    const [t1, t2] = [await makeTag(db), await makeTag(db)];
    const make = async (slug: string, opts: Parameters<typeof makeProduct>[1] = {}, minutes = 0) =>
      (
        await makeProduct(db, {
          ...opts,
          product: { slug, priceCents: 2000, createdAt: minutesAgo(100 - minutes), ...opts.product },
        })
      ).id;
    await make('r-source', { collectionIds: [c1.id], tagIds: [t1.id, t2.id] });
    // 40 + 2×15 + 10 + 8 + 5 = 93
    await make(
      'r-all',
      { collectionIds: [c2.id, c1.id], tagIds: [t1.id, t2.id], product: { priceCents: 2100 } },
      1,
    );
    // 40 + 10 + 8 + 5 = 63 (|Δ| = 500 = max(500, 400))
    await make('r-coll', { collectionIds: [c1.id], product: { priceCents: 2500 } }, 2);
    // 15 + 8 = 23 (kuji, far price)
    await make('r-tag', { tagIds: [t1.id], product: { productType: 'kuji', priceCents: 9000 } }, 3);
    // 10 + 8 + 5 = 23, newer than r-tag
    await make('r-near', { product: { priceCents: 1500 } }, 4);
    // 10 + 8 = 18 (|Δ| = 501)
    await make('r-far', { product: { priceCents: 2501 } }, 5);
    await make(
      'r-soldout',
      { collectionIds: [c1.id], tagIds: [t1.id, t2.id], inventory: { onHand: 2, reserved: 2 } },
      6,
    );
    await make('r-noinv', { collectionIds: [c1.id], inventory: null }, 7);
    await make('r-draft', { collectionIds: [c1.id], product: { status: 'draft' } }, 8);
  });

  it('scores shared collection, shared tags, type, stock and price, and drops unavailable products', async () => {
    // The search corpus above is also in stock, standard and priced 2500 (within 500 of 2000): 10 + 8 + 5 = 23.
    const body = await ok('/products/r-source/recommendations?limit=12');
    const ours = slugs(body.items).filter((s) => s.startsWith('r-'));
    expect(ours).toEqual(['r-all', 'r-coll', 'r-near', 'r-tag', 'r-far']);
    expect(slugs(body.items)).not.toContain('r-source');
    expect(body.meta).toEqual({ count: body.items.length, limit: 12 });
  });

  it('returns 4 by default and 404 for an unknown or inactive source', async () => {
    const full = slugs((await ok('/products/r-source/recommendations?limit=12')).items);
    const body = await ok('/products/r-source/recommendations');
    expect(slugs(body.items)).toEqual(full.slice(0, 4));
    expect(body.meta).toEqual({ count: 4, limit: 4 });
    expect((await get('/products/r-draft/recommendations')).status).toBe(404);
    expect((await get('/products/r-source/recommendations?limit=13')).status).toBe(400);
  });

  it('costs the same number of queries for 1 and 12 recommendations', async () => {
    app.queries!.reset();
    await ok('/products/r-source/recommendations?limit=1');
    const one = app.queries!.count;
    app.queries!.reset();
    await ok('/products/r-source/recommendations?limit=12');
    expect(app.queries!.count).toBe(one);
  });

  it('gives kuji cards in search results their ticket summary', async () => {
    await makeKujiProduct(app.database.db, { product: { name: 'Celestial Prize Board', slug: 'k-board' } });
    const [card] = (await ok('/search?q=celestial')).items;
    expect(card).toMatchObject({
      slug: 'k-board',
      ticketSummary: { remainingTickets: 10, totalTickets: 10 },
    });
  });
});
