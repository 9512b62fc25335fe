import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCollection, makeLegalDocument, makeProduct, makeTag } from '@popbox/db/testing';
import { makeKujiProduct } from '@popbox/domain/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, type AdminClient } from './support/admin.js';
import { sql } from './support/checkout.js';
import { appRouter } from '../src/trpc/app-router.js';
import { createApp } from '../src/app.js';
import { publicReadCacheOf, stopPublicReadCache } from '../src/http/public-cache/index.js';
import { PublicReadCatalog } from '../src/http/public-cache/public-reads.js';
import { CACHE_CONTROL } from '../src/http/public-cache/http-caching.js';

/**
 * Issue 14: the shared public read cache (exact invalidation through the public_read version) and HTTP
 * caching (ETag, 304, Cache-Control) on both surfaces. The cached app keeps volatile reads for a minute here,
 * so a change seen within a second can only come from the invalidation (or the sale-window boundary).
 */
const LONG = 60_000;
let cached: TestApp;
let plain: TestApp;
let admin: AdminClient;
const catalog = new PublicReadCatalog(appRouter);
const ids = { product: '', image2: '', image1: '', collection: '', kuji: '' };

beforeAll(async () => {
  [cached, plain] = await Promise.all([
    startTestApp({ app: { publicReadCache: { volatileTtlMs: LONG, stableTtlMs: LONG } } }),
    startTestApp(),
  ]);
  admin = await adminClient(cached);
  const db = cached.database.db;
  const collection = await makeCollection(db, { name: 'Plush', slug: 'plush' });
  const tag = await makeTag(db, { name: 'Cats', slug: 'cats', tagType: 'theme' });
  const product = await makeProduct(db, {
    product: { name: 'Cat plush', slug: 'cat-plush', description: 'soft plush cat' },
    collectionIds: [collection.id],
    tagIds: [tag.id],
    images: [{}, {}],
  });
  await makeProduct(db, {
    product: { name: 'Dog plush', slug: 'dog-plush' },
    collectionIds: [collection.id],
  });
  const { product: kuji } = await makeKujiProduct(db, { product: { name: 'Lucky board', slug: 'lucky' } });
  await makeLegalDocument(db, { type: 'terms', content: 'Terms v1' });
  const images = {
    rows: (await sql(cached, 'select id from product_images where product_id = $1 order by sort_order', [
      product.id,
    ])) as Array<{ id: string }>,
  };
  Object.assign(ids, {
    product: product.id,
    image1: images.rows[0]!.id,
    image2: images.rows[1]!.id,
    collection: collection.id,
    kuji: kuji.id,
  });
  await makeProduct(plain.database.db, { product: { name: 'Cat plush', slug: 'cat-plush' } });
  await until(() => cached.publicCache!.listener.isListening, 5_000);
  // The first banner read stores the default setting (a write, notified like any other): done before.
  await (await get(cached, '/api/v1/settings/store-banner')).arrayBuffer();
  await new Promise((r) => setTimeout(r, 200));
}, 120_000);
afterAll(async () => {
  await cached?.close();
  await plain?.close();
});

