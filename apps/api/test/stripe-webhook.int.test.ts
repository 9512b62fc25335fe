import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { json } from './support/http.js';
import type { CompleteOptions } from './support/fake-stripe.js';
import {
  activeReservedUnits,
  inventoryOf,
  orderOf,
  postCheckout,
  postWebhook,
  shuffle,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(() => h?.close());

const db = () => h.app.database.db;

async function checkout(productId: string, quantity = 1, extra: Record<string, unknown> = {}) {
  const res = await postCheckout(h.app, { items: [{ productId, quantity }], ...extra });
  expect(res.status).toBe(201);
  return (await json(res)) as { orderId: string; sessionId: string; publicId: string };
}

/** The buyer pays at Stripe; returns the `checkout.session.completed` event Stripe would send. */
function pay(sessionId: string, opts?: CompleteOptions) {
  return h.stripe.event('checkout.session.completed', h.stripe.complete(sessionId, opts));
}

async function deliver(event: unknown) {
  const res = await postWebhook(h.app, event);
  return { status: res.status, body: await json(res) };
}

/** What the reservation-expiry job does once the 10 minutes have passed. */
async function lapseHold(orderId: string) {
  await sql(
    h.app,
    `with r as (update inventory_reservations set status = 'expired'
                where order_id = $1 and status = 'active' returning product_id, quantity)
     update product_inventory i set reserved = i.reserved - r.quantity from r where i.product_id = r.product_id`,
    [orderId],
  );
  await sql(h.app, `update orders set status = 'expired', expired_at = now() where id = $1`, [orderId]);
}

const eventCount = async () =>
  Number((await sql(h.app, 'select count(*)::int as n from stripe_webhook_events'))[0]!.n);

describe('Stripe webhook: finalisation', () => {
  it('finalises a paid checkout: customer, snapshots, Stripe amounts, stock consumed, emails in the outbox', async () => {
    const p = await makeProduct(db(), {
      product: { priceCents: 4000, name: 'Plush' },
      inventory: { onHand: 5 },
    });
    const { orderId, sessionId, publicId } = await checkout(p.id, 2);
    const res = await deliver(
      pay(sessionId, {
        taxCents: 520,
        name: 'Aiko  Tanaka Mori',
        email: 'Aiko@Example.com',
        phone: '+1 403 555 0100',
      }),
    );
    expect(res).toEqual({ status: 200, body: { received: true, duplicate: false } });

    const { order, payment, reservations, emails } = await orderOf(db(), orderId);
    expect(order).toMatchObject({
      status: 'paid',
      subtotalCents: 8000,
      shippingCents: 1200,
      taxCents: 520,
      totalCents: 9720,
      currency: 'CAD',
      attentionReason: null,
      customerDetailsJson: {
        email: 'aiko@example.com',
        fullName: 'Aiko  Tanaka Mori',
        firstName: 'Aiko',
        lastName: 'Tanaka Mori',
        phone: '+1 403 555 0100',
      },
      shippingAddressJson: {
        line1: '123 Maple Street',
        province: 'AB',
        countryCode: 'CA',
        source: 'stripe_shipping_details',
      },
      billingAddressJson: { city: 'Calgary', email: 'aiko@example.com', source: 'stripe_customer_details' },
    });
    expect(order.paidAt).not.toBeNull();
    expect(order.stripePaymentIntentId).toMatch(/^pi_/);
    expect(payment).toMatchObject({
      status: 'paid',
      amountCents: 9720,
      providerPaymentIntentId: order.stripePaymentIntentId,
    });
    expect(reservations.map((r) => r.status)).toEqual(['converted']);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 3, reserved: 0 });

    const customer = await db().query.customers.findFirst({
      where: (t, { eq }) => eq(t.id, order.customerId!),
    });
    expect(customer).toMatchObject({ email: 'aiko@example.com', firstName: 'Aiko', lastName: 'Tanaka Mori' });

    expect(emails.map((e) => [e.kind, e.toEmail]).sort()).toEqual([
      ['order_confirmation', 'aiko@example.com'],
      ['shop_notification', 'orders@popbox.test'],
    ]);
    const confirmation = emails.find((e) => e.kind === 'order_confirmation')!;
    expect(confirmation.text).toContain(`http://shop.test/orders/${publicId}`);
    expect(confirmation.html).toContain(publicId);
    expect(confirmation.text).toMatch(/all sales are final/i);
    const event = await db().query.stripeWebhookEvents.findFirst();
    expect(event).toMatchObject({ status: 'processed', eventType: 'checkout.session.completed' });
  });

  it('applies each event once when every event of a paid checkout arrives 5 times, concurrently and shuffled', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 4 } });
    const { orderId, sessionId } = await checkout(p.id, 3);
    const completed = pay(sessionId);
    const session = h.stripe.sessions.get(sessionId)!;
    const others = [
      h.stripe.event('payment_intent.succeeded', { id: session.payment_intent, object: 'payment_intent' }),
      h.stripe.event('charge.succeeded', {
        id: 'ch_x',
        object: 'charge',
        payment_intent: session.payment_intent,
      }),
    ];
    const deliveries = shuffle([completed, ...others].flatMap((e) => Array.from({ length: 5 }, () => e)));
    const results = await Promise.all(deliveries.map(deliver));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => !r.body.duplicate)).toHaveLength(3);

    const { order, payment, reservations, emails } = await orderOf(db(), orderId);
    expect(order.status).toBe('paid');
    expect(payment.status).toBe('paid');
    expect(reservations.map((r) => r.status)).toEqual(['converted']);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });
    expect(emails.map((e) => e.kind).sort()).toEqual(['order_confirmation', 'shop_notification']);
    const payments = await db().query.payments.findMany({ where: (t, { eq }) => eq(t.orderId, orderId) });
    expect(payments).toHaveLength(1);

    // A later redelivery (Stripe retries for days) changes nothing either.
    expect((await deliver(completed)).body.duplicate).toBe(true);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('treats completed and async_payment_succeeded for one session as one finalisation', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await checkout(p.id, 1);
    const completed = pay(sessionId);
    const succeeded = h.stripe.event(
      'checkout.session.async_payment_succeeded',
      h.stripe.sessions.get(sessionId)!,
    );
    const results = await Promise.all([completed, succeeded, completed, succeeded].map(deliver));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await orderOf(db(), orderId)).order.status).toBe('paid');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });
  });
});

