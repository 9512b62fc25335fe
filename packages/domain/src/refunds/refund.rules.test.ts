import { describe, expect, it } from 'vitest';
import {
  planRefundAggregate,
  providerRefundKey,
  refundedTotal,
  refundFingerprint,
  settledTotal,
} from './refund.rules.js';

describe('refund aggregate (B14 step 5)', () => {
  it('counts pending, succeeded and requires_action refunds only', () => {
    expect(
      refundedTotal([
        { status: 'succeeded', amountCents: 100 },
        { status: 'pending', amountCents: 20 },
        { status: 'requires_action', amountCents: 3 },
        { status: 'failed', amountCents: 1000 },
        { status: 'canceled', amountCents: 1000 },
        { status: 'unknown', amountCents: 1000 },
      ]),
    ).toBe(123);
  });

  it('refunds payment and order once the total reaches the payment amount', () => {
    for (const orderStatus of ['paid', 'packed', 'shipped', 'paid_needs_attention'] as const) {
      expect(
        planRefundAggregate({
          paymentAmountCents: 500,
          paymentStatus: 'paid',
          orderStatus,
          refundedCents: 500,
          settledCents: 500,
        }),
      ).toEqual({
        refundedCents: 500,
        overRefunded: false,
        fullyRefunded: true,
        paymentStatus: 'refunded',
        orderStatus: 'refunded',
        drift: false,
      });
    }
  });

  it('leaves a partially refunded order in its status', () => {
    expect(
      planRefundAggregate({
        paymentAmountCents: 500,
        paymentStatus: 'paid',
        orderStatus: 'shipped',
        refundedCents: 499,
        settledCents: 499,
      }),
    ).toMatchObject({ fullyRefunded: false, paymentStatus: 'paid', orderStatus: 'shipped', drift: false });
  });

  it('re-opens a refunded order that is no longer fully refunded (drift)', () => {
    expect(
      planRefundAggregate({
        paymentAmountCents: 500,
        paymentStatus: 'refunded',
        orderStatus: 'refunded',
        refundedCents: 0,
        settledCents: 0,
      }),
    ).toMatchObject({
      paymentStatus: 'paid',
      orderStatus: 'paid_needs_attention',
      drift: true,
      refundedCents: 0,
    });
  });

  it('caps the stored total at the payment amount', () => {
    expect(
      planRefundAggregate({
        paymentAmountCents: 500,
        paymentStatus: 'paid',
        orderStatus: 'paid',
        refundedCents: 900,
        settledCents: 900,
      }),
    ).toMatchObject({ refundedCents: 500, overRefunded: true, fullyRefunded: true });
  });

  it('does not refund an order on a pending refund: only succeeded refunds settle it (issue 12)', () => {
    const pending = planRefundAggregate({
      paymentAmountCents: 500,
      paymentStatus: 'paid',
      orderStatus: 'shipped',
      refundedCents: 500,
      settledCents: 0,
    });
    // The remainder is reserved (the money may still leave), but the order is not refunded yet.
    expect(pending).toEqual({
      refundedCents: 500,
      overRefunded: false,
      fullyRefunded: false,
      paymentStatus: 'paid',
      orderStatus: 'shipped',
      drift: false,
    });
    // The pending refund fails: nothing was refunded, the order simply keeps its status (no drift).
    expect(
      planRefundAggregate({
        paymentAmountCents: 500,
        paymentStatus: 'paid',
        orderStatus: 'shipped',
        refundedCents: 0,
        settledCents: 0,
      }),
    ).toMatchObject({ fullyRefunded: false, orderStatus: 'shipped', paymentStatus: 'paid', drift: false });
  });

  it('sums only succeeded refunds as settled', () => {
    expect(
      settledTotal([
        { status: 'succeeded', amountCents: 100 },
        { status: 'pending', amountCents: 20 },
        { status: 'failed', amountCents: 5 },
      ]),
    ).toBe(100);
  });
});

describe('refund keys (F3, F9)', () => {
  it('binds a key to order, amount and reason', () => {
    const base = { orderId: 'a', amountCents: 100, reason: null };
    expect(refundFingerprint(base)).toBe(refundFingerprint({ ...base }));
    expect(refundFingerprint(base)).not.toBe(refundFingerprint({ ...base, amountCents: null }));
    expect(refundFingerprint(base)).not.toBe(refundFingerprint({ ...base, reason: 'x' }));
    expect(refundFingerprint(base)).toBe(refundFingerprint({ ...base, forceKujiReason: null }));
    expect(refundFingerprint(base)).not.toBe(refundFingerprint({ ...base, forceKujiReason: 'x' }));
  });

  it('derives one provider key per order and admin key', () => {
    expect(providerRefundKey('o1', 'k')).toBe(providerRefundKey('O1', 'k'));
    expect(providerRefundKey('o1', 'k')).not.toBe(providerRefundKey('o2', 'k'));
    expect(providerRefundKey('o1', 'k')).toMatch(/^[0-9a-f]{64}$/);
  });
});