async function until(probe: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!(await probe())) {
    if (Date.now() - t0 > ms) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

const get = (app: TestApp, path: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, { headers });
const trpcGet = (path: string, input?: unknown) =>
  `/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

/** One concrete request of every cacheable public query, on each surface. */
const PUBLIC_READS: Record<string, { rest: string; trpc: string }> = {
  'public.catalog.home': { rest: '/api/v1/home', trpc: trpcGet('public.catalog.home') },
  'public.catalog.listCollections': {
    rest: '/api/v1/collections',
    trpc: trpcGet('public.catalog.listCollections'),
  },
  'public.catalog.listTags': { rest: '/api/v1/tags', trpc: trpcGet('public.catalog.listTags') },
  'public.catalog.listProducts': {
    rest: '/api/v1/products?limit=10&sort=newest',
    trpc: trpcGet('public.catalog.listProducts', { sort: 'newest', limit: 10 }),
  },
  'public.catalog.recommendations': {
    rest: '/api/v1/products/cat-plush/recommendations',
    trpc: trpcGet('public.catalog.recommendations', { slug: 'cat-plush' }),
  },
  'public.catalog.getProduct': {
    rest: '/api/v1/products/cat-plush',
    trpc: trpcGet('public.catalog.getProduct', { slug: 'cat-plush' }),
  },
  'public.catalog.autocomplete': {
    rest: '/api/v1/search/autocomplete?q=pl',
    trpc: trpcGet('public.catalog.autocomplete', { q: 'pl' }),
  },
  'public.catalog.search': {
    rest: '/api/v1/search?q=plush',
    trpc: trpcGet('public.catalog.search', { q: 'plush' }),
  },
  'public.content.storeBanner': {
    rest: '/api/v1/settings/store-banner',
    trpc: trpcGet('public.content.storeBanner'),
  },
  'public.content.listLegal': { rest: '/api/v1/legal', trpc: trpcGet('public.content.listLegal') },
  'public.content.listFaq': { rest: '/api/v1/legal/faq', trpc: trpcGet('public.content.listFaq') },
  'public.content.getLegal': {
    rest: '/api/v1/legal/terms',
    trpc: trpcGet('public.content.getLegal', { type: 'terms' }),
  },
  'public.kuji.fairness': {
    rest: '/api/v1/kuji/lucky/fairness',
    trpc: trpcGet('public.kuji.fairness', { slug: 'lucky' }),
  },
};

describe('which answers may be shared (router walk)', () => {
  it('classifies every public query as cacheable except the personal checkout poll', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    const publicQueries = Object.keys(procedures).filter(
      (p) => p.startsWith('public.') && procedures[p]!._def.type === 'query',
    );
    expect([...catalog.cacheable.keys()].sort()).toEqual(
      publicQueries.filter((p) => p !== 'public.checkout.success').sort(),
    );
    // A procedure added later needs a request here (and a decision: volatile or not).
    expect(Object.keys(PUBLIC_READS).sort()).toEqual([...catalog.cacheable.keys()].sort());
    for (const path of Object.keys(procedures)) {
      if (!path.startsWith('public.') || procedures[path]!._def.type !== 'query')
        expect(catalog.cacheable.has(path)).toBe(false);
    }
  });

  it('serves every public query from the cache on the second read, on both surfaces', async () => {
    for (const [procedure, requests] of Object.entries(PUBLIC_READS)) {
      for (const path of [requests.rest, requests.trpc]) {
        const first = await get(cached, path);
        expect(first.status, `${procedure} ${path}`).toBe(200);
        const body = await first.text();
        expect(first.headers.get('x-public-cache'), path).toBe('miss');
        const volatile = catalog.cacheable.get(procedure);
        expect(first.headers.get('cache-control'), path).toBe(
          volatile ? CACHE_CONTROL.volatile : CACHE_CONTROL.stable,
        );
        const second = await get(cached, path);
        expect(second.headers.get('x-public-cache'), path).toBe('hit');
        expect(await second.text()).toBe(body);
        expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
        // Security headers and the request id stay on cached answers.
        expect(second.headers.get('x-content-type-options')).toBe('nosniff');
        expect(second.headers.get('x-request-id')).toBeTruthy();
        expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
      }
    }
  });

  it('answers every admin, order-tier and write operation private, no-store and never from the cache', async () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string; meta?: { openapi?: { method: string; path: string } } } }
    >;
    const uuid = '00000000-0000-4000-8000-000000000000';
    let checked = 0;
    for (const [path, procedure] of Object.entries(procedures)) {
      if (catalog.cacheable.has(path)) continue;
      const openapi = procedure._def.meta?.openapi;
      const requests: Array<{ method: string; url: string }> = [];
      if (openapi) {
        const rest = openapi.path.replace(/\{[^}]+\}/g, uuid);
        requests.push({ method: openapi.method, url: `/api/v1${rest}` });
      }
      if (procedure._def.type === 'query') requests.push({ method: 'GET', url: trpcGet(path, {}) });
      if (procedure._def.type === 'mutation') requests.push({ method: 'POST', url: `/api/trpc/${path}` });
      for (const { method, url } of requests) {
        // Twice, with an admin's credentials: a second answer must not come from any cache either.
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`${cached.url}${url}`, {
            method,
            headers: {
              authorization: `Bearer ${admin.token}`,
              ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
            },
            ...(method === 'GET' ? {} : { body: '{}' }),
          });
          await res.arrayBuffer();
          expect(res.headers.get('cache-control'), `${method} ${url}`).toBe(CACHE_CONTROL.personal);
          expect(res.headers.get('x-public-cache'), `${method} ${url}`).toBeNull();
          expect(res.headers.get('etag'), `${method} ${url}`).toBeNull();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('marks the guest access link, the live board stream and the dev pages private, no-store', async () => {
    for (const path of [
      '/api/v1/orders/PBX-0000/access?token=x',
      '/api/v1/checkout/success?session_id=cs_test_unknown',
      '/dev/mailbox',
    ]) {
      const res = await get(cached, path);
      await res.arrayBuffer();
      // The dev pages set their own `no-store`; nothing there may be shared.
      expect(res.headers.get('cache-control'), path).toMatch(/no-store/);
      expect(res.headers.get('cache-control'), path).not.toMatch(/public/);
      expect(res.headers.get('x-public-cache'), path).toBeNull();
    }
    const controller = new AbortController();
    const live = await fetch(`${cached.url}/api/v1/kuji/lucky/live`, { signal: controller.signal });
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('private, no-store, no-transform');
    expect(live.headers.get('x-public-cache')).toBeNull();
    controller.abort();
    // The same board as a tRPC subscription (SSE): never shared either.
    const sub = new AbortController();
    const trpcLive = await fetch(`${cached.url}${trpcGet('public.kuji.live', { slug: 'lucky' })}`, {
      signal: sub.signal,
    });
    expect(trpcLive.status).toBe(200);
    expect(trpcLive.headers.get('cache-control')).toMatch(/no-store|no-cache/);
    expect(trpcLive.headers.get('cache-control')).not.toMatch(/public/);
    expect(trpcLive.headers.get('x-public-cache')).toBeNull();
    sub.abort();
  });

  it('never caches a failed public read, and marks it no-store', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await get(cached, '/api/v1/products/no-such-product');
      expect(res.status).toBe(404);
      await res.arrayBuffer();
      expect(res.headers.get('cache-control')).toBe(CACHE_CONTROL.error);
      expect(res.headers.get('x-public-cache')).toBeNull();
      expect(res.headers.get('etag')).toBeNull();
    }
  });

  it('keys tRPC reads by their parsed input (key order does not matter) and REST reads by sorted query', async () => {
    const a = await get(cached, trpcGet('public.catalog.listProducts', { limit: 3, sort: 'price_asc' }));
    expect(a.headers.get('x-public-cache')).toBe('miss');
    const b = await get(cached, trpcGet('public.catalog.listProducts', { sort: 'price_asc', limit: 3 }));
    expect(b.headers.get('x-public-cache')).toBe('hit');
    expect(await b.text()).toBe(await a.text());
    const c = await get(cached, '/api/v1/products?sort=price_asc&limit=3');
    expect(c.headers.get('x-public-cache')).toBe('miss');
    const d = await get(cached, '/api/v1/products?limit=3&sort=price_asc');
    expect(d.headers.get('x-public-cache')).toBe('hit');
    // A batch of public queries is one entry; a batch with a personal call is not cached at all.
    const batch = `/api/trpc/public.catalog.listTags,public.content.listLegal?batch=1&input=${encodeURIComponent('{}')}`;
    expect((await get(cached, batch)).headers.get('x-public-cache')).toBe('miss');
    expect((await get(cached, batch)).headers.get('x-public-cache')).toBe('hit');
    const mixed = `/api/trpc/public.catalog.listTags,public.checkout.success?batch=1&input=${encodeURIComponent('{"1":{"session_id":"cs_x"}}')}`;
    const res = await get(cached, mixed);
    expect(res.headers.get('x-public-cache')).toBeNull();
    expect(res.headers.get('cache-control')).not.toMatch(/public/);
  });
});

describe('ETag and 304 (cache off and on)', () => {
  for (const surface of ['rest', 'trpc'] as const) {
    it(`answers 304 to a matching If-None-Match on ${surface} GET, with the cache off and on`, async () => {
      for (const app of [plain, cached]) {
        const path = PUBLIC_READS['public.catalog.getProduct']![surface];
        const first = await get(app, path);
        expect(first.status).toBe(200);
        const body = await first.text();
        const etag = first.headers.get('etag')!;
        expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
        expect(first.headers.get('cache-control')).toBe(CACHE_CONTROL.volatile);
        if (surface === 'trpc') expect(first.headers.get('vary')).toMatch(/trpc-accept/i);
        const again = await get(app, path, { 'if-none-match': etag });
        expect(again.status).toBe(304);
        expect(await again.text()).toBe('');
        expect(again.headers.get('etag')).toBe(etag);
        const weak = await get(app, path, { 'if-none-match': `"other", W/${etag}` });
        expect(weak.status).toBe(304);
        const stale = await get(app, path, { 'if-none-match': '"not-it"' });
        expect(stale.status).toBe(200);
        expect(await stale.text()).toBe(body);
      }
    });
  }

  it('leaves the cache-off app computing every read (no X-Public-Cache) with the same headers', async () => {
    const res = await get(plain, '/api/v1/collections');
    expect(res.headers.get('x-public-cache')).toBeNull();
    expect(res.headers.get('cache-control')).toBe(CACHE_CONTROL.stable);
    expect(res.headers.get('etag')).toBeTruthy();
  });
});

/** Reads `path` until it comes from the cache (a write just before may still be being notified). */
async function warm(app: TestApp, path: string): Promise<string> {
  let body = '';
  await until(async () => {
    const res = await get(app, path);
    body = await res.text();
    return res.headers.get('x-public-cache') === 'hit';
  }, 1_000);
  return body;
}

/** Warms `path` (a hit proves it is cached), runs `edit`, then polls until `changed` holds. */
async function seesChange(path: string, edit: () => Promise<void>, changed: (body: string) => boolean) {
  expect(changed(await warm(cached, path))).toBe(false);
  await edit();
  return until(async () => changed(await (await get(cached, path)).text()), 1_000);
}

describe('exact invalidation in one process', () => {
  it('shows a product rename and a price change on the next reads', async () => {
    const ms = await seesChange(
      '/api/v1/products/cat-plush',
      async () => {
        const res = await admin.call('PATCH', `/admin/products/${ids.product}`, { name: 'Cat plush XL' });
        expect(res.status).toBe(200);
      },
      (body) => body.includes('Cat plush XL'),
    );
    expect(ms).toBeLessThan(1_000);
    await seesChange(
      PUBLIC_READS['public.catalog.listProducts']!.trpc,
      async () => {
        expect(
          (await admin.call('PATCH', `/admin/products/${ids.product}`, { priceCents: 4321 })).status,
        ).toBe(200);
      },
      (body) => body.includes('"priceCents":4321'),
    );
    await seesChange(
      '/api/v1/search?q=plush',
      async () => {
        expect(
          (await admin.call('PATCH', `/admin/products/${ids.product}`, { name: 'Cat plush XXL' })).status,
        ).toBe(200);
      },
      (body) => body.includes('Cat plush XXL'),
    );
  });

  it('shows a new primary image, a collection rename, legal, FAQ and banner edits', async () => {
    await seesChange(
      '/api/v1/products?limit=10&sort=newest',
      async () => {
        const res = await admin.call('PATCH', `/admin/products/${ids.product}/images/reorder`, {
          imageIds: [ids.image2, ids.image1],
        });
        expect(res.status).toBe(200);
      },
      (body) => {
        const card = (
          JSON.parse(body) as { items: Array<{ id: string; images: Array<{ id: string }> }> }
        ).items.find((c) => c.id === ids.product);
        return card?.images[0]?.id === ids.image2;
      },
    );
    await seesChange(
      '/api/v1/collections',
      async () => {
        expect(
          (await admin.call('PATCH', `/admin/collections/${ids.collection}`, { name: 'Plushies' })).status,
        ).toBe(200);
      },
      (body) => body.includes('Plushies'),
    );
    await seesChange(
      '/api/v1/legal/terms',
      async () => {
        expect(
          (await admin.call('POST', '/admin/legal', { type: 'terms', content: 'Terms v2' })).status,
        ).toBe(201);
      },
      (body) => body.includes('Terms v2'),
    );
    await seesChange(
      PUBLIC_READS['public.content.listFaq']!.trpc,
      async () => {
        const res = await admin.call('POST', '/admin/legal/faq', {
          question: 'Do you ship to Mars?',
          answer: 'Not yet',
          isPublished: true,
        });
        expect(res.status).toBe(201);
      },
      (body) => body.includes('Mars'),
    );
    await seesChange(
      '/api/v1/settings/store-banner',
      async () => {
        const res = await admin.call('PUT', '/admin/settings/store-banner', {
          enabled: true,
          items: [{ message: 'Drop tonight at 8', sortOrder: 0, isActive: true }],
        });
        expect(res.status).toBe(200);
      },
      (body) => body.includes('Drop tonight at 8'),
    );
  });
});

describe('drops and stock under the cache', () => {
  it('never leaks a hidden drop before its start and shows it right after', async () => {
    const startsAt = new Date(Date.now() + 2_500);
    await makeProduct(cached.database.db, {
      product: {
        name: 'Secret drop',
        slug: 'secret-drop',
        salesStartAt: startsAt,
        preSaleVisibility: 'hidden',
      },
    });
    const list = '/api/v1/products?limit=50&sort=newest';
    const detail = '/api/v1/products/secret-drop';
    // Cached before the start (the insert itself bumped the version, so these are computed after it).
    let sawHit = false;
    while (Date.now() < startsAt.getTime() - 150) {
      const [l, d] = await Promise.all([get(cached, list), get(cached, detail)]);
      if (l.headers.get('x-public-cache') === 'hit') sawHit = true;
      expect(await l.text()).not.toContain('secret-drop');
      expect(d.status).toBe(404);
      await d.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sawHit).toBe(true);
    // After the start: visible within ~1 s although volatile entries live a minute in this app.
    const ms = await until(
      async () => (await (await get(cached, list)).text()).includes('secret-drop'),
      3_000,
    );
    expect(Date.now() - startsAt.getTime()).toBeLessThan(1_500);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect((await get(cached, detail)).status).toBe(200);
  });

  it('shows stock within a second on a default cache (sold out never shows stock for long)', async () => {
    const app = await startTestApp({ app: { publicReadCache: {} } });
    try {
      const product = await makeProduct(app.database.db, {
        product: { name: 'Last unit', slug: 'last-unit' },
        inventory: { onHand: 1 },
      });
      const staff = await adminClient(app);
      await until(() => app.publicCache!.listener.isListening, 5_000);
      const path = '/api/v1/products/last-unit';
      await warm(app, path);
      expect(
        (await staff.call('PATCH', `/admin/products/${product.id}/inventory`, { onHand: 0 })).status,
      ).toBe(200);
      const soldOutAt = Date.now();
      await until(async () => {
        const body = (await (await get(app, path)).json()) as { inventory: { available: number } };
        return body.inventory.available === 0;
      }, 2_000);
      expect(Date.now() - soldOutAt).toBeLessThan(1_300);
      // From then on, never again.
      for (let i = 0; i < 10; i++) {
        const body = (await (await get(app, path)).json()) as { inventory: { available: number } };
        expect(body.inventory.available).toBe(0);
      }
    } finally {
      await app.close();
    }
  });
});

describe('a lost notification', () => {
  it('cannot keep a stale page: the LISTEN backend is terminated, an edit lands, the page still changes', async () => {
    const app = await startTestApp({
      app: {
        publicReadCache: {
          volatileTtlMs: LONG,
          stableTtlMs: LONG,
          reconnect: { initialMs: 1_500, maxMs: 1_500 },
        },
      },
    });
    try {
      const collection = await makeCollection(app.database.db, { name: 'Before', slug: 'before' });
      await until(() => app.publicCache!.listener.isListening, 5_000);
      const path = '/api/v1/collections';
      await warm(app, path);
      const killed = await sql(
        app,
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
          where application_name = 'popbox-public-read' and datname = current_database()`,
      );
      expect(killed).toEqual([{ ok: true }]);
      await until(() => !app.publicCache!.listener.isListening, 2_000);
      // Written while nobody listens: its notification is lost for this process.
      await sql(app, `update collections set name = 'After' where id = $1`, [collection.id]);
      const editedAt = Date.now();
      await until(async () => (await (await get(app, path)).text()).includes('After'), 3_000);
      expect(Date.now() - editedAt).toBeLessThan(1_500);
      // Reconnected: caching (and exactness) resumes.
      await until(() => app.publicCache!.listener.isListening, 5_000);
      await warm(app, path);
      await sql(app, `update collections set name = 'Again' where id = $1`, [collection.id]);
      const ms = await until(async () => (await (await get(app, path)).text()).includes('Again'), 1_000);
      expect(ms).toBeLessThan(1_000);
    } finally {
      await app.close();
    }
  });
});

