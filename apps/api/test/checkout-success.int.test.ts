import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import {
  startCheckoutHarness,
  postCheckout,
  postWebhook,
  sql,
  type CheckoutHarness,
} from './support/checkout.js';
import { json } from './support/http.js';
import { adminClient } from './support/admin.js';

/** B4: the success page polls; only a verified webhook ever changes the order (security rule 1). */
let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(() => h?.close());

const success = (sessionId: string, cookie?: string) =>
  fetch(`${h.app.url}/api/v1/checkout/success?session_id=${encodeURIComponent(sessionId)}`, {
    headers: cookie ? { cookie } : {},
  });

async function checkout(quantity = 1) {
  const product = await makeProduct(h.app.database.db, {
    product: { priceCents: 3000 },
    inventory: { onHand: 5 },
  });
  const res = await postCheckout(h.app, { items: [{ productId: product.id, quantity }] });
  expect(res.status).toBe(201);
  return (await json(res)) as { sessionId: string; orderId: string; publicId: string };
}

const statusOf = async (orderId: string) =>
  (await sql(h.app, 'SELECT status FROM orders WHERE id = $1', [orderId]))[0]!.status;

describe('GET /api/v1/checkout/success', () => {
  it('requires session_id and answers 404 for an unknown session', async () => {
    const missing = await fetch(`${h.app.url}/api/v1/checkout/success`);
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.details.fields).toHaveProperty('session_id');
    const unknown = await success('cs_test_does_not_exist');
    expect(unknown.status).toBe(404);
  });

  it('answers 409 NOT_PAID while the session is unpaid, without a cookie', async () => {
    const { sessionId } = await checkout();
    const res = await success(sessionId);
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('NOT_PAID');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('answers 202 while the payment awaits the webhook, and never marks the order paid itself', async () => {
    const { sessionId, orderId } = await checkout();
    h.stripe.complete(sessionId);
    const res = await success(sessionId);
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ pending: true, retryable: true });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await statusOf(orderId)).toBe('pending_payment');
  });

  it('answers 200 with the masked order view and the guest cookie once the webhook finalised it', async () => {
    const { sessionId, orderId, publicId } = await checkout(2);
    const event = h.stripe.event('checkout.session.completed', h.stripe.complete(sessionId));
    expect((await postWebhook(h.app, event)).status).toBe(200);
    const res = await success(sessionId);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      pending: false,
      publicId,
      orderUrl: `http://shop.test/orders/${publicId}`,
      clientOrderUrl: `http://shop.test/orders/${publicId}`,
      needsAttention: false,
      order: { id: orderId, status: 'paid' },
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('guest_order_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    const view = await fetch(`${h.app.url}/api/v1/orders/${publicId}`, {
      headers: { cookie: cookie!.split(';')[0]! },
    });
    expect(view.status).toBe(200);
  });

  it('keeps earlier orders in the cookie when a second order succeeds in the same browser', async () => {
    const first = await checkout();
    await postWebhook(
      h.app,
      h.stripe.event('checkout.session.completed', h.stripe.complete(first.sessionId)),
    );
    const cookie1 = (await success(first.sessionId)).headers.getSetCookie()[0]!.split(';')[0]!;
    const second = await checkout();
    await postWebhook(
      h.app,
      h.stripe.event('checkout.session.completed', h.stripe.complete(second.sessionId)),
    );
    const cookie2 = (await success(second.sessionId, cookie1)).headers.getSetCookie()[0]!.split(';')[0]!;
    for (const publicId of [first.publicId, second.publicId]) {
      expect(
        (await fetch(`${h.app.url}/api/v1/orders/${publicId}`, { headers: { cookie: cookie2 } })).status,
      ).toBe(200);
    }
  });

  it('reports needsAttention for a paid order parked by a failed safety check', async () => {
    const { sessionId } = await checkout();
    const event = h.stripe.event(
      'checkout.session.completed',
      h.stripe.complete(sessionId, { discountCents: 500 }),
    );
    expect((await postWebhook(h.app, event)).status).toBe(200);
    const body = await json(await success(sessionId));
    expect(body).toMatchObject({
      pending: false,
      needsAttention: true,
      order: { status: 'paid_needs_attention' },
    });
  });
});

describe('GET /api/v1/checkout/success: the session id grants the order only briefly (issue 11 item 13)', () => {
  async function paidOrder() {
    const placed = await checkout();
    const event = h.stripe.event('checkout.session.completed', h.stripe.complete(placed.sessionId));
    expect((await postWebhook(h.app, event)).status).toBe(200);
    return placed;
  }
  const paidMinutesAgo = (orderId: string, minutes: number) =>
    sql(h.app, `UPDATE orders SET paid_at = now() - make_interval(mins => $2) WHERE id = $1`, [
      orderId,
      minutes,
    ]);

  async function expectRefused(res: Response, publicId: string) {
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('guest_order_session='))).toBe(false);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 'ORDER_ACCESS_DENIED', status: 401 });
    expect(text).not.toContain(publicId); // no order details
  }

  it('grants no cookie and returns no order once staff revoked the order link', async () => {
    const { sessionId, orderId, publicId } = await paidOrder();
    expect((await success(sessionId)).status).toBe(200);
    const admin = await adminClient(h.app);
    expect((await admin.call('POST', `/admin/orders/${orderId}/access-link`, {})).status).toBe(200);
    await expectRefused(await success(sessionId), publicId);
  });

  it('grants no cookie once the access window after payment has passed', async () => {
    const { sessionId, orderId, publicId } = await paidOrder();
    await paidMinutesAgo(orderId, 61);
    await expectRefused(await success(sessionId), publicId);
  });

  it('still grants the cookie within the window when the link was never revoked', async () => {
    const { sessionId, orderId, publicId } = await paidOrder();
    await paidMinutesAgo(orderId, 59);
    const res = await success(sessionId);
    expect(res.status).toBe(200);
    expect((await json(res)).publicId).toBe(publicId);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('guest_order_session='))).toBe(true);
  });
});
