import { describe, expect, it } from 'vitest';
import { assertOnSale, assertSaleWindow, isPubliclyVisible, saleAvailability } from './sale-window.rules.js';

const start = new Date('2030-05-01T12:00:00.000Z');
const end = new Date('2030-05-01T14:00:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);

describe('sale window rules (issue 13)', () => {
  it('is coming soon before the start, on sale from the start, ended from the end', () => {
    const w = { salesStartAt: start, salesEndAt: end };
    expect(saleAvailability(w, at(-1))).toBe('coming_soon');
    expect(saleAvailability(w, start)).toBe('on_sale');
    expect(saleAvailability(w, at(2 * 3600_000 - 1))).toBe('on_sale');
    expect(saleAvailability(w, end)).toBe('ended');
    expect(saleAvailability({ salesStartAt: null, salesEndAt: null }, at(-1e12))).toBe('on_sale');
    expect(saleAvailability({ salesStartAt: start.toISOString(), salesEndAt: null }, at(-1))).toBe(
      'coming_soon',
    );
  });

  it('hides a hidden drop until its start, never an announced one; inactive products never show', () => {
    const p = {
      status: 'active',
      preSaleVisibility: 'hidden' as const,
      salesStartAt: start,
      salesEndAt: end,
    };
    expect(isPubliclyVisible(p, at(-1))).toBe(false);
    expect(isPubliclyVisible(p, start)).toBe(true);
    expect(isPubliclyVisible(p, end)).toBe(true);
    expect(isPubliclyVisible({ ...p, preSaleVisibility: 'announced' }, at(-1))).toBe(true);
    expect(isPubliclyVisible({ ...p, status: 'draft' }, start)).toBe(false);
  });

  it('refuses a window that does not end after it starts, naming salesEndAt', () => {
    expect(() => assertSaleWindow({ salesStartAt: start, salesEndAt: start })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: { fields: { salesEndAt: expect.any(Array) } },
      }),
    );
    expect(() => assertSaleWindow({ salesStartAt: start, salesEndAt: end })).not.toThrow();
    expect(() => assertSaleWindow({ salesStartAt: null, salesEndAt: end })).not.toThrow();
  });

  it('checkout: NOT_ON_SALE_YET (announced), NOT_FOUND (hidden), SALE_ENDED, else nothing', () => {
    const p = {
      id: 'p1',
      name: 'Drop',
      salesStartAt: start,
      salesEndAt: end,
      preSaleVisibility: 'announced' as const,
    };
    expect(() => assertOnSale(p, at(-1))).toThrow(
      expect.objectContaining({
        code: 'NOT_ON_SALE_YET',
        details: { productId: 'p1', salesStartAt: start.toISOString() },
      }),
    );
    expect(() => assertOnSale({ ...p, preSaleVisibility: 'hidden' }, at(-1))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => assertOnSale(p, start)).not.toThrow();
    expect(() => assertOnSale(p, end)).toThrow(
      expect.objectContaining({
        code: 'SALE_ENDED',
        details: { productId: 'p1', salesEndAt: end.toISOString() },
      }),
    );
  });
});
