import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  refundOverCapOrder,
  refundPendingOverCapOrders,
  turnstileChallenge,
  type ChallengePort,
} from '@popbox/domain';
import { makeKujiProduct } from '@popbox/domain/testing';
import { SMALL_BOARD } from './support/kuji-board.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, json, type AdminClient } from './support/admin.js';
import { checkout, eventually, makeCappedProduct, payAs, query } from './support/caps.js';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp(); // the local payment simulator
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const one = (productId: string, quantity = 1) => ({ items: [{ productId, quantity }] });

describe('purchase caps on products', () => {
  it('admin sets, reads and clears maxPerOrder / maxPerBuyer; the public detail shows them', async () => {
    const created = await admin.call('POST', '/admin/products', {
      collectionIds: [],
      name: 'Drop figure',
      priceCents: 9000,
      status: 'active',
      onHand: 5,
      maxPerOrder: 1,
      maxPerBuyer: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ maxPerOrder: 1, maxPerBuyer: 2 });
    const pub = await fetch(`${app.url}/api/v1/products/${created.body.slug}`).then((r) => r.json());
    expect(pub).toMatchObject({ maxPerOrder: 1, maxPerBuyer: 2 });
    // Cards (lists, search, home) carry them too.
    const list = await fetch(`${app.url}/api/v1/products?sort=newest&limit=50`).then(json);
    const card = (list.items as Array<{ id: string }>).find((c) => c.id === created.body.id);
    expect(card).toMatchObject({ maxPerOrder: 1, maxPerBuyer: 2 });
    const adminList = await admin.call('GET', '/admin/products?limit=50');
    expect(adminList.body.items.find((i: { id: string }) => i.id === created.body.id)).toMatchObject({
      maxPerOrder: 1,
      maxPerBuyer: 2,
    });

    const bad = await admin.call('PATCH', `/admin/products/${created.body.id}`, { maxPerBuyer: 0 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)).toContain('maxPerBuyer');

    const cleared = await admin.call('PATCH', `/admin/products/${created.body.id}`, { maxPerOrder: null });
    expect(cleared.body).toMatchObject({ maxPerOrder: null, maxPerBuyer: 2 });
    const got = await admin.call('GET', `/admin/products/${created.body.id}`);
    expect(got.body).toMatchObject({ maxPerOrder: null, maxPerBuyer: 2 });
    const [audit] = await query(
      app,
      `select after from admin_audit_log where entity_id = $1 and action = 'product.update'`,
      [created.body.id],
    );
    expect(audit?.after).toMatchObject({ maxPerOrder: null, maxPerBuyer: 2 });
  });
});

