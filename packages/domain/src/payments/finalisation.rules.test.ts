import { describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../ports/payments.js';
import {
  attentionCodes,
  deriveSessionFacts,
  formatAttentionReason,
  isRetriableAttention,
  safetyProblems,
} from './finalisation.rules.js';

const address = {
  line1: '1 Main St',
  line2: ' ',
  city: 'Calgary',
  state: 'AB',
  postalCode: 'T2P 1J9',
  country: 'ca',
};
const session = (over: Partial<CheckoutSession> = {}): CheckoutSession => ({
  cardFingerprint: null,
  id: 'cs_1',
  url: null,
  status: 'complete',
  paymentStatus: 'paid',
  paymentIntentId: 'pi_1',
  currency: 'cad',
  amountSubtotal: 5000,
  amountShipping: 1200,
  amountTax: 310,
  amountDiscount: 0,
  amountTotal: 6510,
  customerEmail: null,
  customerDetails: { ...address, name: ' Aiko  Tanaka ', email: 'Aiko@Example.com', phone: null },
  shippingDetails: { ...address, name: null },
  metadata: { orderId: 'o1' },
  mode: 'payment',
  created: 0,
  expiresAt: null,
  ...over,
});
const order = { stripeCheckoutSessionId: 'cs_1', currency: 'CAD', subtotalCents: 5000, shippingCents: 1200 };

describe('session facts (B6 step 2)', () => {
  it('derives the buyer and the address snapshots, trimmed, with fallbacks', () => {
    const facts = deriveSessionFacts(session());
    expect(facts.customer).toEqual({
      email: 'aiko@example.com',
      fullName: 'Aiko  Tanaka',
      firstName: 'Aiko',
      lastName: 'Tanaka',
      phone: null,
      source: 'stripe_customer_details',
    });
    expect(facts.shippingAddress).toEqual({
      fullName: 'Aiko  Tanaka',
      line1: '1 Main St',
      line2: null,
      city: 'Calgary',
      province: 'AB',
      postalCode: 'T2P 1J9',
      countryCode: 'CA',
      phone: null,
      email: 'aiko@example.com',
      source: 'stripe_shipping_details',
    });
    expect(facts.currency).toBe('CAD');
  });
});

describe('safety checks (B6 step 4)', () => {
  const problems = (over: Partial<CheckoutSession>, o = order) =>
    safetyProblems(o, session(over), deriveSessionFacts(session(over))).map((p) => p.code);

  it('passes a paid session that matches the order', () => {
    expect(problems({})).toEqual([]);
  });

  it('names each failed check', () => {
    expect(problems({ paymentStatus: 'unpaid' })).toEqual(['payment_not_paid']);
    expect(problems({ id: 'cs_other' })).toEqual(['session_mismatch']);
    expect(problems({ currency: 'usd' })).toEqual(['currency_mismatch']);
    expect(problems({ amountSubtotal: 4999, amountTotal: 6509 })).toEqual(['amount_mismatch']);
    expect(problems({ amountShipping: 0, amountTotal: 5310 })).toEqual(['amount_mismatch']);
    expect(problems({ amountTotal: 1 })).toEqual(['amount_mismatch']);
    expect(problems({ amountDiscount: 100, amountTotal: 6410 })).toContain('discount_applied');
    expect(problems({ shippingDetails: { ...address, city: null } })).toEqual(['address_incomplete']);
    expect(problems({ shippingDetails: { ...address, country: 'US' } })).toEqual(['shipping_country']);
    expect(problems({ customerDetails: { ...address, name: 'A', email: null } })).toEqual(['email_missing']);
  });
});

describe('attention reasons (F5)', () => {
  it('round-trips codes and knows which ones a retry can fix', () => {
    const reason = formatAttentionReason([
      { code: 'stock_unavailable', detail: '1 × Plush no longer available' },
      { code: 'order_cancelled', detail: 'x' },
    ]);
    expect(attentionCodes(reason)).toEqual(['stock_unavailable', 'order_cancelled']);
    expect(isRetriableAttention(reason)).toBe(true);
    expect(isRetriableAttention('amount_mismatch: total 1 ≠ 2; stock_unavailable: x')).toBe(false);
    expect(isRetriableAttention(null)).toBe(false);
  });
});
