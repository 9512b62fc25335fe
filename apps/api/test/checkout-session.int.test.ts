import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { json } from './support/http.js';
import {
  activeReservedUnits,
  inventoryOf,
  orderOf,
  postCheckout,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';
import { makeKujiProduct } from '@popbox/domain/testing';

let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(() => h?.close());

const db = () => h.app.database.db;

describe('POST /api/v1/checkout/session', () => {
  it('creates a pending order with server-side prices, holds the stock and opens a Stripe session', async () => {
    const a = await makeProduct(db(), {
      product: { priceCents: 2500, name: 'Acrylic stand' },
      inventory: { onHand: 5 },
    });
    const b = await makeProduct(db(), { product: { priceCents: 1000 }, inventory: { onHand: 5 } });
    const res = await postCheckout(h.app, {
      items: [
        { productId: a.id, quantity: 1 },
        { productId: b.id, quantity: '2' },
        { productId: a.id, quantity: 1 },
      ],
      priceCents: 1,
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toEqual({
      checkoutUrl: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\//),
      sessionId: expect.stringMatching(/^cs_test_/),
      publicId: expect.stringMatching(/^PBX-[0-9A-Z]{10}$/),
      orderId: expect.any(String),
    });

    const { order, payment, reservations } = await orderOf(db(), body.orderId);
    expect(order).toMatchObject({
      status: 'pending_payment',
      customerId: null,
      subtotalCents: 7000,
      shippingCents: 1200,
      taxCents: 0,
      totalCents: 8200,
      stripeCheckoutSessionId: body.sessionId,
    });
    expect(payment).toMatchObject({
      status: 'pending',
      amountCents: 8200,
      providerCheckoutSessionId: body.sessionId,
    });
    expect(reservations.map((r) => [r.productId, r.quantity, r.status]).sort()).toEqual(
      [
        [a.id, 2, 'active'],
        [b.id, 2, 'active'],
      ].sort(),
    );
    const minutes = (reservations[0]!.expiresAt.getTime() - order.createdAt.getTime()) / 60_000;
    expect(minutes).toBeCloseTo(10, 0);
    expect(await inventoryOf(db(), a.id)).toMatchObject({ onHand: 5, reserved: 2 });

    const items = await db().query.orderItems.findMany({ where: (t, { eq }) => eq(t.orderId, body.orderId) });
    expect(items.find((i) => i.productId === a.id)).toMatchObject({
      productName: 'Acrylic stand',
      unitPriceCents: 2500,
      quantity: 2,
      lineTotalCents: 5000,
    });

    const session = h.stripe.sessions.get(body.sessionId)!;
    expect(session).toMatchObject({
      mode: 'payment',
      customer_email: null,
      metadata: { orderId: body.orderId, orderPublicId: body.publicId },
      amount_total: 8200,
    });
    const lifetime = Number(session.expires_at) - Math.floor(order.createdAt.getTime() / 1000);
    expect(lifetime).toBeGreaterThanOrEqual(30 * 60 - 5);
    expect(h.stripe.calls.find((c) => c.path === '/v1/checkout/sessions')?.idempotencyKey).toBeDefined();
  });

  it('ships for free from the threshold of the shipping setting', async () => {
    const shipping = { flatShippingCents: 900, freeShippingThresholdCents: 5000, currency: 'CAD' };
    await sql(
      h.app,
      `insert into store_settings (key, value) values ('shipping', $1)
       on conflict (key) do update set value = excluded.value`,
      [JSON.stringify(shipping)],
    );
    const p = await makeProduct(db(), { product: { priceCents: 2500 } });
    const below = await json(await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] }));
    const at = await json(await postCheckout(h.app, { items: [{ productId: p.id, quantity: 2 }] }));
    expect((await orderOf(db(), below.orderId)).order).toMatchObject({
      shippingCents: 900,
      totalCents: 3400,
    });
    expect((await orderOf(db(), at.orderId)).order).toMatchObject({ shippingCents: 0, totalCents: 5000 });
    await sql(h.app, `delete from store_settings where key = 'shipping'`);
  });

  it('uses an email given at checkout only to prefill the payment page: no customer exists before payment (F2)', async () => {
    const p = await makeProduct(db());
    const before = await db().query.customers.findMany();
    const res = await postCheckout(h.app, {
      items: [{ productId: p.id, quantity: 1 }],
      email: '  Buyer@Example.COM ',
      name: 'Aiko Tanaka',
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(h.stripe.sessions.get(body.sessionId)?.customer_email).toBe('buyer@example.com');
    expect((await orderOf(db(), body.orderId)).order).toMatchObject({
      customerId: null,
      checkoutEmail: 'buyer@example.com',
      checkoutName: 'Aiko Tanaka',
    });
    expect(await db().query.customers.findMany()).toHaveLength(before.length);
  });

  it('refuses a missing, blank or over-long Idempotency-Key with 400', async () => {
    const p = await makeProduct(db());
    const body = { items: [{ productId: p.id, quantity: 1 }] };
    for (const key of [null, '   ', 'k'.repeat(256)]) {
      const res = await postCheckout(h.app, body, key);
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    }
    expect((await inventoryOf(db(), p.id)).reserved).toBe(0);
  });

  it('validates the cart: 1..50 lines, quantity 1..20, product ids are UUIDs', async () => {
    const p = await makeProduct(db());
    for (const items of [
      [],
      [{ productId: p.id, quantity: 0 }],
      [{ productId: p.id, quantity: 21 }],
      [{ productId: p.id, quantity: 1.5 }],
      [{ productId: 'nope', quantity: 1 }],
      Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })),
    ]) {
      const res = await postCheckout(h.app, { items });
      expect(res.status, JSON.stringify(items).slice(0, 80)).toBe(400);
      expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers 404 naming an unknown product, 409 for an inactive one, 422 for kuji, and keeps the key usable', async () => {
    const missing = randomUUID();
    const unknown = await postCheckout(h.app, { items: [{ productId: missing, quantity: 1 }] });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatchObject({ code: 'NOT_FOUND', details: { productId: missing } });

    const noInventory = await makeProduct(db(), { inventory: null });
    expect((await postCheckout(h.app, { items: [{ productId: noInventory.id, quantity: 1 }] })).status).toBe(
      404,
    );

    const draft = await makeProduct(db(), { product: { status: 'draft' } });
    const inactive = await postCheckout(h.app, { items: [{ productId: draft.id, quantity: 1 }] });
    expect(inactive.status).toBe(409);
    expect((await json(inactive)).error.code).toBe('PRODUCT_UNAVAILABLE');

    // A kuji board holds draws like stock: more draws than undealt cards is OUT_OF_STOCK.
    const { product: kuji } = await makeKujiProduct(db());
    const key = randomUUID();
    const kujiRes = await postCheckout(h.app, { items: [{ productId: kuji.id, quantity: 11 }] }, key);
    expect(kujiRes.status).toBe(409);
    expect((await json(kujiRes)).error.code).toBe('OUT_OF_STOCK');
    expect((await inventoryOf(db(), kuji.id)).reserved).toBe(0);
    // Nothing was committed, so the key is free for a corrected cart.
    const p = await makeProduct(db());
    expect((await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] }, key)).status).toBe(201);
  });

  it('refuses more than is available with 409 OUT_OF_STOCK and holds nothing', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3, reserved: 1 } });
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 3 }] });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({ code: 'OUT_OF_STOCK', details: { productId: p.id } });
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 3, reserved: 1 });
    expect(
      await db().query.orderItems.findMany({ where: (t, { eq }) => eq(t.productId, p.id) }),
    ).toHaveLength(0);
  });

  it('replays the first response for the same key and cart, refuses another cart with 422 (F3)', async () => {
    const p = await makeProduct(db());
    const key = randomUUID();
    const first = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 2 }] }, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same cart, written differently (split lines, string quantity): same normalised request.
    const again = await postCheckout(
      h.app,
      {
        items: [
          { productId: p.id, quantity: 1 },
          { productId: p.id, quantity: '1' },
        ],
      },
      key,
    );
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(again)).toEqual(await json(first));
    expect((await inventoryOf(db(), p.id)).reserved).toBe(2);

    const other = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 3 }] }, key);
    expect(other.status).toBe(422);
    expect((await json(other)).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('releases the stock and expires the reservations of others when stock looks short (F16)', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 1 } });
    const first = await json(await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] }));
    // The hold lapsed 1 second ago but no job swept it yet.
    await sql(
      h.app,
      `update inventory_reservations set expires_at = now() - interval '1 second' where order_id = $1`,
      [first.orderId],
    );
    const second = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
    expect(second.status).toBe(201);
    const stale = await orderOf(db(), first.orderId);
    expect(stale.order.status).toBe('expired');
    expect(stale.reservations[0]!.status).toBe('expired');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 1 });
    expect(await activeReservedUnits(db(), p.id)).toBe(1);
    // F6: the lapsed order's Stripe session is closed too (in the background).
    await expect.poll(() => h.stripe.sessions.get(first.sessionId)?.status).toBe('expired');
  });

  // Issue 14: the order's statement takes the holds line by line and stops at the first short one; the lines
  // from there on are taken one by one after the F16 release.
  const threeProductsById = async () =>
    (
      await Promise.all([makeProduct(db()), makeProduct(db()), makeProduct(db(), { inventory: { onHand: 1 } })])
    ).sort((a, b) => (a.id < b.id ? -1 : 1));

  it('holds every line of a cart whose middle line looked short once a lapsed hold is released (F16)', async () => {
    const [a, b, c] = await threeProductsById();
    await sql(h.app, `update product_inventory set on_hand = 1 where product_id = $1`, [b!.id]);
    const first = await json(await postCheckout(h.app, { items: [{ productId: b!.id, quantity: 1 }] }));
    await sql(
      h.app,
      `update inventory_reservations set expires_at = now() - interval '1 second' where order_id = $1`,
      [first.orderId],
    );
    const res = await postCheckout(h.app, {
      items: [a, b, c].map((p) => ({ productId: p!.id, quantity: 1 })),
    });
    expect(res.status).toBe(201);
    const placed = await orderOf(db(), (await json(res)).orderId);
    expect(placed.reservations.map((r) => r.productId).sort()).toEqual([a!.id, b!.id, c!.id]);
    for (const p of [a, b, c]) expect(await activeReservedUnits(db(), p!.id)).toBe(1);
    expect((await inventoryOf(db(), b!.id)).reserved).toBe(1);
    expect((await orderOf(db(), first.orderId)).order.status).toBe('expired');
  });

  it('holds nothing of a cart whose last line is short: the earlier lines give their units back', async () => {
    const [a, b, c] = await threeProductsById();
    await sql(h.app, `update product_inventory set on_hand = 0 where product_id = $1`, [c!.id]);
    const res = await postCheckout(h.app, {
      items: [a, b, c].map((p) => ({ productId: p!.id, quantity: 1 })),
    });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({ code: 'OUT_OF_STOCK', details: { productId: c!.id } });
    for (const p of [a, b, c]) expect((await inventoryOf(db(), p!.id)).reserved).toBe(0);
    expect(
      await db().query.orderItems.findMany({ where: (t, { inArray }) => inArray(t.productId, [a!.id, b!.id]) }),
    ).toHaveLength(0);
  });

  it('holds nothing when a line stays short after the lapsed holds were released (the full path)', async () => {
    const [a, b] = (await threeProductsById()).slice(0, 2);
    await sql(h.app, `update product_inventory set on_hand = 2 where product_id = $1`, [b!.id]);
    const lapsed = await json(await postCheckout(h.app, { items: [{ productId: b!.id, quantity: 1 }] }));
    expect((await postCheckout(h.app, { items: [{ productId: b!.id, quantity: 1 }] })).status).toBe(201);
    await sql(
      h.app,
      `update inventory_reservations set expires_at = now() - interval '1 second' where order_id = $1`,
      [lapsed.orderId],
    );
    const res = await postCheckout(h.app, {
      items: [
        { productId: a!.id, quantity: 1 },
        { productId: b!.id, quantity: 2 },
      ],
    });
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({ code: 'OUT_OF_STOCK', details: { productId: b!.id } });
    expect((await inventoryOf(db(), a!.id)).reserved).toBe(0);
    // The release was part of the failed transaction: the lapsed order is still pending, its unit still held.
    expect(await inventoryOf(db(), b!.id)).toMatchObject({ onHand: 2, reserved: 2 });
    expect((await orderOf(db(), lapsed.orderId)).order.status).toBe('pending_payment');
  });

  it('compensates a Stripe failure: stock released, order cancelled, payment failed, 502; the key is spent', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 4 } });
    h.stripe.failCreate = Infinity;
    const key = randomUUID();
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 2 }] }, key);
    h.stripe.failCreate = 0;
    expect(res.status).toBe(502);
    const body = await json(res);
    expect(body.error).toMatchObject({
      code: 'UPSTREAM_FAILED',
      message: 'The payment provider could not be reached; please try again',
    });

    const order = await db().query.orders.findFirst({
      where: (t, { eq }) => eq(t.checkoutIdempotencyKey, key),
    });
    const after = await orderOf(db(), order!.id);
    expect(after.order.status).toBe('cancelled');
    expect(after.order.cancelledAt).not.toBeNull();
    expect(after.payment.status).toBe('failed');
    expect(after.reservations.map((r) => r.status)).toEqual(['released']);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 4, reserved: 0 });

    const retry = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 2 }] }, key);
    expect(retry.status).toBe(409);
    expect((await json(retry)).error.code).toBe('CHECKOUT_NOT_REUSABLE');
    const stored = await db().query.idempotencyKeys.findFirst({ where: (t, { eq }) => eq(t.key, key) });
    expect(stored).toMatchObject({ state: 'completed', resourceId: order!.id });
  });

  it('closes the Stripe session it opened when the checkout fails afterwards (F6)', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    h.stripe.omitUrl = true;
    const key = randomUUID();
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] }, key);
    h.stripe.omitUrl = false;
    expect(res.status).toBe(502);
    const order = await db().query.orders.findFirst({
      where: (t, { eq }) => eq(t.checkoutIdempotencyKey, key),
    });
    expect(order?.status).toBe('cancelled');
    const opened = [...h.stripe.sessions.values()].find(
      (s) => (s.metadata as { orderId?: string }).orderId === order!.id,
    );
    await expect.poll(() => opened?.status).toBe('expired');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });
  });

  it('is also a tRPC mutation reading the Idempotency-Key header', async () => {
    const p = await makeProduct(db());
    const res = await fetch(`${h.app.url}/api/trpc/public.checkout.createSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ items: [{ productId: p.id, quantity: 1 }] }),
    });
    expect(res.status).toBe(200);
    expect((await json(res)).result.data.publicId).toMatch(/^PBX-/);
  });
});