describe('checkout caps', () => {
  it('a capped cart needs an email (400 naming the field)', async () => {
    const p = await makeCappedProduct(app, { maxPerBuyer: 2 });
    const res = await checkout(app, one(p.id));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields).toHaveProperty('email');
  });

  it('per order: 409 PURCHASE_LIMIT naming the product and the cap', async () => {
    const p = await makeCappedProduct(app, { maxPerOrder: 3 });
    const res = await checkout(app, { ...one(p.id, 4), email: 'order-cap@example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'PURCHASE_LIMIT',
      details: { productId: p.id, productName: p.name, limit: 'max_per_order', cap: 3, remainingAllowed: 3 },
    });
    expect(res.body.error.message).toContain(p.name);
    expect((await checkout(app, { ...one(p.id, 3), email: 'order-cap@example.com' })).status).toBe(201);
  });

  it('per buyer: held and paid units of the same normalised email count; details say what is left', async () => {
    const p = await makeCappedProduct(app, { maxPerBuyer: 3 });
    const first = await checkout(app, { ...one(p.id, 2), email: 'Aiko.Tanaka@gmail.com' });
    expect(first.status).toBe(201);
    // A Gmail alias of the same mailbox, while the first checkout still holds its 2 units.
    const second = await checkout(app, { ...one(p.id, 2), email: 'aikotanaka+drop@gmail.com' });
    expect(second.status).toBe(409);
    expect(second.body.error.details).toMatchObject({
      limit: 'max_per_buyer',
      cap: 3,
      requested: 2,
      alreadyPurchased: 2,
      remainingAllowed: 1,
    });
    expect(second.body.error.message).toMatch(/limited to 3 per customer; you can add 1 more/);
    // Paid units count the same way.
    expect(await payAs(app, first.body.sessionId, { email: 'aiko.tanaka@gmail.com' })).toBe(303);
    const [order] = await query(app, `select status, buyer_email_key from orders where id = $1`, [
      first.body.orderId,
    ]);
    expect(order).toMatchObject({ status: 'paid', buyer_email_key: 'aikotanaka@gmail.com' });
    expect((await checkout(app, { ...one(p.id, 2), email: 'AIKOTANAKA@gmail.com' })).status).toBe(409);
    expect((await checkout(app, { ...one(p.id, 1), email: 'aikotanaka@gmail.com' })).status).toBe(201);
    // Someone else is not affected.
    expect((await checkout(app, { ...one(p.id, 3), email: 'someone@example.com' })).status).toBe(201);
  });

  it('racing checkouts of one email with different carts: the cap holds (advisory lock per product and email)', async () => {
    const p = await makeCappedProduct(app, { maxPerBuyer: 2 });
    const other = await makeCappedProduct(app, {});
    const carts = [1, 2, 1, 1, 2, 1, 1, 1, 2, 1].map((q, i) => ({
      items: [{ productId: p.id, quantity: q }, ...(i % 2 ? [{ productId: other.id, quantity: 1 }] : [])],
      email: 'racer@example.com',
    }));
    const results = await Promise.all(carts.map((c) => checkout(app, c)));
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const held = results
      .map((r, i) => (r.status === 201 ? carts[i]!.items[0]!.quantity : 0))
      .reduce((a, b) => a + b, 0);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(2);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.error.code).toBe('PURCHASE_LIMIT');
  });
});

describe('kuji boards', () => {
  it('caps tickets per buyer per board, at checkout and at payment', async () => {
    const { product } = await makeKujiProduct(app.database.db, {
      prizes: SMALL_BOARD,
      product: { maxPerBuyer: 3 },
    });
    const first = await checkout(app, { ...one(product.id, 2), email: 'kuji@example.com' });
    expect(first.status).toBe(201);
    const over = await checkout(app, { ...one(product.id, 2), email: 'kuji@example.com' });
    expect(over.status).toBe(409);
    expect(over.body.error.details).toMatchObject({ cap: 3, alreadyPurchased: 2, remainingAllowed: 1 });
    const decoy = await checkout(app, { ...one(product.id, 2), email: 'kuji-decoy@example.com' });
    expect(decoy.status).toBe(201);
    await payAs(app, first.body.sessionId, { email: 'kuji@example.com', card: '378282246310005' });
    await payAs(app, decoy.body.sessionId, { email: 'kuji@example.com', card: '378282246310005' });
    const [parked] = await query(app, `select status, attention_reason from orders where id = $1`, [
      decoy.body.orderId,
    ]);
    expect(parked).toMatchObject({ status: 'paid_needs_attention' });
    expect(String(parked!.attention_reason)).toMatch(/^purchase_limit/);
    // Its tickets never reached the draw log.
    const lines = await query(app, `select 1 from tickets where order_id = $1`, [decoy.body.orderId]);
    expect(lines).toHaveLength(0);
  });
});

