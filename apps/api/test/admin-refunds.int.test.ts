import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { adminClient, type AdminClient } from './support/admin.js';
import { guestCookie } from './support/guest.js';
import {
  inventoryOf,
  orderOf,
  paidCheckout,
  postCheckout,
  postWebhook,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';
import { dealKujiDrawsNow, makeKujiProduct } from '@popbox/domain/testing';

/**
 * B14 refunds with F3/F9 over REST, through the real `stripe` SDK against the fake Stripe server: one
 * Stripe refund per Idempotency-Key, partial refunds within the remainder, the drawn-kuji rule, ticket voiding,
 * Stripe's status followed (also from webhooks), the refund email only on success, and the bookkeeping
 * failure path. Prices: a 4000 product + 1200 shipping → 5200 paid.
 */
let h: CheckoutHarness;
let admin: AdminClient;

beforeAll(async () => {
  h = await startCheckoutHarness();
  admin = await adminClient(h.app);
});
afterAll(() => h?.close());
beforeEach(() => {
  h.stripe.refundStatus = 'succeeded';
  h.stripe.failRefund = 0;
  h.stripe.refundDelayMs = 0;
  h.stripe.failList = 0;
});

const db = () => h.app.database.db;

async function paidOrder(quantity = 1) {
  const p = await makeProduct(db(), { product: { priceCents: 4000 }, inventory: { onHand: 10 } });
  const paid = await paidCheckout(h, [{ productId: p.id, quantity }]);
  return { ...paid, productId: p.id };
}

async function paidKujiOrder(draws = 2) {
  const kuji = await makeKujiProduct(db(), {
    product: { priceCents: 1500 },
    prizes: [
      { code: 'A1', quantity: 3 },
      { code: 'B1', quantity: 7 },
    ],
  });
  const paid = await paidCheckout(h, [{ productId: kuji.product.id, quantity: draws }]);
  await dealKujiDrawsNow(db());
  return { ...paid, kuji };
}

const refund = (orderId: string, body: Record<string, unknown> = {}, key: string | null = randomUUID()) =>
  admin.call('POST', `/admin/orders/${orderId}/refund`, body, key === null ? {} : { 'idempotency-key': key });

const stripeRefundCalls = () => h.stripe.calls.filter((c) => c.method === 'POST' && c.path === '/v1/refunds');
const refundRows = (orderId: string) =>
  db().query.paymentRefunds.findMany({ where: (t, { eq }) => eq(t.orderId, orderId) });
const refundEmails = async (orderId: string) =>
  (await orderOf(db(), orderId)).emails.filter((e) => e.kind === 'refund');

describe('POST /api/v1/admin/orders/{id}/refund (B14, F9)', () => {
  it('makes one Stripe refund, one record and one email for ten concurrent requests with one key', async () => {
    const { orderId, paymentIntentId } = await paidOrder();
    const before = stripeRefundCalls().length;
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => refund(orderId, {}, key)));

    const statuses = results.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    for (const busy of results.filter((r) => r.status === 409)) {
      expect(busy.body.error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    }
    expect(stripeRefundCalls().length - before).toBe(1);
    expect([...h.stripe.refunds.values()].filter((r) => r.payment_intent === paymentIntentId)).toHaveLength(
      1,
    );
    const rows = await refundRows(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amountCents: 5200, status: 'succeeded' });
    expect(await refundEmails(orderId)).toHaveLength(1);

    const { order, payment } = await orderOf(db(), orderId);
    expect(order.status).toBe('refunded');
    expect(order.refundedAt).not.toBeNull();
    expect(payment).toMatchObject({ status: 'refunded', refundedAmountCents: 5200 });

    // Later retries with the same key replay the first answer without touching Stripe.
    const replay = await fetch(`${h.app.url}/api/v1/admin/orders/${orderId}/refund`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: '{}',
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await replay.json()) as { status: string }).toMatchObject({ status: 'refunded' });
    expect(stripeRefundCalls().length - before).toBe(1);
  });

  it('tells a concurrent duplicate to retry later (409 + Retry-After)', async () => {
    const { orderId } = await paidOrder();
    h.stripe.refundDelayMs = 300;
    const key = randomUUID();
    const first = refund(orderId, {}, key);
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${h.app.url}/api/v1/admin/orders/${orderId}/refund`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: '{}',
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await first).status).toBe(200);
  });

  it('makes two partial refunds of equal amounts with different keys, then refuses one beyond the remainder', async () => {
    const { orderId } = await paidOrder();
    const before = stripeRefundCalls().length;
    const a = await refund(orderId, { amountCents: 2000, reason: 'damaged box' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'paid', payment: { refundedAmountCents: 2000, status: 'paid' } });
    const b = await refund(orderId, { amountCents: 2000 });
    expect(b.status).toBe(200);
    expect(b.body.refunds).toHaveLength(2);
    expect(b.body.refunds.map((r: { amountCents: number }) => r.amountCents)).toEqual([2000, 2000]);

    const c = await refund(orderId, { amountCents: 2000 });
    expect(c.status).toBe(409);
    expect(c.body.error).toMatchObject({ code: 'REFUND_NOT_ALLOWED', details: { remainingCents: 1200 } });
    expect(stripeRefundCalls().length - before).toBe(2);

    const { order, payment } = await orderOf(db(), orderId);
    expect(order).toMatchObject({ status: 'paid', refundedAt: null });
    expect(payment).toMatchObject({ status: 'paid', refundedAmountCents: 4000 });
    const rows = await refundRows(orderId);
    expect(rows.map((r) => r.reason).sort()).toEqual(['damaged box', null].sort());
    const emails = await refundEmails(orderId);
    expect(emails).toHaveLength(2);
    expect(emails.every((e) => /partial refund/.test(e.text))).toBe(true);

    // No amount: the whole remainder, which completes the refund.
    const rest = await refund(orderId);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({
      status: 'refunded',
      payment: { status: 'refunded', refundedAmountCents: 5200 },
    });
    const last = (await refundEmails(orderId)).find((e) => /full refund/.test(e.text));
    expect(last?.text).toContain('$12.00');
  });

  it('never refunds more than was paid when refunds with different keys race', async () => {
    const { orderId, paymentIntentId } = await paidOrder();
    h.stripe.refundDelayMs = 50;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => refund(orderId, { amountCents: 2000 })),
    );
    const ok = results.filter((r) => r.status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(['ORDER_BUSY', 'REFUND_NOT_ALLOWED']).toContain(r.body.error.code);
    }
    const atStripe = [...h.stripe.refunds.values()].filter((r) => r.payment_intent === paymentIntentId);
    expect(atStripe).toHaveLength(ok);
    expect(await refundRows(orderId)).toHaveLength(ok);
    const { payment } = await orderOf(db(), orderId);
    expect(payment.refundedAmountCents).toBe(2000 * ok);
    expect(payment.refundedAmountCents).toBeLessThanOrEqual(5200);

    // Sequentially, the remainder decides: one more 2000 fits only if a single one got through.
    h.stripe.refundDelayMs = 0;
    const next = await refund(orderId, { amountCents: 2000 });
    expect(next.status).toBe(ok === 1 ? 200 : 409);
  });

  it('requires an Idempotency-Key and binds it to the request', async () => {
    const { orderId } = await paidOrder();
    const before = stripeRefundCalls().length;
    const missing = await refund(orderId, { amountCents: 100 }, null);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');

    const key = randomUUID();
    expect((await refund(orderId, { amountCents: 100 }, key)).status).toBe(200);
    const reused = await refund(orderId, { amountCents: 200 }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(stripeRefundCalls().length - before).toBe(1);
  });

  it('validates the body: a positive JSON integer amount, unknown fields refused', async () => {
    const { orderId } = await paidOrder();
    for (const body of [{ amountCents: 0 }, { amountCents: '100' }, { amountCents: 1.5 }, { extra: 1 }]) {
      const res = await refund(orderId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses unpaid and unknown orders', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    const pending = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
    const { orderId } = (await pending.json()) as { orderId: string };
    const res = await refund(orderId);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('REFUND_NOT_ALLOWED');
    expect((await refund(randomUUID())).status).toBe(404);
  });

  it('refuses to refund drawn kuji lines without force (409 REFUND_EXCEEDS_REFUNDABLE), without calling Stripe', async () => {
    const { orderId } = await paidKujiOrder(2);
    await sql(
      h.app,
      `update tickets set revealed_at = now() where id = (select id from tickets where order_id = $1 limit 1)`,
      [orderId],
    );
    const before = stripeRefundCalls().length;
    // Only the shipping (1200) is refundable once the draws are made, revealed or not.
    const res = await refund(orderId, { amountCents: 1201 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
    expect(res.body.error.details).toMatchObject({ availableCents: 1200, requestedCents: 1201 });
    expect(stripeRefundCalls().length).toBe(before);
    expect(await refundRows(orderId)).toHaveLength(0);
  });

  it('voids every ticket on a forced full refund and never restocks or returns prizes', async () => {
    const { orderId, kuji } = await paidKujiOrder(3);
    const prizesBefore = await db().query.kujiPrizes.findMany({
      where: (t, { eq }) => eq(t.productId, kuji.product.id),
    });
    const stockBefore = await inventoryOf(db(), kuji.product.id);

    const partial = await refund(orderId, { amountCents: 500 });
    expect(partial.status).toBe(200);
    expect(partial.body.tickets.every((t: { voidedAt: string | null }) => t.voidedAt === null)).toBe(true);

    const full = await refund(orderId, { forceKujiRefund: { reason: 'customer changed mind' } });
    expect(full.status).toBe(200);
    expect(full.body.status).toBe('refunded');
    expect(full.body.tickets).toHaveLength(3);
    for (const t of full.body.tickets) {
      expect(t.voidedAt).not.toBeNull();
      expect(t.voidReason).toBe('forced kuji refund: customer changed mind');
    }
    const prizesAfter = await db().query.kujiPrizes.findMany({
      where: (t, { eq }) => eq(t.productId, kuji.product.id),
    });
    expect(prizesAfter.map((p) => p.remainingQuantity)).toEqual(prizesBefore.map((p) => p.remainingQuantity));
    expect(await inventoryOf(db(), kuji.product.id)).toMatchObject({
      onHand: stockBefore.onHand,
      reserved: stockBefore.reserved,
    });
  });

  it('never restocks standard goods either', async () => {
    const { orderId, productId } = await paidOrder(2);
    const before = await inventoryOf(db(), productId);
    expect((await refund(orderId)).status).toBe(200);
    expect(await inventoryOf(db(), productId)).toMatchObject({ onHand: before.onHand, reserved: 0 });
  });

  it('records a refund Stripe reports failed: 502, no email, order and payment unchanged', async () => {
    const { orderId } = await paidOrder();
    h.stripe.refundStatus = 'failed';
    const key = randomUUID();
    const res = await refund(orderId, {}, key);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_FAILED');
    expect(res.body.error.message).toBe('The payment provider did not complete the refund');
    const rows = await refundRows(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('failed');
    expect(await refundEmails(orderId)).toHaveLength(0);
    const { order, payment } = await orderOf(db(), orderId);
    expect(order).toMatchObject({ status: 'paid', refundedAt: null });
    expect(payment).toMatchObject({ status: 'paid', refundedAmountCents: 0 });

    // One key, one Stripe refund: the failed key is not reused; a new key refunds.
    const again = await refund(orderId, {}, key);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REFUND_NOT_ALLOWED');
    h.stripe.refundStatus = 'succeeded';
    const ok = await refund(orderId);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('refunded');
  });

  it('answers 502 and records nothing when Stripe errors; a retry with the same key then refunds once', async () => {
    const { orderId } = await paidOrder();
    h.stripe.failRefund = 3; // the SDK retries twice
    const key = randomUUID();
    const res = await refund(orderId, { amountCents: 1000 }, key);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_FAILED');
    expect(res.body.error.message).toBe('The payment provider could not be reached; please try again');
    expect(await refundRows(orderId)).toHaveLength(0);
    expect((await orderOf(db(), orderId)).order.status).toBe('paid');
    expect(await refundEmails(orderId)).toHaveLength(0);

    const retry = await refund(orderId, { amountCents: 1000 }, key);
    expect(retry.status).toBe(200);
    expect(await refundRows(orderId)).toHaveLength(1);
    expect(retry.body.payment.refundedAmountCents).toBe(1000);
  });

  it('follows a pending refund to succeeded through the refund.updated webhook, emailing only then', async () => {
    const { orderId, paymentIntentId } = await paidOrder();
    h.stripe.refundStatus = 'pending';
    const res = await refund(orderId, { amountCents: 1500 });
    expect(res.status).toBe(200);
    expect(res.body.refunds[0]).toMatchObject({ status: 'pending', amountCents: 1500 });
    // Pending refunds count toward the refunded total (spec "payment_refunds").
    expect(res.body.payment.refundedAmountCents).toBe(1500);
    expect(await refundEmails(orderId)).toHaveLength(0);

    const refundId = res.body.refunds[0].providerRefundId as string;
    const updated = h.stripe.setRefundStatus(refundId, 'succeeded');
    for (let i = 0; i < 2; i++) {
      const hook = await postWebhook(h.app, h.stripe.event('refund.updated', updated));
      expect(hook.status).toBe(200);
    }
    expect((await refundRows(orderId))[0]!.status).toBe('succeeded');
    expect(await refundEmails(orderId)).toHaveLength(1);
    expect(updated.payment_intent).toBe(paymentIntentId);
  });

  it('refunds an order only once the provider reports success: a pending full refund that fails leaves it paid', async () => {
    const { orderId } = await paidOrder();
    h.stripe.refundStatus = 'pending';
    const res = await refund(orderId);
    expect(res.status).toBe(200);
    // The remainder is reserved while the refund is pending, but the order is not refunded yet.
    expect(res.body).toMatchObject({
      status: 'paid',
      payment: { status: 'paid', refundedAmountCents: 5200 },
    });

    const failed = h.stripe.setRefundStatus(res.body.refunds[0].providerRefundId, 'failed');
    expect((await postWebhook(h.app, h.stripe.event('refund.failed', failed))).status).toBe(200);
    const { order, payment } = await orderOf(db(), orderId);
    expect(order).toMatchObject({ status: 'paid', refundedAt: null, attentionReason: null });
    expect(payment).toMatchObject({ status: 'paid', refundedAmountCents: 0 });
    expect(await refundEmails(orderId)).toHaveLength(0);
  });

  it('drifts to needs-attention when a succeeded refund is later reported failed', async () => {
    const { orderId } = await paidOrder();
    const res = await refund(orderId);
    expect(res.body.status).toBe('refunded');
    const failed = h.stripe.setRefundStatus(res.body.refunds[0].providerRefundId, 'failed');
    expect((await postWebhook(h.app, h.stripe.event('refund.failed', failed))).status).toBe(200);
    const { order, payment } = await orderOf(db(), orderId);
    expect(order).toMatchObject({ status: 'paid_needs_attention', refundedAt: null });
    expect(order.attentionReason).toMatch(/^refund_drift: succeeded refunds \(0\) no longer cover/);
    expect(payment).toMatchObject({ status: 'paid', refundedAmountCents: 0 });
    // The resolution is a refund (retry-finalisation refuses this reason): it is refundable again.
    expect((await refund(orderId)).body.status).toBe('refunded');
  });

  it('syncs the aggregate for refunds made in the Stripe dashboard (charge.refunded)', async () => {
    const { orderId, paymentIntentId } = await paidOrder();
    const made = await h.app.deps.payments.createRefund({
      paymentIntentId,
      amountCents: 5200,
      idempotencyKey: `dashboard-${randomUUID()}`,
      metadata: {},
    });
    const charge = {
      id: made.chargeId,
      object: 'charge',
      payment_intent: paymentIntentId,
      amount_refunded: 5200,
    };
    expect((await postWebhook(h.app, h.stripe.event('charge.refunded', charge))).status).toBe(200);
    const { order, payment } = await orderOf(db(), orderId);
    expect(order.status).toBe('refunded');
    expect(payment).toMatchObject({ status: 'refunded', refundedAmountCents: 5200 });
    expect(await refundEmails(orderId)).toHaveLength(1);
  });

  it('holds the order while a refund is at Stripe: another refund and a ticket reveal wait their turn (409)', async () => {
    const { orderId } = await paidKujiOrder(2);
    h.stripe.refundDelayMs = 400;
    const first = refund(orderId, { amountCents: 500 });
    await new Promise((r) => setTimeout(r, 150));
    const second = await refund(orderId, { amountCents: 500 });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ORDER_BUSY');

    const { order } = await orderOf(db(), orderId);
    const publicId = order.publicId;
    const cookie = await guestCookie(h.app, order);
    const reveal = await fetch(`${h.app.url}/api/v1/orders/${publicId}/tickets/reveal-all`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(reveal.status).toBe(409);

    expect((await first).status).toBe(200);
    h.stripe.refundDelayMs = 0;
    expect((await refund(orderId, { amountCents: 500 })).status).toBe(200);
  });

  it('parks the order and answers 502 when the bookkeeping fails after Stripe refunded; reconcile repairs it', async () => {
    const { orderId } = await paidOrder();
    await h.app.database.pool.query(`
      create function fail_refund_insert() returns trigger language plpgsql as
        $$ begin raise exception 'simulated bookkeeping failure'; end $$;
      create trigger fail_refund_insert before insert on payment_refunds
        for each row execute function fail_refund_insert();`);
    try {
      const res = await refund(orderId);
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('UPSTREAM_FAILED');
    } finally {
      await h.app.database.pool.query(`drop trigger fail_refund_insert on payment_refunds;
        drop function fail_refund_insert();`);
    }
    const parked = await orderOf(db(), orderId);
    expect(parked.order.status).toBe('paid_needs_attention');
    expect(parked.order.attentionReason).toMatch(/^refund_bookkeeping_failed/);
    expect(await refundRows(orderId)).toHaveLength(0);

    const rec = await admin.call('POST', `/admin/orders/${orderId}/refund/reconcile`);
    expect(rec.status).toBe(200);
    expect(rec.body.summary).toEqual({
      stripeRefundCount: 1,
      localRefundCount: 1,
      refundedAmountCents: 5200,
      isFullyRefunded: true,
      hasRefundDrift: true,
    });
    expect(rec.body.order.status).toBe('refunded');
    expect(rec.body.refunds[0]).toMatchObject({ amountCents: 5200, status: 'succeeded', currency: 'CAD' });
    expect(await refundEmails(orderId)).toHaveLength(1);

    const again = await admin.call('POST', `/admin/orders/${orderId}/refund/reconcile`);
    expect(again.body.summary.hasRefundDrift).toBe(false);
    expect(await refundEmails(orderId)).toHaveLength(1);
  });

  it('refunds an order parked in paid_needs_attention (F5 resolution)', async () => {
    const p = await makeProduct(db(), { product: { priceCents: 4000 }, inventory: { onHand: 3 } });
    const { orderId } = await paidCheckout(h, [{ productId: p.id, quantity: 1 }], { discountCents: 100 });
    expect((await orderOf(db(), orderId)).order.status).toBe('paid_needs_attention');
    const res = await refund(orderId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'refunded', payment: { refundedAmountCents: 5100 } });
  });

  it('writes an audit row for every refund and reconciliation (F13)', async () => {
    const { orderId } = await paidOrder();
    await refund(orderId, { amountCents: 700 });
    await admin.call('POST', `/admin/orders/${orderId}/refund/reconcile`);
    const audit = await db().query.adminAuditLog.findMany({ where: (t, { eq }) => eq(t.entityId, orderId) });
    expect(audit.map((a) => a.action).sort()).toEqual(['order.refund', 'order.refund_reconcile']);
    expect(audit.every((a) => a.actorUserId === admin.userId && a.requestId)).toBe(true);
  });
});

describe('POST /api/v1/admin/orders/{id}/refund/reconcile', () => {
  it('pulls every page of Stripe refunds (100 per page) and syncs them once', async () => {
    const { orderId, paymentIntentId } = await paidOrder();
    for (let i = 0; i < 101; i++) {
      await h.app.deps.payments.createRefund({
        paymentIntentId,
        amountCents: 1,
        idempotencyKey: `page-${orderId}-${i}`,
        metadata: {},
      });
    }
    const res = await admin.call('POST', `/admin/orders/${orderId}/refund/reconcile`);
    expect(res.status).toBe(200);
    expect(res.body.summary).toMatchObject({
      stripeRefundCount: 101,
      localRefundCount: 101,
      refundedAmountCents: 101,
      isFullyRefunded: false,
      hasRefundDrift: true,
    });
    expect(res.body.refunds).toHaveLength(101);
    expect(res.body.order.refunds).toHaveLength(101);
  });

  it('answers 409 for an order without a payment and 502 when Stripe cannot list refunds', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    const pending = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
    const { orderId } = (await pending.json()) as { orderId: string };
    const res = await admin.call('POST', `/admin/orders/${orderId}/refund/reconcile`);
    expect(res.status).toBe(409);

    const paid = await paidOrder();
    h.stripe.failList = 3; // the SDK retries twice
    const failed = await admin.call('POST', `/admin/orders/${paid.orderId}/refund/reconcile`);
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('UPSTREAM_FAILED');
    const clean = await admin.call('POST', `/admin/orders/${paid.orderId}/refund/reconcile`);
    expect(clean.status).toBe(200);
    expect(clean.body.summary).toMatchObject({
      stripeRefundCount: 0,
      localRefundCount: 0,
      hasRefundDrift: false,
    });
  });
});
