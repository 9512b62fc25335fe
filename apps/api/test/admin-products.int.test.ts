import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeCollection, makeProduct, makeTag } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import type { Json } from './support/http.js';
import { makeKujiProduct } from '@popbox/domain/testing';

let app: TestApp;
let admin: AdminClient;
let figures: { id: string };
let plush: { id: string };
let acrylic: { id: string };
let series: { id: string };

beforeAll(async () => {
  app = await startTestApp({ countQueries: true });
  admin = await adminClient(app);
  const db = app.database.db;
  figures = await makeCollection(db, { name: 'Figures' });
  plush = await makeCollection(db, { name: 'Plush' });
  acrylic = await makeTag(db, { name: 'Acrylic' });
  series = await makeTag(db, { name: 'Star Bakery', tagType: 'series' });
});
afterAll(() => app?.close());

const newProduct = (over: Record<string, unknown> = {}) => ({
  name: 'Chibi "Moon" Mug',
  collectionIds: [plush.id, figures.id, plush.id],
  tagIds: [series.id, acrylic.id],
  productType: 'standard',
  status: 'active',
  priceCents: 2500,
  onHand: 7,
  lowStockThreshold: 2,
  sku: `SKU-${Math.random().toString(36).slice(2, 10)}`,
  ...over,
});

const auditRows = async (entityId: string) =>
  (
    await app.database.pool.query('select * from admin_audit_log where entity_id = $1 order by created_at', [
      entityId,
    ])
  ).rows;

describe('POST /admin/products', () => {
  it('creates the product with a slug, ordered de-duplicated collections, tags, inventory and an audit row', async () => {
    const res = await admin.call(
      'POST',
      '/admin/products',
      newProduct({ name: "Chibi 'Moon' Keychain -- Set!!" }),
      {
        'x-request-id': 'req-create-1',
      },
    );
    expect(res.status).toBe(201);
    const p = res.body;
    expect(p).toMatchObject({
      slug: 'chibi-moon-keychain-set',
      status: 'active',
      productType: 'standard',
      priceCents: 2500,
      currency: 'CAD',
      inventory: { onHand: 7, reserved: 0, available: 7, lowStockThreshold: 2 },
      kujiPrizes: [],
    });
    expect(p.collections.map((c: Json) => c.id)).toEqual([plush.id, figures.id]);
    expect(p.tags.map((t: Json) => t.name)).toEqual(['Acrylic', 'Star Bakery']);
    const [audit] = await auditRows(p.id);
    expect(audit).toMatchObject({
      action: 'product.create',
      entity_type: 'product',
      actor_user_id: admin.userId,
      actor_email: admin.email,
      request_id: 'req-create-1',
      before: null,
    });
    expect(audit.after).toMatchObject({ slug: 'chibi-moon-keychain-set', priceCents: 2500 });
  });

  it('starts a kuji product at on_hand 0 whatever was sent', async () => {
    const res = await admin.call('POST', '/admin/products', newProduct({ productType: 'kuji', onHand: 50 }));
    expect(res.status).toBe(201);
    expect(res.body.inventory).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it('gives simultaneous products of the same name distinct slugs (decided inside the transaction)', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        admin.call('POST', '/admin/products', newProduct({ name: 'Race Mug', sku: null })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const slugs = results.map((r) => r.body.slug).sort();
    expect(new Set(slugs).size).toBe(8);
    expect(slugs).toContain('race-mug');
    expect(slugs).toContain('race-mug-8');
  });

  it('answers 409 DUPLICATE naming sku for a taken SKU', async () => {
    const first = await admin.call('POST', '/admin/products', newProduct({ sku: 'DUP-1' }));
    expect(first.status).toBe(201);
    const again = await admin.call('POST', '/admin/products', newProduct({ sku: 'DUP-1' }));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'DUPLICATE', details: { field: 'sku' } });
  });

  it('answers 400 naming the field for every invalid body', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ collectionIds: undefined }, 'collectionIds'],
      [{ collectionId: figures.id }, 'collectionId'],
      [{ collectionIds: ['00000000-0000-4000-8000-000000000999'] }, 'collectionIds'],
      [{ tagIds: ['00000000-0000-4000-8000-000000000999'] }, 'tagIds'],
      [{ name: '   ' }, 'name'],
      [{ priceCents: -1 }, 'priceCents'],
      [{ priceCents: 12.5 }, 'priceCents'],
      [{ priceCents: '1200' }, 'priceCents'],
      [{ priceCents: 3_000_000_000 }, 'priceCents'],
      [{ currency: 'USD' }, 'currency'],
      [{ productType: 'bundle' }, 'productType'],
      [{ onHand: -3 }, 'onHand'],
    ];
    for (const [over, field] of cases) {
      const res = await admin.call('POST', '/admin/products', newProduct(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(failedFields(res.body), JSON.stringify(over)).toContain(field);
    }
  });
});