describe('finalisation caps (the identity Stripe collected)', () => {
  it('one card under several emails: the over-cap payment is parked, its stock released, the shop alerted', async () => {
    const p = await makeCappedProduct(app, { maxPerBuyer: 2 }, 10);
    const card = '5555555555554444';
    const orders: string[] = [];
    for (const [i, email] of ['c1@example.com', 'c2@example.com', 'c3@example.com'].entries()) {
      const res = await checkout(app, { ...one(p.id), email });
      expect(res.status).toBe(201);
      expect(await payAs(app, res.body.sessionId, { email, card, street: `${i + 1} Card Street` })).toBe(303);
      orders.push(res.body.orderId);
    }
    const rows = await query(
      app,
      `select id, status, attention_reason, buyer_card_fingerprint from orders where id = any($1) order by paid_at`,
      [orders],
    );
    expect(rows.map((r) => r.status)).toEqual(['paid', 'paid', 'paid_needs_attention']);
    expect(new Set(rows.map((r) => r.buyer_card_fingerprint)).size).toBe(1);
    expect(rows[2]!.attention_reason).toMatch(/^purchase_limit: .*same card/);
    const [inv] = await query(app, `select on_hand, reserved from product_inventory where product_id = $1`, [
      p.id,
    ]);
    expect(inv).toEqual({ on_hand: 8, reserved: 0 });
    const alerts = await query(app, `select kind from email_outbox where order_id = $1`, [orders[2]]);
    expect(alerts.map((a) => a.kind)).toEqual(['shop_alert']); // no refund: the setting is off by default
    // A retry of the finalisation cannot bypass the cap.
    const retry = await admin.call('POST', `/admin/orders/${orders[2]}/retry-finalisation`);
    expect(retry.status).toBe(409);
  });

  it('one shipping address under several emails and cards is one buyer', async () => {
    const p = await makeCappedProduct(app, { maxPerBuyer: 1 });
    const a = await checkout(app, { ...one(p.id), email: 'door1@example.com' });
    const b = await checkout(app, { ...one(p.id), email: 'door2@example.com' });
    await payAs(app, a.body.sessionId, {
      email: 'door1@example.com',
      card: '4242424242424242',
      street: '9 Same Rd',
    });
    await payAs(app, b.body.sessionId, {
      email: 'door2@example.com',
      card: '378282246310005',
      street: '9 same road',
    });
    const [order] = await query(app, `select status, attention_reason from orders where id = $1`, [
      b.body.orderId,
    ]);
    expect(order).toMatchObject({ status: 'paid_needs_attention' });
    expect(order!.attention_reason).toMatch(/same address/);
  });

  it('auto-refund (shop setting): parked, refunded exactly once, the buyer told why', async () => {
    expect((await admin.call('PUT', '/admin/settings/purchase-limits', { autoRefund: true })).status).toBe(
      200,
    );
    try {
      const p = await makeCappedProduct(app, { maxPerBuyer: 1 });
      const a = await checkout(app, { ...one(p.id), email: 'decoy@example.com' });
      const b = await checkout(app, { ...one(p.id), email: 'other@example.com' });
      // Both pay as the same person (the email Stripe collected decides, not the checkout prefill).
      await payAs(app, a.body.sessionId, {
        email: 'real@example.com',
        card: '4000056655665556',
        street: '1 A St',
      });
      await payAs(app, b.body.sessionId, {
        email: 'Real@Example.com',
        card: '5555555555554444',
        street: '2 B St',
      });
      const refunded = await eventually(async () => {
        const [o] = await query(app, `select status from orders where id = $1`, [b.body.orderId]);
        return o?.status === 'refunded';
      });
      expect(refunded).toBe(true);
      const [order] = await query(app, `select attention_reason from orders where id = $1`, [b.body.orderId]);
      expect(order!.attention_reason).toMatch(/^purchase_limit: .*same email/);
      // Again (a retry, a duplicate): the derived key replays, the provider is not asked twice.
      await refundOverCapOrder(app.deps, b.body.orderId);
      const refunds = await query(app, `select amount_cents from payment_refunds where order_id = $1`, [
        b.body.orderId,
      ]);
      expect(refunds).toHaveLength(1);
      const kinds = (
        await query(app, `select kind from email_outbox where order_id = $1`, [b.body.orderId])
      ).map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['shop_alert', 'purchase_limit', 'refund']));
      expect(kinds.filter((k) => k === 'purchase_limit')).toHaveLength(1);
      const [first] = await query(app, `select status from orders where id = $1`, [a.body.orderId]);
      expect(first!.status).toBe('paid');
    } finally {
      await admin.call('PUT', '/admin/settings/purchase-limits', { autoRefund: false });
    }
  });
});

