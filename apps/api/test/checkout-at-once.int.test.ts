import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { json } from './support/http.js';
import {
  inventoryOf,
  postCheckout,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

/**
 * Issue 14: an ordinary cart (standard products, no caps) is placed in one autocommitted statement,
 * `checkout_place_at_once`, after a lock-free read of the cart. These tests pin that path and what it must
 * hand to the full path: a cart that changed since it was read, a short line, a capped product.
 */
let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness({ countQueries: true });
});
afterAll(() => h?.close());

const db = () => h.app.database.db;
const checkoutStatements = () =>
  h.app.queries!.statements.filter((s) => /checkout_|^begin|^commit|^rollback/i.test(s.trim()));
const statementNames = () =>
  checkoutStatements().map((s) => /public\.(checkout_\w+)/.exec(s)?.[1] ?? s.trim());

/** Calls the function as the API does, with one line of `quantity` units of `productId` at `version`. */
async function placeAtOnce(productId: string, version: string, quantity = 1, key = `key-${randomUUID()}`) {
  const [row] = await sql(
    h.app,
    `select * from public.checkout_place_at_once('checkout', $1, now() + interval '1 day', $2::text[], 'shipping',
       (select xmin::text from store_settings where key = 'shipping'), now(), gen_random_uuid(), $3, 'CAD',
       2500, 1200, 3700, $4, null, null, null, $5::uuid[], array['A figure'], array['standard']::product_type[],
       array[(select price_cents from products where id = ($5::uuid[])[1])], $6::int[], array['a-figure'],
       array[null]::text[], now() + interval '10 minutes')`,
    ['f'.repeat(64), [version], `PBX-${randomUUID().slice(0, 10)}`, key, [productId], [quantity]],
  );
  return { row: row!, key };
}

const versionOf = async (productId: string) =>
  (await sql(h.app, `select xmin::text as v from products where id = $1`, [productId]))[0]!.v as string;
const keyRows = async (key: string) =>
  sql(h.app, `select id from idempotency_keys where scope = 'checkout' and key = $1`, [key]);
const orderRows = async (key: string) =>
  sql(h.app, `select id from orders where checkout_idempotency_key = $1`, [key]);

describe('the ordinary checkout path', () => {
  it('costs three statements and no transaction block; two once the cart was read', async () => {
    // A shop's first checkout default-inserts its shipping setting (then reads the cart again): not this one.
    const warmUp = await makeProduct(db());
    expect((await postCheckout(h.app, { items: [{ productId: warmUp.id, quantity: 1 }] })).status).toBe(201);
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    h.app.queries!.reset();
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 2 }] });
    expect(res.status).toBe(201);
    expect(statementNames()).toEqual(['checkout_cart', 'checkout_place_at_once', 'checkout_attach_session']);
    h.app.queries!.reset();
    expect((await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] })).status).toBe(201);
    expect(statementNames()).toEqual(['checkout_place_at_once', 'checkout_attach_session']);
    expect((await inventoryOf(db(), p.id)).reserved).toBe(3);
  });

  it('prices from the current row after an edit: the kept row is stale, read again, and the order takes the new price', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    expect((await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] })).status).toBe(201);
    await sql(h.app, `update products set price_cents = 4321 where id = $1`, [p.id]);
    h.app.queries!.reset();
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
    expect(res.status).toBe(201);
    expect(statementNames()).toEqual([
      'checkout_place_at_once',
      'checkout_cart',
      'checkout_place_at_once',
      'checkout_attach_session',
    ]);
    const [order] = await sql(h.app, `select subtotal_cents from orders where id = $1`, [
      (await json(res)).orderId,
    ]);
    expect(order!.subtotal_cents).toBe(4321);
  });

  it('charges the current shipping after the setting changed', async () => {
    const p = await makeProduct(db(), { product: { priceCents: 1000 }, inventory: { onHand: 5 } });
    expect((await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] })).status).toBe(201);
    const [before] = await sql(h.app, `select value from store_settings where key = 'shipping'`);
    await sql(h.app, `update store_settings set value = $1 where key = 'shipping'`, [
      { ...(before!.value as object), flatShippingCents: 777, freeShippingThresholdCents: 1_000_000 },
    ]);
    try {
      const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
      expect(res.status).toBe(201);
      const [order] = await sql(h.app, `select shipping_cents from orders where id = $1`, [
        (await json(res)).orderId,
      ]);
      expect(order!.shipping_cents).toBe(777);
    } finally {
      await sql(h.app, `update store_settings set value = $1 where key = 'shipping'`, [before!.value]);
    }
  });

  it('takes the full path for a capped product (its guard and per-buyer locks)', async () => {
    const p = await makeProduct(db(), { product: { maxPerOrder: 1 } });
    h.app.queries!.reset();
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 2 }] });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    // The cart read shows the cap; the full path claims the key, sees the cap and rolls back for the guard.
    expect(statementNames().slice(0, 4)).toEqual(['checkout_cart', 'begin', 'checkout_claim', 'rollback']);
    expect(statementNames()).not.toContain('checkout_place_at_once');
    expect((await json(res)).error.code).toMatch(/PURCHASE_LIMIT|VALIDATION_FAILED/);
  });

  it('writes nothing when the product changed after the cart was read: "stale", and the full path decides', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    const read = await versionOf(p.id);
    await sql(h.app, `update products set price_cents = price_cents + 100 where id = $1`, [p.id]);
    const { row, key } = await placeAtOnce(p.id, read);
    expect(row.outcome).toBe('stale');
    expect(await keyRows(key)).toEqual([]);
    expect(await orderRows(key)).toEqual([]);
    expect((await inventoryOf(db(), p.id)).reserved).toBe(0);
    // With the current version the same call places the order.
    const placed = await placeAtOnce(p.id, await versionOf(p.id));
    expect(placed.row.outcome).toBe('placed');
    expect(await keyRows(placed.key)).toHaveLength(1);
    expect(await orderRows(placed.key)).toHaveLength(1);
  });

  it('undoes its key claim and its order when a line is short, and says whether lapsed holds could free it', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const version = await versionOf(p.id);
    const { row, key } = await placeAtOnce(p.id, version, 3);
    expect(row).toMatchObject({ outcome: 'short', short_at: 1, lapsed_holds: false });
    expect(await keyRows(key)).toEqual([]);
    expect(await orderRows(key)).toEqual([]);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });

    const held = await placeAtOnce(p.id, version, 2);
    expect(held.row.outcome).toBe('placed');
    await sql(
      h.app,
      `update inventory_reservations set expires_at = now() - interval '1 second' where product_id = $1`,
      [p.id],
    );
    expect((await placeAtOnce(p.id, version, 1)).row).toMatchObject({ outcome: 'short', lapsed_holds: true });
  });

  it('answers a used key with its record and writes nothing', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    const version = await versionOf(p.id);
    const first = await placeAtOnce(p.id, version);
    const { row: again } = await placeAtOnce(p.id, version, 1, first.key);
    expect(again).toMatchObject({
      outcome: 'taken',
      key_fingerprint: 'f'.repeat(64),
      key_state: 'in_progress',
    });
    expect(await orderRows(first.key)).toHaveLength(1);
    expect((await inventoryOf(db(), p.id)).reserved).toBe(1);
  });
});