describe('Stripe webhook: signatures', () => {
  it('answers 400 and writes nothing for a forged body, a wrong secret, an old timestamp or no signature', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await checkout(p.id, 1);
    const event = pay(sessionId);
    const before = await eventCount();

    const payload = JSON.stringify(event);
    const { signStripeWebhookPayload } = await import('@popbox/domain');
    const forged = await fetch(`${h.app.url}/api/v1/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': await signStripeWebhookPayload(payload, 'whsec_test_popbox_webhook_secret'),
      },
      body: payload.replace('"livemode":false', '"livemode":true'),
    });
    const attempts = [
      forged,
      await postWebhook(h.app, event, { secret: 'whsec_someone_else' }),
      await postWebhook(h.app, event, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      await postWebhook(h.app, event, { signature: null }),
      await postWebhook(h.app, event, { signature: 'garbage' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('INVALID_SIGNATURE');
    }
    expect(await eventCount()).toBe(before);
    expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 1 });

    // A signature just inside the 300 s tolerance is accepted.
    const fresh = await postWebhook(h.app, event, { timestamp: Math.floor(Date.now() / 1000) - 290 });
    expect(fresh.status).toBe(200);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const res = await fetch(`${h.app.url}/api/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=x' },
      body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body that is not application/json with 415', async () => {
    const res = await fetch(`${h.app.url}/api/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'stripe-signature': 't=1,v1=x' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
  });
});

describe('Stripe webhook: delayed payment methods (F4)', () => {
  it('keeps a completed-but-unpaid order pending with its stock held, then finalises on async success', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const { orderId, sessionId } = await checkout(p.id, 2);
    expect((await deliver(pay(sessionId, { paymentStatus: 'unpaid' }))).status).toBe(200);
    let state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('pending_payment');
    expect(state.reservations[0]!.status).toBe('active');
    // The hold is renewed for the settlement period, far beyond the 10 minutes.
    expect(state.reservations[0]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(24 * 3600_000);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 3, reserved: 2 });
    expect(state.emails).toHaveLength(0);

    h.stripe.sessions.get(sessionId)!.payment_status = 'paid';
    const succeeded = h.stripe.event(
      'checkout.session.async_payment_succeeded',
      h.stripe.sessions.get(sessionId)!,
    );
    expect((await deliver(succeeded)).status).toBe(200);
    state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('paid');
    expect(state.payment.status).toBe('paid');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('releases the stock, cancels the order and fails the payment when the delayed payment fails', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const { orderId, sessionId } = await checkout(p.id, 2);
    await deliver(pay(sessionId, { paymentStatus: 'unpaid' }));
    const failed = h.stripe.event('checkout.session.async_payment_failed', h.stripe.sessions.get(sessionId)!);
    expect((await deliver(failed)).status).toBe(200);
    const state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('cancelled');
    expect(state.order.cancelledAt).not.toBeNull();
    expect(state.payment.status).toBe('failed');
    expect(state.reservations[0]!.status).toBe('released');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('never finalises on an event whose session Stripe reports unpaid, whatever the body says', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const { orderId, sessionId } = await checkout(p.id, 1);
    const lie = h.stripe.event('checkout.session.completed', {
      ...h.stripe.sessions.get(sessionId)!,
      status: 'complete',
      payment_status: 'paid',
    });
    expect((await deliver(lie)).status).toBe(200);
    expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');
  });
});

describe('Stripe webhook: late payments (F5)', () => {
  it('re-takes the stock when the hold lapsed but the stock is still free → paid', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const { orderId, sessionId } = await checkout(p.id, 2);
    await lapseHold(orderId);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 3, reserved: 0 });
    expect((await deliver(pay(sessionId))).status).toBe(200);
    const state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('paid');
    expect(state.emails.map((e) => e.kind).sort()).toEqual(['order_confirmation', 'shop_notification']);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('converts a hold that is past its time but was never swept → paid', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const { orderId, sessionId } = await checkout(p.id, 1);
    await sql(
      h.app,
      `update inventory_reservations set expires_at = now() - interval '5 minutes' where order_id = $1`,
      [orderId],
    );
    await deliver(pay(sessionId));
    expect((await orderOf(db(), orderId)).order.status).toBe('paid');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });
  });

  it('parks the order in paid_needs_attention when the stock was resold, leaves stock intact and alerts the shop', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 1 } });
    const late = await checkout(p.id, 1);
    await lapseHold(late.orderId);
    const other = await checkout(p.id, 1); // the unit is sold to someone else meanwhile
    await deliver(pay(other.sessionId));
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 0, reserved: 0 });

    expect((await deliver(pay(late.sessionId))).status).toBe(200);
    const state = await orderOf(db(), late.orderId);
    expect(state.order.status).toBe('paid_needs_attention');
    expect(state.order.attentionReason).toMatch(/^stock_unavailable: /);
    expect(state.order.customerId).not.toBeNull();
    expect(state.payment).toMatchObject({ status: 'paid', amountCents: 3700 });
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 0, reserved: 0 });
    expect(state.emails.map((e) => [e.kind, e.toEmail])).toEqual([['shop_alert', 'orders@popbox.test']]);
    expect(state.emails[0]!.text).toContain('stock_unavailable');
  });
});

describe('Stripe webhook: payment for a cancelled order', () => {
  it('keeps the money: the order is parked (order_cancelled) with its stock untouched', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await checkout(p.id, 1);
    await sql(
      h.app,
      `with r as (update inventory_reservations set status = 'released'
                  where order_id = $1 and status = 'active' returning product_id, quantity)
       update product_inventory i set reserved = i.reserved - r.quantity from r where i.product_id = r.product_id`,
      [orderId],
    );
    await sql(h.app, `update orders set status = 'cancelled', cancelled_at = now() where id = $1`, [orderId]);
    await sql(h.app, `update payments set status = 'failed' where order_id = $1`, [orderId]);
    expect((await deliver(pay(sessionId))).status).toBe(200);
    const state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('paid_needs_attention');
    expect(state.order.attentionReason).toMatch(/^order_cancelled: /);
    expect(state.payment.status).toBe('paid');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });
  });
});

describe('Stripe webhook: safety checks (security rule 3)', () => {
  const cases: Array<[string, CompleteOptions, RegExp]> = [
    ['an amount mismatch', { amountTotal: 100 }, /amount_mismatch/],
    ['a subtotal mismatch', { amountSubtotal: 1, amountTotal: 1201 }, /amount_mismatch/],
    ['another currency', { currency: 'usd' }, /currency_mismatch/],
    ['a discount', { discountCents: 500 }, /discount_applied/],
    [
      'an incomplete address',
      { shippingAddress: { ...emptyAddress(), line1: '1 Main St', country: 'CA' } },
      /address_incomplete/,
    ],
    [
      'a foreign shipping address',
      {
        shippingAddress: { line1: '1 Rue', city: 'Paris', state: 'IDF', postal_code: '75001', country: 'FR' },
      },
      /shipping_country/,
    ],
    ['no email', { email: null }, /email_missing/],
  ];
  for (const [what, opts, reason] of cases) {
    it(`parks a paid order with ${what} in paid_needs_attention and releases its hold`, async () => {
      const p = await makeProduct(db(), { inventory: { onHand: 2 } });
      const { orderId, sessionId } = await checkout(p.id, 1);
      expect((await deliver(pay(sessionId, opts))).status).toBe(200);
      const state = await orderOf(db(), orderId);
      expect(state.order.status).toBe('paid_needs_attention');
      expect(state.order.attentionReason).toMatch(reason);
      expect(state.payment.status).toBe('paid');
      expect(state.reservations[0]!.status).toBe('released');
      expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });
      expect(state.emails.map((e) => e.kind)).toEqual(['shop_alert']);
    });
  }
});

function emptyAddress() {
  return { line1: null, city: null, state: null, postal_code: null, country: null };
}

describe('Stripe webhook: expiry, refunds and failures', () => {
  it('expires a pending order and releases its hold when Stripe expires the session', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await checkout(p.id, 2);
    // The body claims expiry but Stripe says the session is open: nothing happens.
    const claim = h.stripe.event('checkout.session.expired', {
      ...h.stripe.sessions.get(sessionId)!,
      status: 'expired',
    });
    await deliver(claim);
    expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');

    const expired = h.stripe.event('checkout.session.expired', h.stripe.expire(sessionId));
    expect((await deliver(expired)).status).toBe(200);
    const state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('expired');
    expect(state.reservations[0]!.status).toBe('expired');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await activeReservedUnits(db(), p.id)).toBe(0);
  });

  it('records refunds made at Stripe once each, by provider refund id', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await checkout(p.id, 1);
    await deliver(pay(sessionId));
    const paymentIntent = h.stripe.sessions.get(sessionId)!.payment_intent as string;
    const refund = await h.app.deps.payments.createRefund({
      paymentIntentId: paymentIntent,
      amountCents: 1000,
      idempotencyKey: 'refund-test-1',
      metadata: { idempotencyKey: 'refund-test-1' },
    });
    const charge = {
      id: refund.chargeId,
      object: 'charge',
      payment_intent: paymentIntent,
      amount_refunded: 1000,
    };
    const event = h.stripe.event('charge.refunded', charge);
    const results = await Promise.all(
      [
        event,
        event,
        h.stripe.event('refund.updated', { id: refund.id, object: 'refund', payment_intent: paymentIntent }),
      ].map(deliver),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const rows = await db().query.paymentRefunds.findMany({ where: (t, { eq }) => eq(t.orderId, orderId) });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      providerRefundId: refund.id,
      amountCents: 1000,
      status: 'succeeded',
      currency: 'CAD',
      idempotencyKey: 'refund-test-1',
    });
  });

  it('answers 400 for a session without order metadata and 404 for an unknown order, marking the event failed', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { sessionId } = await checkout(p.id, 1);
    const session = h.stripe.complete(sessionId);
    const saved = session.metadata;
    session.metadata = {};
    const noMetadata = h.stripe.event('checkout.session.completed', session);
    const res = await deliver(noMetadata);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    session.metadata = { orderId: '00000000-0000-4000-8000-000000000999' };
    const unknown = h.stripe.event('checkout.session.completed', session);
    expect((await deliver(unknown)).status).toBe(404);
    const failed = await db().query.stripeWebhookEvents.findMany({
      where: (t, { inArray }) => inArray(t.stripeEventId, [noMetadata.id as string, unknown.id as string]),
    });
    expect(failed.map((e) => e.status)).toEqual(['failed', 'failed']);
    expect(failed[0]!.errorMessage).toBeTruthy();

    // Stripe redelivers: a failed event is processed again (only `processed` short-circuits).
    session.metadata = saved;
    const redelivered = await deliver(noMetadata);
    expect(redelivered).toEqual({ status: 200, body: { received: true, duplicate: false } });
  });

  it('answers 404 when Stripe does not know the session (F10) and processes the redelivery later', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await checkout(p.id, 1);
    const event = pay(sessionId);
    const sessions = h.stripe.sessions;
    const saved = sessions.get(sessionId)!;
    sessions.delete(sessionId); // unknown at Stripe → 404 from the provider
    expect((await deliver(event)).status).toBe(404);
    sessions.set(sessionId, saved);
    expect((await deliver(event)).status).toBe(200);
    expect((await orderOf(db(), orderId)).order.status).toBe('paid');
  });
});