describe('unknown body fields', () => {
  it('are dropped on product writes (B13 bodies are not strict)', async () => {
    const res = await admin.call('POST', '/admin/products', newProduct({ colour: 'red', images: [] }));
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('colour');
  });
});

describe('PATCH /admin/products/{id}', () => {
  it('keeps the slug on rename and changes it only when slug is sent (F10)', async () => {
    const { body: p } = await admin.call('POST', '/admin/products', newProduct({ name: 'Sun Mug' }));
    const renamed = await admin.call('PATCH', `/admin/products/${p.id}`, { name: 'Sunrise Mug' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Sunrise Mug', slug: 'sun-mug' });
    const reslugged = await admin.call('PATCH', `/admin/products/${p.id}`, { slug: 'sunrise-mug' });
    expect(reslugged.body.slug).toBe('sunrise-mug');
    const { body: other } = await admin.call('POST', '/admin/products', newProduct({ name: 'Other Mug' }));
    const taken = await admin.call('PATCH', `/admin/products/${other.id}`, { slug: 'sunrise-mug' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'DUPLICATE', details: { field: 'slug' } });
    const badSlug = await admin.call('PATCH', `/admin/products/${other.id}`, { slug: 'Not A Slug' });
    expect(failedFields(badSlug.body)).toContain('slug');
  });

  it('replaces links when present, clears nullable fields, ignores onHand and audits before/after', async () => {
    const { body: p } = await admin.call('POST', '/admin/products', newProduct({ description: 'x' }));
    const res = await admin.call('PATCH', `/admin/products/${p.id}`, {
      collectionIds: [],
      tagIds: [acrylic.id],
      description: null,
      sku: null,
      lowStockThreshold: 9,
      onHand: 999,
      status: 'archived',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      collections: [],
      description: null,
      sku: null,
      status: 'archived',
      inventory: { onHand: 7, lowStockThreshold: 9 },
    });
    expect(res.body.tags.map((t: Json) => t.id)).toEqual([acrylic.id]);
    const update = (await auditRows(p.id)).find((r) => r.action === 'product.update');
    expect(update.before).toMatchObject({ status: 'active', description: 'x', lowStockThreshold: 2 });
    expect(update.after).toMatchObject({ status: 'archived', description: null, lowStockThreshold: 9 });
  });

  it('re-derives on_hand from prizes when a product becomes kuji, refusing if it would not cover reserved', async () => {
    const standard = await makeProduct(app.database.db, { inventory: { onHand: 5, reserved: 0 } });
    const ok = await admin.call('PATCH', `/admin/products/${standard.id}`, { productType: 'kuji' });
    expect(ok.status).toBe(200);
    expect(ok.body.inventory.onHand).toBe(0);
    const reserved = await makeProduct(app.database.db, { inventory: { onHand: 5, reserved: 2 } });
    const refused = await admin.call('PATCH', `/admin/products/${reserved.id}`, { productType: 'kuji' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INVENTORY_BELOW_RESERVED');
    const after = await admin.call('GET', `/admin/products/${reserved.id}`);
    expect(after.body).toMatchObject({ productType: 'standard', inventory: { onHand: 5 } });
  });

  it('answers 404 for an unknown product and 409 naming sku for a taken SKU', async () => {
    const missing = await admin.call('PATCH', '/admin/products/00000000-0000-4000-8000-000000000999', {
      name: 'x',
    });
    expect(missing.status).toBe(404);
    const { body: a } = await admin.call('POST', '/admin/products', newProduct({ sku: 'PATCH-SKU-A' }));
    const { body: b } = await admin.call('POST', '/admin/products', newProduct({ sku: 'PATCH-SKU-B' }));
    expect(a.id).toBeTruthy();
    const dup = await admin.call('PATCH', `/admin/products/${b.id}`, { sku: 'PATCH-SKU-A' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details).toEqual({ field: 'sku' });
  });
});

describe('GET /admin/products/{id}', () => {
  it('returns drafts too, and 404 for unknown ids', async () => {
    const draft = await makeProduct(app.database.db, { product: { status: 'draft' } });
    expect((await admin.call('GET', `/admin/products/${draft.id}`)).body.status).toBe('draft');
    expect((await admin.call('GET', '/admin/products/00000000-0000-4000-8000-000000000999')).status).toBe(
      404,
    );
    expect((await admin.call('GET', '/admin/products/not-a-uuid')).status).toBe(400);
  });
});

describe('PATCH /admin/products/{id}/inventory', () => {
  it('sets on_hand and threshold of a standard product and returns the raw row', async () => {
    const p = await makeProduct(app.database.db, { inventory: { onHand: 3, reserved: 1 } });
    const res = await admin.call('PATCH', `/admin/products/${p.id}/inventory`, {
      onHand: 12,
      lowStockThreshold: 4,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      productId: p.id,
      onHand: 12,
      reserved: 1,
      lowStockThreshold: 4,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const [audit] = await auditRows(p.id);
    expect(audit).toMatchObject({
      action: 'product.inventory.update',
      before: { onHand: 3 },
      after: { onHand: 12 },
    });
  });

  it('refuses on_hand below reserved (409), kuji products (422), missing products and rows (404)', async () => {
    const p = await makeProduct(app.database.db, { inventory: { onHand: 5, reserved: 4 } });
    const below = await admin.call('PATCH', `/admin/products/${p.id}/inventory`, { onHand: 3 });
    expect(below.status).toBe(409);
    expect(below.body.error.code).toBe('INVENTORY_BELOW_RESERVED');
    const { product: kuji } = await makeKujiProduct(app.database.db);
    expect((await admin.call('PATCH', `/admin/products/${kuji.id}/inventory`, { onHand: 3 })).status).toBe(
      422,
    );
    expect(
      (
        await admin.call('PATCH', '/admin/products/00000000-0000-4000-8000-000000000999/inventory', {
          onHand: 3,
        })
      ).status,
    ).toBe(404);
    const noRow = await makeProduct(app.database.db, { inventory: null });
    expect((await admin.call('PATCH', `/admin/products/${noRow.id}/inventory`, { onHand: 3 })).status).toBe(
      404,
    );
    expect(
      failedFields((await admin.call('PATCH', `/admin/products/${p.id}/inventory`, { onHand: '5' })).body),
    ).toContain('onHand');
  });

  it('never lets concurrent edits and reservations break on_hand >= reserved', async () => {
    const p = await makeProduct(app.database.db, { inventory: { onHand: 10, reserved: 0 } });
    // Reservations land while the admin lowers stock: the row lock orders them.
    const reserve = () =>
      app.database.pool.query(
        'update product_inventory set reserved = reserved + 1 where product_id = $1 and on_hand - reserved >= 1',
        [p.id],
      );
    await Promise.all([
      ...Array.from({ length: 6 }, reserve),
      ...[4, 3, 5, 2].map((onHand) => admin.call('PATCH', `/admin/products/${p.id}/inventory`, { onHand })),
    ]);
    const { rows } = await app.database.pool.query(
      'select on_hand, reserved from product_inventory where product_id = $1',
      [p.id],
    );
    expect(rows[0].on_hand).toBeGreaterThanOrEqual(rows[0].reserved);
  });
});

describe('GET /admin/products', () => {
  let ids: string[] = [];
  beforeAll(async () => {
    const db = app.database.db;
    const c = await makeCollection(db, { name: 'Listing' });
    const t1 = await makeTag(db);
    const t2 = await makeTag(db);
    ids = [];
    for (let i = 0; i < 9; i++) {
      const p = await makeProduct(db, {
        product: { status: (['draft', 'active', 'archived'] as const)[i % 3], name: `List ${i}` },
        inventory: i === 4 ? null : { onHand: i % 4, reserved: i === 3 ? 3 : 0 },
        collectionIds: i < 5 ? [c.id] : [],
        tagIds: i % 2 ? [t1.id] : i % 3 ? [t2.id] : [],
      });
      ids.push(p.id);
    }
    const k = await makeKujiProduct(db, {
      prizes: [
        { code: 'A1', quantity: 2 },
        { code: 'LO', tier: 'LO', quantity: 5 },
      ],
    });
    ids.push(k.product.id);
    Object.assign(listing, { collection: c.id, t1: t1.id, t2: t2.id });
  });
  const listing: Record<string, string> = {};

  const list = async (query: string) => {
    const res = await admin.call('GET', `/admin/products?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Json[]; nextCursor: string | null };
  };

  it('lists every status with the admin item shape', async () => {
    const body = await list('limit=50');
    const statuses = new Set(body.items.map((i: Json) => i.status));
    expect(statuses).toEqual(new Set(['draft', 'active', 'archived']));
    expect(body.items[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      slug: expect.any(String),
      sku: expect.toBeOneOf([null, expect.any(String)]),
      status: expect.any(String),
      productType: expect.any(String),
      priceCents: expect.any(Number),
      currency: 'CAD',
      // Issue 13: purchase caps.
      maxPerOrder: null,
      maxPerBuyer: null,
      collections: expect.any(Array),
      inventory: expect.toBeOneOf([null, expect.any(Object)]),
      tags: expect.any(Array),
      primaryImage: null,
      // Issue 13: the sale window (none here) and where the clock falls in it.
      salesStartAt: null,
      salesEndAt: null,
      preSaleVisibility: 'announced',
      availability: 'on_sale',
      updatedAt: expect.any(String),
    });
  });

  it('filters by status, type, collection and any of the tag ids (repeated or comma-separated)', async () => {
    expect((await list('status=draft&limit=50')).items.every((i: Json) => i.status === 'draft')).toBe(true);
    expect((await list('type=kuji&limit=50')).items.every((i: Json) => i.productType === 'kuji')).toBe(true);
    const inCollection = (await list(`collectionId=${listing.collection}&limit=50`)).items.map(
      (i: Json) => i.id,
    );
    expect(inCollection.sort()).toEqual(ids.slice(0, 5).sort());
    const both = (await list(`tagIds=${listing.t1}&tagIds=${listing.t2}&limit=50`)).items.map(
      (i: Json) => i.id,
    );
    const comma = (await list(`tagIds=${listing.t1},${listing.t2}&limit=50`)).items.map((i: Json) => i.id);
    expect(both.sort()).toEqual(comma.sort());
    expect(both.sort()).toEqual(ids.filter((_, i) => i < 9 && (i % 2 || i % 3)).sort());
    const bad = await admin.call('GET', '/admin/products?tagIds=,');
    expect(bad.status).toBe(400);
    expect(failedFields(bad.body)).toContain('tagIds');
    expect((await admin.call('GET', '/admin/products?tagIds=nope')).status).toBe(400);
  });

  it('sorts by inventory value (kuji: non-LO remaining; standard: available, 0 without a row)', async () => {
    const body = await list('sort=inventory_desc&limit=50');
    const values = body.items.map((i: Json) =>
      i.productType === 'kuji' ? null : i.inventory ? i.inventory.available : 0,
    );
    const ours = body.items.filter((i: Json) => ids.includes(i.id));
    const kujiIndex = ours.findIndex((i: Json) => i.productType === 'kuji');
    expect(kujiIndex).toBeGreaterThanOrEqual(0);
    const numeric = values.filter((v: number | null) => v !== null);
    expect(numeric).toEqual([...numeric].sort((a, b) => b - a));
  });

  it('walks every sort with cursors, without duplicates or gaps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('updated_desc', 'updated_asc', 'inventory_desc', 'inventory_asc'),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('', '&status=active', '&type=standard'),
        async (sort, limit, filter) => {
          const full = (await list(`sort=${sort}&limit=50${filter}`)).items.map((i: Json) => i.id);
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: { items: Json[]; nextCursor: string | null } = await list(
              `sort=${sort}&limit=${limit}${filter}${cursor ? `&cursor=${cursor}` : ''}`,
            );
            seen.push(...page.items.map((i: Json) => i.id));
            cursor = page.nextCursor;
          } while (cursor);
          expect(seen).toEqual(full);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('ignores unknown query parameters (non-strict) and bad cursors', async () => {
    expect((await admin.call('GET', '/admin/products?foo=bar&cursor=garbage')).status).toBe(200);
  });

  it('costs the same number of SQL queries for 1 and 50 items', async () => {
    const count = async (q: string) => {
      app.queries!.reset();
      await list(q);
      return app.queries!.count;
    };
    for (const q of ['', '&sort=inventory_asc', `&tagIds=${listing.t1}`]) {
      expect(await count(`limit=50${q}`), q).toBe(await count(`limit=1${q}`));
    }
  });
});

describe('collections and tags', () => {
  it('creates with generated unique slugs, renames with a new slug, lists inactive ones too', async () => {
    const a = await admin.call('POST', '/admin/collections', {
      name: 'New Arrivals',
      isActive: false,
      sortOrder: 3,
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ slug: 'new-arrivals', isActive: false, sortOrder: 3, description: null });
    const b = await admin.call('POST', '/admin/collections', { name: 'New  Arrivals!' });
    expect(b.body.slug).toBe('new-arrivals-2');
    const renamed = await admin.call('PATCH', `/admin/collections/${b.body.id}`, { name: 'Restocks' });
    expect(renamed.body).toMatchObject({ name: 'Restocks', slug: 'restocks' });
    const same = await admin.call('PATCH', `/admin/collections/${a.body.id}`, { description: 'Fresh' });
    expect(same.body).toMatchObject({ slug: 'new-arrivals', description: 'Fresh' });
    const all = await admin.call('GET', '/admin/collections');
    expect(all.body.items.some((c: Json) => c.id === a.body.id && !c.isActive)).toBe(true);
    expect(
      (await admin.call('PATCH', '/admin/collections/00000000-0000-4000-8000-000000000999', { name: 'x' }))
        .status,
    ).toBe(404);
    expect(
      failedFields((await admin.call('POST', '/admin/collections', { name: 'x', isActive: 'false' })).body),
    ).toContain('isActive');
    const audit = await app.database.pool.query(
      `select action from admin_audit_log where entity_id = $1 order by created_at`,
      [a.body.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['collection.create', 'collection.update']);
  });

  it('creates and renames tags, re-indexing their products for search', async () => {
    const t = await admin.call('POST', '/admin/tags', { name: 'Glitter', tagType: 'finish' });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ slug: 'glitter', tagType: 'finish' });
    const p = await makeProduct(app.database.db, { product: { name: 'Plain Pin' }, tagIds: [t.body.id] });
    const renamed = await admin.call('PATCH', `/admin/tags/${t.body.id}`, { name: 'Holographic' });
    expect(renamed.body.slug).toBe('holographic');
    const found = await fetch(`${app.url}/api/v1/search?q=holographic`).then(
      (r) => r.json() as Promise<Json>,
    );
    expect(found.items.map((i: Json) => i.id)).toContain(p.id);
    const list = await admin.call('GET', '/admin/tags');
    expect(list.body.items.some((x: Json) => x.id === t.body.id)).toBe(true);
    expect(failedFields((await admin.call('POST', '/admin/tags', { name: 'x' })).body)).toContain('tagType');
  });
});
