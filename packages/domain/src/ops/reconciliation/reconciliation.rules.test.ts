import { describe, expect, it } from 'vitest';
import { isRepairable, toDriftItem } from './reconciliation.rules.js';

describe('reconciliation rules', () => {
  it('repairs counters towards their source but never rewrites deck positions', () => {
    expect(isRepairable('inventory_reserved', 0)).toBe(true);
    expect(isRepairable('kuji_on_hand', 4)).toBe(true);
    expect(isRepairable('prize_remaining', 2)).toBe(true);
    expect(isRepairable('deck_position', 3)).toBe(false);
    expect(isRepairable('deck_pending', 0)).toBe(false);
  });

  it('refuses to repair a prize with more tickets dealt from the epoch than its manifest holds', () => {
    expect(isRepairable('prize_remaining', -1)).toBe(false);
  });

  it('reports the signed difference recorded − expected', () => {
    const row = {
      productId: 'p',
      productName: 'P',
      prizeId: null,
      prizeCode: null,
      recorded: 5,
      expected: 3,
    };
    expect(toDriftItem('inventory_reserved', row)).toMatchObject({ difference: 2, repairable: true });
  });
});
