import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { json } from './support/http.js';
import { DEFAULT_ADDRESS, type CompleteOptions } from './support/fake-stripe.js';
import {
  postCheckout,
  postWebhook,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

/** Issue 13 through the real Stripe adapter (fake Stripe server): the card fingerprint of the charge counts. */
let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(() => h?.close());

async function buy(productId: string, email: string, complete: CompleteOptions) {
  const res = await postCheckout(h.app, { items: [{ productId, quantity: 1 }], email });
  expect(res.status).toBe(201);
  const { orderId, sessionId } = (await json(res)) as { orderId: string; sessionId: string };
  const session = h.stripe.complete(sessionId, { email, ...complete });
  expect((await postWebhook(h.app, h.stripe.event('checkout.session.completed', session))).status).toBe(200);
  return orderId;
}

describe('purchase caps with the Stripe adapter', () => {
  it("reads the fingerprint from the PaymentIntent's latest charge and parks a second card use over the cap", async () => {
    const p = await makeProduct(h.app.database.db, { product: { maxPerBuyer: 1 }, inventory: { onHand: 5 } });
    const first = await buy(p.id, 'one@example.com', { cardFingerprint: 'fpSharedCard01' });
    const second = await buy(p.id, 'two@example.com', {
      cardFingerprint: 'fpSharedCard01',
      shippingAddress: { ...DEFAULT_ADDRESS, line1: '500 Other Avenue' },
      billingAddress: { ...DEFAULT_ADDRESS, line1: '500 Other Avenue' },
    });
    const rows = await sql(
      h.app,
      `select id, status, buyer_card_fingerprint, attention_reason from orders where id = any($1)`,
      [[first, second]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(first)).toMatchObject({ status: 'paid', buyer_card_fingerprint: 'fpSharedCard01' });
    expect(byId.get(second)).toMatchObject({
      status: 'paid_needs_attention',
      buyer_card_fingerprint: 'fpSharedCard01',
    });
    expect(String(byId.get(second)!.attention_reason)).toMatch(/^purchase_limit: .*same card/);
  });
});
