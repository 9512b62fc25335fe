import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import {
  collections,
  kujiPrizes,
  productCollections,
  productImages,
  productInventory,
  products,
  productTags,
  tags,
  type Executor,
} from '@popbox/db';
import {
  createTestDatabase,
  makeCollection,
  makeKujiProduct,
  makeProduct,
  makeTag,
  type TestDatabase,
} from '@popbox/db/testing';
import {
  fixedClock,
  getProductBySlug,
  listProducts,
  searchProducts,
  type ObjectStorage,
} from '../src/index.js';
import { selectProductDetail, selectPublicDetail } from '../src/catalog/product-detail.queries.js';
import { collectionsJson, primaryImageJson } from '../src/catalog/product-card.queries.js';
import { rows } from '../src/shared/sql.js';

/**
 * Issue 14: the product-card read model (`product_cards`) is rebuilt by database triggers in the same
 * transaction as every write that changes a card, and public reads serve it. Each case checks the stored card
 * against the live computation from the source tables (the admin detail still reads live).
 */
let database: TestDatabase;
const db = () => database.db;
const clock = fixedClock(new Date('2026-11-01T12:00:00.000Z'));
// Reads only ever build URLs.
const storage = { publicUrl: (key: string) => `http://media.test/${key}` } as unknown as ObjectStorage;
const deps = () => ({ db: db(), clock, storage });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

interface Stored {
  card: Record<string, unknown> & { name: string; primaryImage: { id: string } | null };
  detail: Record<string, unknown>;
  version: string;
}

/** The stored card row (xmin = the row version, to prove a write did or did not touch it). */
async function stored(on: Executor, productId: string): Promise<Stored | undefined> {
  const [row] = await rows<Stored>(
    on,
    sql`select card, detail, xmin::text as version from product_cards where product_id = ${productId}`,
  );
  return row;
}

/** The stored card and detail equal what the live sub-select queries compute right now, on `on`. */
async function expectCurrent(on: Executor, productId: string) {
  const where = sql`p.id = ${productId}`;
  expect(await selectPublicDetail(on, where)).toEqual(await selectProductDetail(on, where));
  const [live] = await rows<{ collections: unknown; primaryImage: unknown; ticketSummary: unknown }>(
    on,
    sql`select ${collectionsJson} as collections, ${primaryImageJson} as "primaryImage",
               case when p.product_type = 'kuji' then json_build_object(
                 'remainingTickets', (select coalesce(sum(remaining_quantity), 0) from kuji_prizes
                                      where product_id = p.id and prize_tier <> 'LO'),
                 'totalTickets', (select coalesce(sum(initial_quantity), 0) from kuji_prizes
                                  where product_id = p.id and prize_tier <> 'LO')) end as "ticketSummary"
        from products p where p.id = ${productId}`,
  );
  const card = (await stored(on, productId))!.card;
  expect({
    collections: card.collections,
    primaryImage: card.primaryImage,
    ticketSummary: card.ticketSummary,
  }).toEqual(live);
}

/** Runs `write` in a transaction and checks the card inside it, before the commit. */
async function inTransaction(productId: string, write: (tx: Executor) => Promise<unknown>) {
  await db().transaction(async (tx) => {
    await write(tx);
    await expectCurrent(tx, productId);
  });
  await expectCurrent(db(), productId);
}

