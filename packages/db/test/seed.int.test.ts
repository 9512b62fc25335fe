import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/client.js';
import {
  collections,
  faqItems,
  kujiPrizes,
  legalDocuments,
  productCollections,
  productImages,
  productInventory,
  products,
  storeSettings,
  users,
} from '../src/schema/index.js';
import { seedDemo } from '../src/seed.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let a: TestDatabase;
let b: TestDatabase;
let storageA: string;
let storageB: string;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  storageA = await mkdtemp(join(tmpdir(), 'popbox-seed-a-'));
  storageB = await mkdtemp(join(tmpdir(), 'popbox-seed-b-'));
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([storageA, storageB].map((dir) => dir && rm(dir, { recursive: true, force: true })));
});

/** Everything that must be identical between two seeded databases. */
async function snapshot(db: Db) {
  return {
    products: await db
      .select({
        id: products.id,
        slug: products.slug,
        status: products.status,
        type: products.productType,
        price: products.priceCents,
        createdAt: products.createdAt,
        updatedAt: products.updatedAt,
      })
      .from(products)
      .orderBy(asc(products.slug)),
    images: await db.select().from(productImages).orderBy(asc(productImages.storageKey)),
    prizes: await db.select().from(kujiPrizes).orderBy(asc(kujiPrizes.id)),
    inventory: await db.select().from(productInventory).orderBy(asc(productInventory.productId)),
    links: await db
      .select()
      .from(productCollections)
      .orderBy(asc(productCollections.productId), asc(productCollections.collectionId)),
  };
}

describe('seedDemo', () => {
  it('seeds once even when two processes race, and is a no-op afterwards', async () => {
    const results = await Promise.all([
      seedDemo(a.db, { storageDir: storageA }),
      seedDemo(a.db, { storageDir: storageA }),
    ]);
    expect(results.map((r) => r.seeded).sort()).toEqual([false, true]);
    const before = await snapshot(a.db);
    expect(await seedDemo(a.db, { storageDir: storageA })).toEqual({ seeded: false, products: 0, images: 0 });
    expect(await snapshot(a.db)).toEqual(before);
  });

  it('is deterministic: a second fresh database gets identical ids, slugs, timestamps and image bytes', async () => {
    expect((await seedDemo(b.db, { storageDir: storageB })).seeded).toBe(true);
    const [snapA, snapB] = await Promise.all([snapshot(a.db), snapshot(b.db)]);
    expect(snapB).toEqual(snapA);
    for (const image of snapA.images) {
      const [bytesA, bytesB] = await Promise.all([
        readFile(join(storageA, image.storageKey)),
        readFile(join(storageB, image.storageKey)),
      ]);
      expect(sha256(bytesB)).toBe(sha256(bytesA));
      expect(bytesA.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
    }
  });

  it('builds the catalog the demo promises', async () => {
    const counts = await a.db.execute<{ status: string; product_type: string; n: number }>(
      sql`select status, product_type, count(*)::int as n from products group by 1, 2`,
    );
    const count = (status: string, type: string) =>
      counts.rows.find((r) => r.status === status && r.product_type === type)?.n ?? 0;
    expect(count('active', 'standard')).toBe(40);
    expect(count('draft', 'standard')).toBe(3);
    expect(count('archived', 'standard')).toBe(2);
    expect(count('active', 'kuji')).toBe(2);

    const featured = await a.db
      .select({ productId: productCollections.productId })
      .from(productCollections)
      .innerJoin(collections, eq(collections.id, productCollections.collectionId))
      .where(eq(collections.slug, 'featured'));
    expect(featured.length).toBeGreaterThanOrEqual(8);
    expect((await a.db.select().from(collections)).length).toBeGreaterThanOrEqual(5);

    const stock = await a.db.select().from(productInventory);
    expect(stock.filter((s) => s.onHand === 0).length).toBeGreaterThanOrEqual(3);
    expect(
      stock.filter((s) => s.onHand > 0 && s.onHand <= s.lowStockThreshold).length,
    ).toBeGreaterThanOrEqual(3);

    const [admin] = await a.db.select().from(users);
    expect(admin).toMatchObject({
      id: '00000000-0000-4000-8000-00000000a001',
      email: 'admin@popbox.local',
      role: 'admin',
    });
    const active = await a.db.select().from(legalDocuments).where(eq(legalDocuments.isActive, true));
    expect(active.map((d) => d.type).sort()).toEqual(['privacy', 'shipping_returns', 'terms']);
    expect((await a.db.select().from(faqItems)).length).toBe(6);
    const [shipping] = await a.db.select().from(storeSettings).where(eq(storeSettings.key, 'shipping'));
    expect(shipping?.value).toEqual({
      flatShippingCents: 1200,
      freeShippingThresholdCents: 14900,
      currency: 'CAD',
    });
  });

  it('keeps kuji on_hand equal to the remaining non-Last-One tickets', async () => {
    const boards = await a.db.execute<{
      slug: string;
      on_hand: number;
      tickets: number;
      initial: number;
      lo: number;
    }>(sql`
      select p.slug, i.on_hand,
             sum(k.remaining_quantity) filter (where k.prize_tier <> 'LO')::int as tickets,
             sum(k.initial_quantity) filter (where k.prize_tier <> 'LO')::int as initial,
             count(*) filter (where k.prize_tier = 'LO')::int as lo
      from products p
      join product_inventory i on i.product_id = p.id
      join kuji_prizes k on k.product_id = p.id
      where p.product_type = 'kuji'
      group by p.slug, i.on_hand, p.created_at
      order by p.created_at`);
    const [first, second] = boards.rows;
    expect(first).toMatchObject({ tickets: 80, on_hand: 80, lo: 1 });
    expect(second).toMatchObject({ on_hand: second!.tickets, lo: 1 });
    expect(second!.tickets).toBeLessThanOrEqual(5);
  });

  it('writes a file for every image row', async () => {
    const images = await a.db.select().from(productImages);
    const perProduct = new Map<string, number>();
    for (const image of images) {
      perProduct.set(image.productId, (perProduct.get(image.productId) ?? 0) + 1);
      expect(image.storageKey).toBe(`products/${image.productId}/${image.storageKey.split('/').pop()}`);
      await expect(readFile(join(storageA, image.storageKey))).resolves.toBeInstanceOf(Buffer);
    }
    expect(perProduct.size).toBe(47);
    expect([...perProduct.values()].every((n) => n === 1 || n === 2)).toBe(true);
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