describe('a LISTEN connection that never hears (e.g. a transaction pooler by mistake)', () => {
  it('still sees an edit: the version is re-read every few seconds', async () => {
    const base = await startTestApp();
    // A second app over the same database whose LISTEN is swallowed, as behind a transaction pooler.
    const deaf = createApp(base.deps, {
      logger: base.deps.logger as never,
      corsOrigin: 'http://shop.test',
      rateLimit: false,
      publicReadCache: {
        volatileTtlMs: LONG,
        stableTtlMs: LONG,
        recheckEveryMs: 300,
        connect: () => {
          const client = new pg.Client({ connectionString: base.database.url });
          const query = client.query.bind(client) as (text: unknown, ...rest: unknown[]) => unknown;
          (client as unknown as { query: unknown }).query = (text: unknown, ...rest: unknown[]) =>
            query(typeof text === 'string' && text.startsWith('LISTEN') ? 'select 1' : text, ...rest);
          return client;
        },
      },
    });
    const server = createServer(deaf);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/collections`;
    try {
      const collection = await makeCollection(base.database.db, { name: 'Unheard', slug: 'unheard' });
      await until(() => publicReadCacheOf(deaf)!.listener.isListening, 5_000);
      await fetch(url).then((r) => r.text());
      expect((await fetch(url)).headers.get('x-public-cache')).toBe('hit');
      await sql(base, `update collections set name = 'Heard anyway' where id = $1`, [collection.id]);
      const ms = await until(async () => (await (await fetch(url)).text()).includes('Heard anyway'), 3_000);
      expect(ms).toBeLessThan(1_500);
    } finally {
      await stopPublicReadCache(deaf);
      await new Promise((resolve) => server.close(resolve));
      await base.close();
    }
  });
});
