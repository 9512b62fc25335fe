import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PaymentProviderError,
  signStripeWebhookPayload,
  stripePayments,
  type PaymentsPort,
} from '@popbox/domain';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import type { Json } from './support/http.js';

/** The Stripe adapter through the real `stripe` SDK against the fake Stripe server (no database needed). */
let stripe: FakeStripe;
let payments: PaymentsPort;
const SECRET = 'whsec_adapter_test';

beforeAll(async () => {
  stripe = await startFakeStripe();
  payments = stripePayments({ secretKey: stripe.secretKey, webhookSecret: SECRET, apiBase: stripe.url });
});
afterAll(() => stripe?.close());

const request = (key: string) => ({
  orderId: '11111111-1111-4111-8111-111111111111',
  orderPublicId: 'PBX-ABCDEFGHIJ',
  currency: 'CAD',
  lineItems: [
    { name: 'Figure', description: 'A figure', unitAmountCents: 3000, quantity: 2 },
    { name: 'Sticker', description: '  ', unitAmountCents: 500, quantity: 1 },
  ],
  shippingCents: 1200,
  customerEmail: 'buyer@example.com',
  successUrl: 'http://shop.test/success?session_id={CHECKOUT_SESSION_ID}',
  cancelUrl: 'http://shop.test/cart',
  expiresAt: new Date(Date.now() + 30 * 60_000),
  idempotencyKey: key,
});

describe('Stripe adapter', () => {
  it('creates a hosted Checkout Session with the B3 parameters and maps it', async () => {
    const session = await payments.createCheckoutSession(request('key-1'));
    expect(session).toMatchObject({
      status: 'open',
      paymentStatus: 'unpaid',
      currency: 'cad',
      amountSubtotal: 6500,
      amountShipping: 1200,
      amountTotal: 7700,
      metadata: { orderId: '11111111-1111-4111-8111-111111111111', orderPublicId: 'PBX-ABCDEFGHIJ' },
    });
    expect(session.url).toMatch(/^https:/);
    const raw = stripe.sessions.get(session.id)!;
    expect(raw).toMatchObject({ mode: 'payment', customer_email: 'buyer@example.com' });
    const lines = raw._line_items as Json[];
    expect(lines[0]).toMatchObject({
      quantity: '2',
      price_data: {
        currency: 'cad',
        unit_amount: '3000',
        product_data: { name: 'Figure', description: 'A figure' },
      },
    });
    expect(lines[1]!.price_data.product_data).toEqual({ name: 'Sticker' });
    const create = stripe.calls.filter((c) => c.path === '/v1/checkout/sessions');
    expect(create.at(-1)).toMatchObject({ idempotencyKey: 'key-1', stripeVersion: '2026-02-25.clover' });

    // Same idempotency key → Stripe answers with the same session.
    const again = await payments.createCheckoutSession(request('key-1'));
    expect(again.id).toBe(session.id);
  });

  it('retries a transient 500 twice before giving up (2 network retries)', async () => {
    const before = stripe.calls.length;
    stripe.failCreate = 2;
    const session = await payments.createCheckoutSession(request('key-retry'));
    expect(session.id).toMatch(/^cs_test_/);
    expect(stripe.calls.length - before).toBe(3);

    stripe.failCreate = 3;
    await expect(payments.createCheckoutSession(request('key-fail'))).rejects.toMatchObject({
      name: 'PaymentProviderError',
      kind: 'unavailable',
    });
    stripe.failCreate = 0;
  }, 20_000);

  it('reports an unknown session as not_found and expires sessions idempotently (F6)', async () => {
    await expect(payments.retrieveCheckoutSession('cs_test_missing')).rejects.toBeInstanceOf(
      PaymentProviderError,
    );
    await expect(payments.retrieveCheckoutSession('cs_test_missing')).rejects.toMatchObject({
      kind: 'not_found',
    });
    const session = await payments.createCheckoutSession(request('key-expire'));
    expect(await payments.expireCheckoutSession(session.id)).toBe('expired');
    expect(await payments.expireCheckoutSession(session.id)).toBe('not_open');
    expect(await payments.expireCheckoutSession('cs_test_missing')).toBe('not_found');
    expect((await payments.retrieveCheckoutSession(session.id)).status).toBe('expired');
  });

  it('creates refunds and lists every refund of a payment intent across pages', async () => {
    const pi = 'pi_adapter_test';
    for (let i = 0; i < 105; i++) {
      await payments.createRefund({
        paymentIntentId: pi,
        amountCents: 1,
        idempotencyKey: `r-${i}`,
        metadata: { n: String(i) },
      });
    }
    const refunds = await payments.listRefunds(pi);
    expect(refunds).toHaveLength(105);
    expect(new Set(refunds.map((r) => r.id)).size).toBe(105);
    expect(refunds[0]).toMatchObject({ status: 'succeeded', amountCents: 1, paymentIntentId: pi });
    const listCalls = stripe.calls.filter((c) => c.method === 'GET' && c.path === '/v1/refunds');
    expect(listCalls.length).toBeGreaterThanOrEqual(2);
  });

  it('verifies webhook signatures with a 300 s tolerance', async () => {
    const payload = JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'x',
      created: 1,
      data: { object: { id: 'o' } },
    });
    const now = Math.floor(Date.now() / 1000);
    const event = await payments.verifyWebhook(
      Buffer.from(payload),
      await signStripeWebhookPayload(payload, SECRET, now - 299),
    );
    expect(event).toMatchObject({ id: 'evt_1', type: 'x', object: { id: 'o' } });
    await expect(
      payments.verifyWebhook(
        Buffer.from(payload),
        await signStripeWebhookPayload(payload, SECRET, now - 301),
      ),
    ).rejects.toThrow(expect.objectContaining({ kind: 'invalid_signature' }));
    await expect(
      payments.verifyWebhook(Buffer.from(payload + ' '), await signStripeWebhookPayload(payload, SECRET)),
    ).rejects.toThrow(expect.objectContaining({ kind: 'invalid_signature' }));
  });
});
