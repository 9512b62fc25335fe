import { describe, expect, it } from 'vitest';
import { toCheckoutSession } from './stripe-mapping.js';
import { simulatedCardFingerprint } from './simulator-payments.js';

describe('card fingerprint (issue 13)', () => {
  const base = { id: 'cs_1', created: 1, status: 'complete', payment_status: 'paid' };

  it("comes from the expanded PaymentIntent's latest charge", () => {
    const session = toCheckoutSession({
      ...base,
      payment_intent: {
        id: 'pi_1',
        latest_charge: { payment_method_details: { card: { fingerprint: 'Xt5EWLLDS7FJjR1c' } } },
      },
    });
    expect(session).toMatchObject({ paymentIntentId: 'pi_1', cardFingerprint: 'Xt5EWLLDS7FJjR1c' });
  });

  it('is null when the intent or its charge is not expanded, or it was not a card', () => {
    expect(toCheckoutSession({ ...base, payment_intent: 'pi_1' }).cardFingerprint).toBeNull();
    expect(
      toCheckoutSession({ ...base, payment_intent: { id: 'pi_1', latest_charge: 'ch_1' } }).cardFingerprint,
    ).toBeNull();
    expect(
      toCheckoutSession({
        ...base,
        payment_intent: { id: 'pi_1', latest_charge: { payment_method_details: {} } },
      }).cardFingerprint,
    ).toBeNull();
  });

  it('the simulator gives one card number one fingerprint', () => {
    expect(simulatedCardFingerprint('4242 4242 4242 4242')).toBe(simulatedCardFingerprint(undefined));
    expect(simulatedCardFingerprint('5555555555554444')).not.toBe(
      simulatedCardFingerprint('4242424242424242'),
    );
    expect(simulatedCardFingerprint('5555-5555-5555-4444')).toBe(
      simulatedCardFingerprint('5555555555554444'),
    );
  });
});
