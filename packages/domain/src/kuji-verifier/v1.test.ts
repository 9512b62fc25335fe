import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeCommitment, shuffleDeck, verifyEpoch, RECIPE_VERSION, type ManifestEntry } from './v1.js';

const manifest: ManifestEntry[] = [
  { prizeId: 'a', code: 'A1', tier: 'A', count: 1 },
  { prizeId: 'b', code: 'B1', tier: 'B', count: 3 },
  { prizeId: 'c', code: 'C1', tier: 'C', count: 6 },
];
const seed = 'ab'.repeat(32);

describe('kuji deck recipe', () => {
  it('is deterministic for a seed and a permutation of the manifest', async () => {
    const a = await shuffleDeck(seed, manifest);
    expect(await shuffleDeck(seed, manifest)).toEqual(a);
    expect([...a].sort()).toEqual(['a', 'b', 'b', 'b', 'c', 'c', 'c', 'c', 'c', 'c']);
    expect(await shuffleDeck('cd'.repeat(32), manifest)).not.toEqual(a);
  });

  it('binds the commitment to seed, first position and manifest', async () => {
    const c = await computeCommitment(seed, 1, manifest);
    expect(c).toMatch(/^[0-9a-f]{64}$/);
    expect(await computeCommitment(seed, 2, manifest)).not.toBe(c);
    expect(await computeCommitment('cd'.repeat(32), 1, manifest)).not.toBe(c);
    expect(await computeCommitment(seed, 1, [{ ...manifest[0]!, count: 2 }, ...manifest.slice(1)])).not.toBe(
      c,
    );
  });

  it('accepts an honest epoch and rejects a tampered seed, manifest or dealt card', async () => {
    const deck = await shuffleDeck(seed, manifest);
    const dealt = deck.map((prizeId, i) => ({ position: 11 + i, prizeId }));
    const commitment = await computeCommitment(seed, 11, manifest);
    const honest = {
      recipeVersion: RECIPE_VERSION,
      seedHex: seed,
      commitment,
      firstPosition: 11,
      manifest,
      dealt,
    };
    expect(await verifyEpoch(honest)).toEqual({ ok: true, problems: [] });
    expect((await verifyEpoch({ ...honest, seedHex: 'cd'.repeat(32) })).ok).toBe(false);
    expect((await verifyEpoch({ ...honest, manifest: [...manifest].reverse() })).ok).toBe(false);
    const swapped = dealt.map((d) => ({ ...d }));
    const firstB = swapped.findIndex((d) => d.prizeId === 'b');
    const firstC = swapped.findIndex((d) => d.prizeId === 'c');
    [swapped[firstB]!.prizeId, swapped[firstC]!.prizeId] = ['c', 'b'];
    const tampered = await verifyEpoch({ ...honest, dealt: swapped });
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toHaveLength(2);
  });

  it('deals each tier to each position in proportion to its count (chi-square, 2000 shuffles)', async () => {
    const shuffles = 2000;
    const tiers = { a: 1, b: 3, c: 6 } as const;
    const counts = Array.from({ length: 10 }, () => ({ a: 0, b: 0, c: 0 }));
    for (let s = 0; s < shuffles; s++) {
      // Deterministic, independent-looking seeds: a statistical test that cannot flake.
      const deck = await shuffleDeck(createHash('sha256').update(`chi-square-${s}`).digest('hex'), manifest);
      deck.forEach((prizeId, position) => counts[position]![prizeId as keyof typeof tiers]++);
    }
    // Per position: 3 categories → 2 degrees of freedom; 0.999 quantile 13.82. A biased shuffle (e.g. the
    // classic j in [0, n) mistake, or modulo bias) fails this reliably at 2000 shuffles.
    for (const observed of counts) {
      let chi2 = 0;
      for (const [tier, count] of Object.entries(tiers)) {
        const expected = (shuffles * count) / 10;
        chi2 += (observed[tier as keyof typeof tiers] - expected) ** 2 / expected;
      }
      expect(chi2).toBeLessThan(13.82);
    }
  });
});
