import { describe, expect, it } from 'vitest';
import { parseStoredShipping, shippingCentsFor } from './shipping.rules.js';

describe('shipping rule (B16)', () => {
  const s = { flatShippingCents: 1200, freeShippingThresholdCents: 14900, currency: 'CAD' as const };
  it('is free at or above the threshold, flat below', () => {
    expect(shippingCentsFor(s, 14899)).toBe(1200);
    expect(shippingCentsFor(s, 14900)).toBe(0);
    expect(shippingCentsFor({ ...s, freeShippingThresholdCents: 0 }, 0)).toBe(0);
    expect(shippingCentsFor({ ...s, flatShippingCents: 0 }, 10)).toBe(0);
  });
  it('rejects stored values that are not the shipping shape', () => {
    expect(parseStoredShipping({ ...s, flatShippingCents: '1200' })).toBeNull();
    expect(parseStoredShipping({ ...s, currency: 'USD' })).toBeNull();
    expect(parseStoredShipping(s)).toEqual(s);
  });
});
