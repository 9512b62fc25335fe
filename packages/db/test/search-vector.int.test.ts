import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products, productTags, tags } from '../src/schema/index.js';
import { createTestDatabase, makeProduct, makeTag, type TestDatabase } from '../src/testing/index.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

/** The product's search vector as text, e.g. `'fox':2A 'plush':3A`. */
async function vector(productId: string): Promise<string> {
  const result = await t.db.execute<{ v: string }>(
    sql`select search_vector::text as v from products where id = ${productId}`,
  );
  return result.rows[0]!.v;
}

/** Does a storefront-style search for `q` find the product? */
async function matches(productId: string, q: string): Promise<boolean> {
  const result = await t.db.execute(
    sql`select 1 from products where id = ${productId} and search_vector @@ websearch_to_tsquery('simple', ${q})`,
  );
  return result.rows.length === 1;
}

async function updatedAt(productId: string): Promise<Date> {
  const [row] = await t.db
    .select({ at: products.updatedAt })
    .from(products)
    .where(eq(products.id, productId));
  return row!.at;
}

describe('products.search_vector', () => {
  it('weights name A (simple), tag names B (simple), description C (english)', async () => {
    const tag = await makeTag(t.db, { name: 'Lantern Festival' });
    const p = await makeProduct(t.db, {
      product: { name: 'Moonlit Fox Plush', description: 'Running foxes under paper lanterns' },
      tagIds: [tag.id],
    });
    const v = await vector(p.id);
    expect(v).toContain("'moonlit':1A");
    expect(v).toMatch(/'festival':\d+B/);
    expect(v).toMatch(/'run':\d+C/); // english stemming of the description only
    expect(await matches(p.id, 'lantern festival')).toBe(true);
  });

  it('follows a product rename, and the rename bumps updated_at', async () => {
    const p = await makeProduct(t.db, { product: { name: 'Cloud Whale Mug' } });
    const before = await updatedAt(p.id);
    await t.db.update(products).set({ name: 'Sky Harbor Tumbler' }).where(eq(products.id, p.id));
    expect(await matches(p.id, 'tumbler')).toBe(true);
    expect(await matches(p.id, 'mug')).toBe(false);
    expect((await updatedAt(p.id)).getTime()).toBeGreaterThan(before.getTime());
  });

  it('follows a tag rename for every linked product, and only those', async () => {
    const tag = await makeTag(t.db, { name: 'Starlight Bakery' });
    const linked = await makeProduct(t.db, { tagIds: [tag.id] });
    const unlinked = await makeProduct(t.db);
    const linkedUpdatedAt = await updatedAt(linked.id);
    const unlinkedVector = await vector(unlinked.id);

    await t.db.update(tags).set({ name: 'Midnight Patisserie' }).where(eq(tags.id, tag.id));

    expect(await matches(linked.id, 'patisserie')).toBe(true);
    expect(await matches(linked.id, 'bakery')).toBe(false);
    expect(await vector(unlinked.id)).toBe(unlinkedVector);
    // A recompute is not an edit: the admin "recently updated" order must not change.
    expect(await updatedAt(linked.id)).toEqual(linkedUpdatedAt);
  });

  it('follows links being added and removed', async () => {
    const tag = await makeTag(t.db, { name: 'Neon Courier' });
    const p = await makeProduct(t.db);
    expect(await matches(p.id, 'courier')).toBe(false);
    await t.db.insert(productTags).values({ productId: p.id, tagId: tag.id });
    expect(await matches(p.id, 'courier')).toBe(true);
    await t.db.delete(productTags).where(eq(productTags.productId, p.id));
    expect(await matches(p.id, 'courier')).toBe(false);
  });

  it('cannot be overwritten by the application', async () => {
    const p = await makeProduct(t.db, { product: { name: 'Pocket Slime Plush' } });
    await t.db
      .update(products)
      .set({ searchVector: sql`to_tsvector('simple', 'bogus')` as unknown as string })
      .where(eq(products.id, p.id));
    expect(await matches(p.id, 'bogus')).toBe(false);
    expect(await matches(p.id, 'slime')).toBe(true);
  });

  it('supports trigram similarity on the name (pg_trgm)', async () => {
    const p = await makeProduct(t.db, { product: { name: 'Mecha Ronin Kaze Hoodie' } });
    const result = await t.db.execute<{ s: number }>(
      sql`select similarity(name, 'mecha ronin hodie') as s from products where id = ${p.id}`,
    );
    expect(result.rows[0]!.s).toBeGreaterThan(0.15);
  });
});
