import { describe, expect, it } from 'vitest';
import { orderMarkerFor, retryDelayMs, truncateError } from './outbox-delivery.rules.js';

describe('outbox delivery rules', () => {
  const policy = { baseMs: 30_000, maxMs: 3_600_000 };

  it('doubles the retry delay per attempt, up to the cap', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, 0.5))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20, policy, 0.5)).toBe(3_600_000);
  });

  it('jitters each delay by at most ±20 %', () => {
    expect(retryDelayMs(3, policy, 0)).toBe(96_000);
    expect(retryDelayMs(3, policy, 0.999999)).toBeLessThanOrEqual(144_000);
    expect(retryDelayMs(3, policy, 0.999999)).toBeGreaterThan(143_000);
  });

  it('maps only confirmation and shop notification emails to order markers', () => {
    expect(orderMarkerFor('order_confirmation')).toBe('confirmation');
    expect(orderMarkerFor('shop_notification')).toBe('notification');
    expect(orderMarkerFor('refund')).toBeNull();
    expect(orderMarkerFor('shop_alert')).toBeNull();
  });

  it('shortens long provider errors', () => {
    expect(truncateError('x'.repeat(2000))).toHaveLength(1000);
    expect(truncateError('short')).toBe('short');
  });
});
