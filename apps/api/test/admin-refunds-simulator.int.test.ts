import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { adminClient, type AdminClient } from './support/admin.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { orderOf, postCheckout } from './support/checkout.js';

/** The embedded default (no Stripe configured): admin refunds work end to end against the local simulator. */
let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const db = () => app.database.db;

async function paidWithSimulator() {
  const p = await makeProduct(db(), { product: { priceCents: 3000 }, inventory: { onHand: 5 } });
  const res = await postCheckout(app, { items: [{ productId: p.id, quantity: 1 }] });
  const { orderId, sessionId } = (await res.json()) as { orderId: string; sessionId: string };
  expect(
    (await fetch(`${app.url}/dev/checkout/${sessionId}/pay`, { method: 'POST', redirect: 'manual' })).status,
  ).toBe(303);
  await expect.poll(async () => (await orderOf(db(), orderId)).order.status).toBe('paid');
  return orderId;
}

const refund = (orderId: string, body: Record<string, unknown>, key = randomUUID()) =>
  admin.call('POST', `/admin/orders/${orderId}/refund`, body, { 'idempotency-key': key });

describe('admin refunds with the local payment simulator', () => {
  it('refunds partially then fully; the simulator webhooks change nothing further', async () => {
    const orderId = await paidWithSimulator();
    const key = randomUUID();
    const partial = await refund(orderId, { amountCents: 1000 }, key);
    expect(partial.status).toBe(200);
    expect(partial.body.payment).toMatchObject({ refundedAmountCents: 1000, status: 'paid' });
    // Same key again: the simulator, like Stripe, gives the same refund back (and we replay).
    expect((await refund(orderId, { amountCents: 1000 }, key)).status).toBe(200);
    // The simulator announces the refund with a webhook; while it is applied the order is busy (409
    // ORDER_BUSY, as spec'd for concurrent order actions), so the next refund waits for it.
    await expect
      .poll(
        async () =>
          (await db().query.stripeWebhookEvents.findMany()).filter(
            (e) => e.eventType === 'charge.refunded' && e.status === 'processed',
          ).length,
      )
      .toBe(1);

    const rest = await refund(orderId, {});
    expect(rest.status).toBe(200);
    expect(rest.body.status).toBe('refunded');
    expect(rest.body.payment).toMatchObject({ refundedAmountCents: 4200, status: 'refunded' });

    // The simulator announces each refund with a signed charge.refunded event: delivered, recorded once.
    await expect
      .poll(
        async () =>
          (await db().query.stripeWebhookEvents.findMany()).filter((e) => e.eventType === 'charge.refunded')
            .length,
      )
      .toBe(2);
    const state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('refunded');
    expect(state.emails.filter((e) => e.kind === 'refund')).toHaveLength(2);
    const rows = await db().query.paymentRefunds.findMany({ where: (t, { eq }) => eq(t.orderId, orderId) });
    expect(rows.map((r) => r.amountCents).sort()).toEqual([1000, 3200]);

    const rec = await admin.call('POST', `/admin/orders/${orderId}/refund/reconcile`);
    expect(rec.body.summary).toMatchObject({
      stripeRefundCount: 2,
      localRefundCount: 2,
      hasRefundDrift: false,
    });
  });

  it('refuses more than was paid at the simulator too', async () => {
    const orderId = await paidWithSimulator();
    const res = await refund(orderId, { amountCents: 999_999 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('REFUND_NOT_ALLOWED');
  });
});