describe('auto-refund recovery', () => {
  it('an over-cap order whose refund did not happen (provider down, crash) is refunded by the sweep, once', async () => {
    expect((await admin.call('PUT', '/admin/settings/purchase-limits', { autoRefund: true })).status).toBe(
      200,
    );
    const payments = app.deps.payments;
    const createRefund = payments.createRefund.bind(payments);
    try {
      const p = await makeCappedProduct(app, { maxPerBuyer: 1 });
      const a = await checkout(app, { ...one(p.id), email: 'sweep@example.com' });
      const b = await checkout(app, { ...one(p.id), email: 'sweep-alias@example.com' });
      await payAs(app, a.body.sessionId, {
        email: 'sweep@example.com',
        card: '4242424242424242',
        street: '7 X St',
      });
      payments.createRefund = () => Promise.reject(new Error('provider down'));
      await payAs(app, b.body.sessionId, {
        email: 'sweep@example.com',
        card: '4242424242424242',
        street: '7 X St',
      });
      const [parked] = await query(app, `select status from orders where id = $1`, [b.body.orderId]);
      expect(parked!.status).toBe('paid_needs_attention');
      expect(
        await query(app, `select 1 from payment_refunds where order_id = $1`, [b.body.orderId]),
      ).toHaveLength(0);

      payments.createRefund = createRefund;
      expect(await refundPendingOverCapOrders(app.deps)).toBe(1);
      expect(await refundPendingOverCapOrders(app.deps)).toBe(0);
      expect(
        await query(app, `select 1 from payment_refunds where order_id = $1`, [b.body.orderId]),
      ).toHaveLength(1);
      const [after] = await query(app, `select status from orders where id = $1`, [b.body.orderId]);
      expect(after!.status).toBe('refunded');
    } finally {
      payments.createRefund = createRefund;
      await admin.call('PUT', '/admin/settings/purchase-limits', { autoRefund: false });
    }
  });
});

describe('sybil guards', () => {
  it('per-email and per-IP limits on capped checkouts (shared counters), uncapped carts untouched', async () => {
    const previous = app.deps.config.purchaseCaps;
    app.deps.config.purchaseCaps = {
      rateLimits: {
        perEmail: { limit: 2, windowMs: 60_000 },
        perIp: { limit: 4, windowMs: 60_000 },
      },
    };
    try {
      const p = await makeCappedProduct(app, { maxPerBuyer: 50 });
      const free = await makeCappedProduct(app, {});
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await checkout(app, { ...one(p.id), email: 'bot@example.com' })).status);
      expect(statuses).toEqual([201, 201, 429]);
      const limited = await checkout(app, { ...one(p.id), email: 'bot@example.com' });
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      // The IP budget (4) is spent by now whatever the email; an uncapped cart is not counted.
      expect((await checkout(app, { ...one(p.id), email: 'fresh@example.com' })).status).toBe(429);
      expect((await checkout(app, one(free.id))).status).toBe(201);
    } finally {
      app.deps.config.purchaseCaps = previous;
    }
  });
});

describe('challenge (Cloudflare Turnstile)', () => {
  let fake: Server;
  let turnstile: TestApp;
  beforeAll(async () => {
    const used = new Set<string>();
    fake = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const token = new URLSearchParams(body).get('response') ?? '';
        const ok = token.startsWith('pass-') && !used.has(token);
        used.add(token);
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify(ok ? { success: true, challenge_ts: new Date().toISOString() } : { success: false }),
        );
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const challenge: ChallengePort = turnstileChallenge({
      secretKey: 'secret',
      siteverifyUrl: `http://127.0.0.1:${(fake.address() as AddressInfo).port}/siteverify`,
      clock: { now: () => new Date() },
    });
    turnstile = await startTestApp({ deps: { challenge } });
  });
  afterAll(async () => {
    await turnstile?.close();
    await new Promise<void>((resolve) => fake.close(() => resolve()));
  });

  it('a capped checkout needs a valid, unused token; uncapped carts need none', async () => {
    const p = await makeCappedProduct(turnstile, { maxPerBuyer: 5 });
    const free = await makeCappedProduct(turnstile, {});
    const email = 'human@example.com';
    const missing = await checkout(turnstile, { ...one(p.id), email });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('CHALLENGE_REQUIRED');
    const bad = await checkout(turnstile, { ...one(p.id), email, challengeToken: 'bot' });
    expect(bad.status).toBe(403);
    expect(bad.body.error.code).toBe('CHALLENGE_FAILED');
    expect((await checkout(turnstile, { ...one(p.id), email, challengeToken: 'pass-1' })).status).toBe(201);
    const reused = await checkout(turnstile, { ...one(p.id), email, challengeToken: 'pass-1' });
    expect(reused.status).toBe(403);
    expect(reused.body.error.details).toMatchObject({ reason: 'reused' });
    expect((await checkout(turnstile, one(free.id))).status).toBe(201);
  });
});
