import { describe, expect, it } from 'vitest';
import { assertOrderTransition, canTransitionOrder, orderStatusesThatCanBecome } from './order.state.js';
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

describe('payment status machine', () => {
  it('goes pending → paid | failed, failed → paid (money that still arrives), paid ⇄ refunded', () => {
    expect(() => assertPaymentTransition('pending', 'paid')).not.toThrow();
    expect(() => assertPaymentTransition('failed', 'paid')).not.toThrow();
    expect(() => assertPaymentTransition('paid', 'failed')).toThrow();
    expect(() => assertPaymentTransition('refunded', 'failed')).toThrow();
  });
});
