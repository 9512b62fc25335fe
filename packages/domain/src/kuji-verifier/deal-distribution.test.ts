import { describe, expect, it } from 'vitest';
import { drawLine, orderLinesOfRound, sha256Hex } from './recipe-v2.js';

/**
 * Chi-square test of independence between position and prize over many deterministic-seed deals of a
 * 10-card board (A×1, B×2, C×3, D×4) sold as lines of 3, 1, 4 and 2 cards in one beacon round: if the deal is
 * uniform, every position holds each prize with probability count/10.
 */
describe('deal distribution', () => {
  it('is uniform per position (chi-square below the 99.9% critical value)', async () => {
    const manifest = [
      { prizeId: 'A', count: 1 },
      { prizeId: 'B', count: 2 },
      { prizeId: 'C', count: 3 },
      { prizeId: 'D', count: 4 },
    ];
    const cards = 10;
    const deals = 3000;
    const observed = Array.from({ length: cards }, () => new Map(manifest.map((m) => [m.prizeId, 0])));
    for (let i = 0; i < deals; i++) {
      const seed = await sha256Hex(`seed ${i}`);
      const randomness = await sha256Hex(`round ${i}`);
      const lines = [3, 1, 4, 2].map((count, k) => ({ lineRef: `ln_${String(k).padStart(16, '0')}`, count }));
      const undealt = manifest.map((m) => ({ ...m }));
      let position = 0;
      for (const line of await orderLinesOfRound(randomness, lines)) {
        for (const prizeId of await drawLine(seed, randomness, line.lineRef, undealt, line.count)) {
          const row = observed[position++]!;
          row.set(prizeId, row.get(prizeId)! + 1);
        }
      }
      expect(position).toBe(cards);
      expect(undealt.every((m) => m.count === 0)).toBe(true);
    }
    const chiSquare = (table: Array<Map<string, number>>) => {
      let chi2 = 0;
      for (const row of table)
        for (const m of manifest) {
          const expected = (deals * m.count) / cards;
          chi2 += (row.get(m.prizeId)! - expected) ** 2 / expected;
        }
      return chi2;
    };
    // df = (10 − 1)(4 − 1) = 27; the 99.9% critical value of χ²(27) is 55.476.
    expect(chiSquare(observed)).toBeLessThan(55.476);
    // The test has teeth: the same deals with A forced onto the first position fail it.
    const biased = observed.map((row, p) =>
      p === 0 ? new Map(manifest.map((m) => [m.prizeId, m.prizeId === 'A' ? deals : 0])) : row,
    );
    expect(chiSquare(biased)).toBeGreaterThan(55.476);
  }, 60_000);
});