describe('product_cards read model', () => {
  it('gives every inserted product a card, including those written by factories', async () => {
    const p = await makeProduct(db(), { images: [{}, {}] });
    expect((await stored(db(), p.id))?.card.name).toBe(p.name);
    await expectCurrent(db(), p.id);
  });

  it('rebuilds the card in the same transaction as a product rename, price or status change', async () => {
    const p = await makeProduct(db());
    await inTransaction(p.id, (tx) =>
      tx.update(products).set({ name: 'Renamed plush', priceCents: 4200 }).where(eq(products.id, p.id)),
    );
    expect((await stored(db(), p.id))!.card).toMatchObject({ name: 'Renamed plush', priceCents: 4200 });
    expect((await searchProducts(deps(), { q: 'Renamed plush', limit: 5 })).items.map((i) => i.id)).toContain(
      p.id,
    );

    await inTransaction(p.id, (tx) =>
      tx.update(products).set({ status: 'draft' }).where(eq(products.id, p.id)),
    );
    expect((await stored(db(), p.id))!.card.status).toBe('draft');
    await expect(getProductBySlug(deps(), p.slug)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('follows image adds, reorders and deletes, including the primary image', async () => {
    const p = await makeProduct(db(), { images: [{ sortOrder: 1 }] });
    const first = (await stored(db(), p.id))!.card.primaryImage!.id;

    let added = '';
    await inTransaction(p.id, async (tx) => {
      const [row] = await tx
        .insert(productImages)
        .values({ productId: p.id, storageKey: `products/${p.id}/front.png`, sortOrder: 0 })
        .returning();
      added = row!.id;
    });
    expect((await stored(db(), p.id))!.card.primaryImage!.id).toBe(added);

    await inTransaction(p.id, (tx) =>
      tx.update(productImages).set({ sortOrder: 5 }).where(eq(productImages.id, added)),
    );
    expect((await stored(db(), p.id))!.card.primaryImage!.id).toBe(first);

    await inTransaction(p.id, (tx) => tx.delete(productImages).where(eq(productImages.id, first)));
    expect((await stored(db(), p.id))!.card.primaryImage!.id).toBe(added);
    const detail = await getProductBySlug(deps(), p.slug);
    expect(detail.images.map((i) => i.id)).toEqual([added]);
  });

  it('follows collection membership and a collection rename on every linked card', async () => {
    const figures = await makeCollection(db(), { name: 'Figures' });
    const a = await makeProduct(db(), { collectionIds: [figures.id] });
    const b = await makeProduct(db(), { collectionIds: [figures.id] });

    await inTransaction(a.id, (tx) =>
      tx.update(collections).set({ name: 'Figures & statues' }).where(eq(collections.id, figures.id)),
    );
    await expectCurrent(db(), b.id);
    expect((await stored(db(), b.id))!.card.collections).toEqual([
      { id: figures.id, name: 'Figures & statues', slug: figures.slug },
    ]);

    const plush = await makeCollection(db(), { name: 'Plush' });
    await inTransaction(a.id, (tx) =>
      tx.insert(productCollections).values({ productId: a.id, collectionId: plush.id, sortOrder: 1 }),
    );
    await inTransaction(a.id, (tx) =>
      tx.delete(productCollections).where(eq(productCollections.collectionId, figures.id)),
    );
    expect((await stored(db(), a.id))!.card.collections).toEqual([
      { id: plush.id, name: 'Plush', slug: plush.slug },
    ]);
    await expectCurrent(db(), b.id);

    await db().delete(collections).where(eq(collections.id, plush.id));
    expect((await stored(db(), a.id))!.card.collections).toEqual([]);
  });

  it('follows tag links and tag renames', async () => {
    const tag = await makeTag(db(), { name: 'Cats' });
    const p = await makeProduct(db());
    await inTransaction(p.id, (tx) => tx.insert(productTags).values({ productId: p.id, tagId: tag.id }));
    expect((await getProductBySlug(deps(), p.slug)).tags.map((t) => t.name)).toEqual(['Cats']);
    await inTransaction(p.id, (tx) => tx.update(tags).set({ name: 'Kittens' }).where(eq(tags.id, tag.id)));
    expect((await getProductBySlug(deps(), p.slug)).tags.map((t) => t.name)).toEqual(['Kittens']);
    await inTransaction(p.id, (tx) => tx.delete(productTags).where(eq(productTags.productId, p.id)));
    expect((await getProductBySlug(deps(), p.slug)).tags).toEqual([]);
  });

  it('follows kuji prize edits: the board in the detail and the ticket sums on the card', async () => {
    const { product, prizes } = await makeKujiProduct(db());
    const b1 = prizes.find((p) => p.prizeCode === 'B1')!;
    await inTransaction(product.id, (tx) =>
      tx
        .update(kujiPrizes)
        .set({ name: 'Big plush', initialQuantity: 5, remainingQuantity: 4 })
        .where(eq(kujiPrizes.id, b1.id)),
    );
    const card = (await listProducts(deps(), { limit: 50, sort: 'newest', type: 'kuji' })).items.find(
      (i) => i.id === product.id,
    );
    expect(card?.ticketSummary).toEqual({ remainingTickets: 11, totalTickets: 12 });
    const detail = await getProductBySlug(deps(), product.slug);
    expect(detail.kujiPrizes.find((p) => p.id === b1.id)).toMatchObject({
      name: 'Big plush',
      initialQuantity: 5,
      remainingQuantity: 4,
    });
    await inTransaction(product.id, (tx) => tx.delete(kujiPrizes).where(eq(kujiPrizes.id, b1.id)));
  });

  it('keeps both of two concurrent writes to one product (the later rebuild waits and sees the first)', async () => {
    const p = await makeProduct(db());
    const shelf = await makeCollection(db(), { name: 'Concurrent' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = db().transaction(async (tx) => {
      await tx.insert(productImages).values({ productId: p.id, storageKey: `products/${p.id}/a.png` });
      firstWrote();
      await gate; // hold the transaction open while the second writer runs
    });
    await wrote;
    const second = db().transaction((tx) =>
      tx.insert(productCollections).values({ productId: p.id, collectionId: shelf.id }),
    );
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);
    const card = (await stored(db(), p.id))!;
    expect(card.card.primaryImage).not.toBeNull();
    expect(card.card.collections).toHaveLength(1);
    await expectCurrent(db(), p.id);
  });

  it('leaves the card untouched when the write rolls back', async () => {
    const p = await makeProduct(db(), { images: [{}] });
    const before = await stored(db(), p.id);
    await expect(
      db().transaction(async (tx) => {
        await tx.update(products).set({ name: 'Never committed' }).where(eq(products.id, p.id));
        await tx.delete(productImages).where(eq(productImages.productId, p.id));
        expect((await stored(tx, p.id))!.card.name).toBe('Never committed');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await stored(db(), p.id)).toEqual(before);
  });

  it('shows stock straight from product_inventory, without ever rewriting the card', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    const before = await stored(db(), p.id);
    await db().update(productInventory).set({ reserved: 5 }).where(eq(productInventory.productId, p.id));
    const detail = await getProductBySlug(deps(), p.slug);
    expect(detail.inventory).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
    const listed = (await listProducts(deps(), { limit: 50, sort: 'newest' })).items.find(
      (i) => i.id === p.id,
    );
    expect(listed?.inventory?.available).toBe(0);
    // The checkout's guarded stock update writes no card row version.
    expect((await stored(db(), p.id))!.version).toBe(before!.version);
  });

  it('drops the card with its product', async () => {
    const p = await makeProduct(db(), { images: [{}] });
    await db().delete(products).where(eq(products.id, p.id));
    expect(await stored(db(), p.id)).toBeUndefined();
  });
});
