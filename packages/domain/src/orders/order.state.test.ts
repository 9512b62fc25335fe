import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '@popbox/db';
import {
  ADMIN_STATUS_MOVES,
  assertOrderTransition,
  canTransitionOrder,
  orderStatusesThatCanBecome,
} from './order.state.js';
import { assertPaymentTransition } from '../payments/payment.state.js';

describe('order status machine', () => {
  it('allows the declared moves and the ones captured money forces', () => {
    expect(canTransitionOrder('pending_payment', 'paid')).toBe(true);
    expect(canTransitionOrder('expired', 'paid')).toBe(true); // F5 late payment rescued
    expect(canTransitionOrder('cancelled', 'paid_needs_attention')).toBe(true);
    expect(canTransitionOrder('paid_needs_attention', 'paid')).toBe(true); // admin retry
  });

  it('refuses everything else with INVALID_TRANSITION', () => {
    expect(() => assertOrderTransition('cancelled', 'paid')).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    );
    expect(() => assertOrderTransition('shipped', 'paid')).toThrow();
    expect(() => assertOrderTransition('paid', 'pending_payment')).toThrow();
  });

  it('lists the statuses a set-based update may move to a target', () => {
    expect(orderStatusesThatCanBecome('expired')).toEqual(['pending_payment']);
  });
});

const STATUSES: OrderStatus[] = [
  'pending_payment',
  'paid',
  'packed',
  'shipped',
  'cancelled',
  'refunded',
  'paid_needs_attention',
  'expired',
];

/** Spec "Order status machine": the declared table… */
const DECLARED = [
  'pending_payment>paid',
  'pending_payment>cancelled',
  'pending_payment>expired',
  'pending_payment>paid_needs_attention',
  'paid>packed',
  'paid>refunded',
  'paid>paid_needs_attention',
  'packed>shipped',
  'packed>refunded',
  'shipped>refunded',
  'paid_needs_attention>paid',
  'paid_needs_attention>packed',
  'paid_needs_attention>refunded',
  'paid_needs_attention>cancelled',
];
/** …plus the moves captured money forces (second table of the spec, and F5's rescued late payment). */
const FORCED = [
  'expired>paid_needs_attention', // verified payment, safety check failed
  'cancelled>paid_needs_attention',
  'expired>paid', // F5: late payment whose stock could be taken again
  'refunded>paid_needs_attention', // refund drift; and "any → needs attention" after a refund bookkeeping failure
  'packed>paid_needs_attention',
  'shipped>paid_needs_attention',
];

describe('order status machine over every pair of statuses', () => {
  const allowed = new Set([...DECLARED, ...FORCED]);
  const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s', (from, to) => {
    const expected = allowed.has(`${from}>${to}`);
    expect(canTransitionOrder(from, to)).toBe(expected);
    if (expected) expect(() => assertOrderTransition(from, to)).not.toThrow();
    else
      expect(() => assertOrderTransition(from, to)).toThrow(
        expect.objectContaining({ code: 'INVALID_TRANSITION' }),
      );
  });

  it('lets admins pack from paid, ship from packed and cancel from pending_payment only (security rule 9)', () => {
    expect(ADMIN_STATUS_MOVES).toEqual({ packed: 'paid', shipped: 'packed', cancelled: 'pending_payment' });
    for (const [to, from] of Object.entries(ADMIN_STATUS_MOVES)) {
      expect(canTransitionOrder(from, to as OrderStatus)).toBe(true);
    }
  });
});

describe('payment status machine', () => {
  it('goes pending → paid | failed, failed → paid (money that still arrives), paid ⇄ refunded', () => {
    expect(() => assertPaymentTransition('pending', 'paid')).not.toThrow();
    expect(() => assertPaymentTransition('failed', 'paid')).not.toThrow();
    expect(() => assertPaymentTransition('paid', 'failed')).toThrow();
    expect(() => assertPaymentTransition('refunded', 'failed')).toThrow();
  });
});
