import { describe, expect, it } from 'vitest';
import { checkoutFingerprint, normaliseCheckout, parseIdempotencyKey } from './cart.rules.js';

const A = '0a000000-0000-4000-8000-000000000000';
const B = '0b000000-0000-4000-8000-000000000000';

describe('cart normalisation (B3 step 4)', () => {
  it('merges lines of one product (even past 20) and sorts by product id', () => {
    const cart = normaliseCheckout({
      items: [
        { productId: B, quantity: 20 },
        { productId: A, quantity: 1 },
        { productId: B.toUpperCase(), quantity: 5 },
      ],
    });
    expect(cart.lines).toEqual([
      { productId: A, quantity: 1 },
      { productId: B, quantity: 25 },
    ]);
  });

  it('normalises the prefill: email trimmed and lower-cased, blanks become null', () => {
    expect(normaliseCheckout({ items: [], email: ' A@B.CA ', name: '  ' })).toMatchObject({
      email: 'a@b.ca',
      name: null,
    });
  });
});

describe('checkout fingerprint (F3)', () => {
  it('is the same for the same normalised request, whatever its spelling', () => {
    const one = normaliseCheckout({
      items: [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 1 },
      ],
    });
    const two = normaliseCheckout({
      items: [
        { productId: B, quantity: 1 },
        { productId: A, quantity: 1 },
        { productId: A, quantity: 1 },
      ],
    });
    expect(checkoutFingerprint(one)).toBe(checkoutFingerprint(two));
  });

  it('differs when quantities, products or prefill differ', () => {
    const base = normaliseCheckout({ items: [{ productId: A, quantity: 2 }] });
    const fp = checkoutFingerprint(base);
    expect(checkoutFingerprint(normaliseCheckout({ items: [{ productId: A, quantity: 3 }] }))).not.toBe(fp);
    expect(checkoutFingerprint(normaliseCheckout({ items: [{ productId: B, quantity: 2 }] }))).not.toBe(fp);
    expect(
      checkoutFingerprint(normaliseCheckout({ items: [{ productId: A, quantity: 2 }], email: 'x@y.ca' })),
    ).not.toBe(fp);
  });
});

describe('Idempotency-Key header (B3 step 3)', () => {
  it('is required, trimmed and at most 255 characters', () => {
    expect(parseIdempotencyKey('  abc ')).toBe('abc');
    expect(parseIdempotencyKey(['first', 'second'])).toBe('first');
    expect(parseIdempotencyKey('k'.repeat(255))).toHaveLength(255);
    for (const bad of [undefined, '', '   ', 'k'.repeat(256)]) {
      expect(() => parseIdempotencyKey(bad)).toThrow(
        expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REQUIRED' }),
      );
    }
  });
});
