import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { fixedClock } from '@popbox/domain';
import { json } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { inventoryOf, orderOf, postCheckout, startCheckoutHarness } from './support/checkout.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(); // the embedded default: the local payment simulator
});
afterAll(() => app?.close());

const db = () => app.database.db;

async function checkout(onHand = 3, quantity = 1, extra: Record<string, unknown> = {}) {
  const p = await makeProduct(db(), {
    product: { name: 'Sticker <b>sheet</b>', priceCents: 1500 },
    inventory: { onHand },
  });
  const res = await postCheckout(app, { items: [{ productId: p.id, quantity }], ...extra });
  expect(res.status).toBe(201);
  return {
    productId: p.id,
    ...((await json(res)) as { orderId: string; sessionId: string; publicId: string; checkoutUrl: string }),
  };
}

const post = (path: string) => fetch(`${app.url}${path}`, { method: 'POST', redirect: 'manual' });

describe('local payment simulator', () => {
  it('serves a checkout page for the session with the order, Pay and Cancel (values escaped)', async () => {
    const { checkoutUrl, sessionId, publicId } = await checkout(3, 2, {
      email: 'mika@example.com',
      name: 'Mika',
    });
    expect(checkoutUrl).toBe(`${app.url}/dev/checkout/${sessionId}`);
    const res = await fetch(checkoutUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self' http://shop.test");
    const html = await res.text();
    expect(html).toContain(publicId);
    expect(html).toContain('Sticker &lt;b&gt;sheet&lt;/b&gt;');
    expect(html).toContain('value="mika@example.com"');
    // Which dollars: the total says CA$, never a bare "$" (issue 15).
    expect(html).toMatch(/<strong>CA\$\d+\.\d\d<\/strong>/);
    expect(html).not.toMatch(/>\$\d/);
    expect(html).toMatch(/id="pay"/);
    expect(html).toMatch(/id="cancel"/);
    expect((await fetch(`${app.url}/dev/checkout/cs_sim_unknown`)).status).toBe(404);
  });

  it('pays through the real webhook: 303 to the success URL with the session id, order paid', async () => {
    const { orderId, sessionId, productId } = await checkout(3, 2);
    const res = await post(`/dev/checkout/${sessionId}/pay`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`http://shop.test/success?session_id=${sessionId}`);
    const state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('paid');
    expect(state.payment.status).toBe('paid');
    expect(state.order.customerDetailsJson?.email).toBe('buyer@example.com');
    expect(await inventoryOf(db(), productId)).toMatchObject({ onHand: 1, reserved: 0 });
    const events = await db().query.stripeWebhookEvents.findMany();
    expect(events.some((e) => e.eventType === 'checkout.session.completed' && e.status === 'processed')).toBe(
      true,
    );

    const twice = await post(`/dev/checkout/${sessionId}/pay`);
    expect(twice.status).toBe(409);
    expect((await post('/dev/checkout/cs_sim_unknown/pay')).status).toBe(404);
  });

  it('simulates a delayed method that succeeds later (?async=1)', async () => {
    const { orderId, sessionId } = await checkout();
    const res = await post(`/dev/checkout/${sessionId}/pay?async=1`);
    expect(res.status).toBe(303);
    expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');
    await expect.poll(async () => (await orderOf(db(), orderId)).order.status).toBe('paid');
  });

  it('simulates a delayed method that fails later (?async=fail)', async () => {
    const { orderId, sessionId, productId } = await checkout(3, 2);
    expect((await post(`/dev/checkout/${sessionId}/pay?async=fail`)).status).toBe(303);
    await expect.poll(async () => (await orderOf(db(), orderId)).order.status).toBe('cancelled');
    expect((await orderOf(db(), orderId)).payment.status).toBe('failed');
    expect(await inventoryOf(db(), productId)).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('cancels: the session expires, the order expires and its stock is released', async () => {
    const { orderId, sessionId, productId } = await checkout(3, 2);
    const res = await post(`/dev/checkout/${sessionId}/cancel`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('http://shop.test/cart');
    expect((await orderOf(db(), orderId)).order.status).toBe('expired');
    expect(await inventoryOf(db(), productId)).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('refunds and lists refunds, announcing them to the webhook', async () => {
    const { orderId, sessionId } = await checkout();
    await post(`/dev/checkout/${sessionId}/pay`);
    const pi = (await orderOf(db(), orderId)).order.stripePaymentIntentId!;
    const refund = await app.deps.payments.createRefund({
      paymentIntentId: pi,
      amountCents: 500,
      idempotencyKey: 'k1',
      metadata: {},
    });
    expect(refund).toMatchObject({ status: 'succeeded', amountCents: 500, paymentIntentId: pi });
    expect(await app.deps.payments.listRefunds(pi)).toHaveLength(1);
    await expect
      .poll(
        async () =>
          (await db().query.paymentRefunds.findMany({ where: (t, { eq }) => eq(t.orderId, orderId) })).length,
      )
      .toBe(1);
  });

  it('expires sessions on request like Stripe does (F6)', async () => {
    const { sessionId, orderId } = await checkout();
    expect(await app.deps.payments.expireCheckoutSession(sessionId)).toBe('expired');
    expect(await app.deps.payments.expireCheckoutSession(sessionId)).toBe('not_open');
    expect(await app.deps.payments.expireCheckoutSession('cs_sim_nope')).toBe('not_found');
    await expect.poll(async () => (await orderOf(db(), orderId)).order.status).toBe('expired');
  });
});

describe('local payment simulator: session lifetime', () => {
  it('expires an open session past its expires_at, like Stripe, and announces it', async () => {
    const past = await startTestApp({ clock: fixedClock(new Date(Date.now() - 60 * 60_000)) });
    try {
      const p = await makeProduct(past.database.db, { inventory: { onHand: 2 } });
      const created = await json(await postCheckout(past, { items: [{ productId: p.id, quantity: 1 }] }));
      const page = await (await fetch(created.checkoutUrl)).text();
      expect(page).toContain('<strong>expired</strong>');
      const pay = await fetch(`${past.url}/dev/checkout/${created.sessionId}/pay`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(pay.status).toBe(409);
      await expect
        .poll(async () => (await orderOf(past.database.db, created.orderId)).order.status)
        .toBe('expired');
    } finally {
      await past.close();
    }
  });
});

describe('/dev routes with Stripe configured', () => {
  it('does not exist', async () => {
    const h = await startCheckoutHarness();
    try {
      const res = await fetch(`${h.app.url}/dev/checkout/cs_test_x`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('ROUTE_NOT_FOUND');
      const doc = await json(await fetch(`${h.app.url}/api/v1/openapi.json`));
      expect(doc.paths).not.toHaveProperty(['/dev/checkout/{sessionId}']);
      expect(doc.paths).toHaveProperty(['/api/v1/webhooks/stripe']);
    } finally {
      await h.close();
    }
  });
});
