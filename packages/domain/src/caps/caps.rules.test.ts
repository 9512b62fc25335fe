import { describe, expect, it } from 'vitest';
import {
  buyerCapViolation,
  capWindowStart,
  describeViolation,
  orderCapViolation,
  purchaseLimitError,
  type ProductCaps,
} from './caps.rules.js';

const figure: ProductCaps = { productId: 'p1', name: 'Miku figure', maxPerOrder: 3, maxPerBuyer: 2 };

describe('purchase caps', () => {
  it('per order: the merged quantity against maxPerOrder', () => {
    expect(orderCapViolation(figure, 3)).toBeNull();
    expect(orderCapViolation(figure, 4)).toMatchObject({
      limit: 'max_per_order',
      cap: 3,
      remainingAllowed: 3,
    });
    expect(orderCapViolation({ ...figure, maxPerOrder: null }, 99)).toBeNull();
  });

  it('per buyer: already counted + this order against maxPerBuyer, with what is still allowed', () => {
    expect(buyerCapViolation(figure, 2, 0, 'email')).toBeNull();
    expect(buyerCapViolation(figure, 1, 1, 'email')).toBeNull();
    expect(buyerCapViolation(figure, 2, 1, 'card')).toMatchObject({
      limit: 'max_per_buyer',
      cap: 2,
      alreadyCounted: 1,
      remainingAllowed: 1,
      matchedBy: 'card',
    });
    expect(buyerCapViolation(figure, 1, 5, 'email')?.remainingAllowed).toBe(0);
    expect(buyerCapViolation({ ...figure, maxPerBuyer: null }, 50, 50, 'email')).toBeNull();
  });

  it('PURCHASE_LIMIT names the product, the cap and how many are still allowed', () => {
    const error = purchaseLimitError(buyerCapViolation(figure, 2, 1, 'email')!);
    expect(error.code).toBe('PURCHASE_LIMIT');
    expect(error.status).toBe(409);
    expect(error.message).toContain('Miku figure');
    expect(error.details).toEqual({
      productId: 'p1',
      productName: 'Miku figure',
      limit: 'max_per_buyer',
      cap: 2,
      requested: 2,
      alreadyPurchased: 1,
      remainingAllowed: 1,
    });
    expect(describeViolation(buyerCapViolation(figure, 2, 1, 'address')!)).toContain('same address');
  });

  it('counts all time until sale windows are wired', () => {
    expect(capWindowStart(figure)).toBeNull();
    expect(capWindowStart({ salesStartAt: '2026-12-24T09:00:00.000Z' })).toEqual(
      new Date('2026-12-24T09:00:00.000Z'),
    );
  });
});
