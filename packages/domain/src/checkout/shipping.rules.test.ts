import { describe, expect, it } from 'vitest';
import { DEFAULT_SHIPPING, parseShippingSettings, shippingFor } from './shipping.rules.js';

describe('shipping (B16)', () => {
  it('is free from the threshold on (>=), the flat fee below it', () => {
    expect(shippingFor(14899, DEFAULT_SHIPPING)).toBe(1200);
    expect(shippingFor(14900, DEFAULT_SHIPPING)).toBe(0);
    expect(shippingFor(0, { ...DEFAULT_SHIPPING, freeShippingThresholdCents: 0 })).toBe(0);
    expect(shippingFor(10, { ...DEFAULT_SHIPPING, flatShippingCents: 0 })).toBe(0);
  });

  it('accepts only a valid stored setting', () => {
    expect(parseShippingSettings(DEFAULT_SHIPPING)).toEqual(DEFAULT_SHIPPING);
    expect(parseShippingSettings({ ...DEFAULT_SHIPPING, currency: 'USD' })).toBeNull();
    expect(parseShippingSettings({ ...DEFAULT_SHIPPING, flatShippingCents: 1.5 })).toBeNull();
    expect(parseShippingSettings({ ...DEFAULT_SHIPPING, freeShippingThresholdCents: -1 })).toBeNull();
    expect(parseShippingSettings('nope')).toBeNull();
  });
});
