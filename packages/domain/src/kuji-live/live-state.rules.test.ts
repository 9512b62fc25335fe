import { describe, expect, it } from 'vitest';
import { liveCounts, liveTiers, recentRounds } from './live-state.rules.js';

const line = (prizeTier: string, initialQuantity: number, remainingQuantity: number) => ({
  prizeTier,
  initialQuantity,
  remainingQuantity,
});

describe('live board rules', () => {
  it('sums tiers in board order and leaves the Last One out', () => {
    const tiers = liveTiers([line('B', 3, 2), line('A', 1, 1), line('B', 4, 0), line('LO', 1, 1)], 'LO');
    expect(tiers).toEqual([
      { tier: 'B', remaining: 2, initial: 7 },
      { tier: 'A', remaining: 1, initial: 1 },
    ]);
  });

  it('splits the deck into dealt, pending and remaining cards; counts prizes before a deck exists', () => {
    expect(liveCounts({ totalCards: 10, nextPosition: 4, claimedThrough: 7 }, [])).toEqual({
      totalCards: 10,
      dealtCards: 3,
      pendingCards: 4,
      remainingCards: 3,
    });
    expect(liveCounts(undefined, [{ tier: 'A', remaining: 2, initial: 3 }])).toEqual({
      totalCards: 2,
      dealtCards: 0,
      pendingCards: 0,
      remainingCards: 2,
    });
  });

  it('summarises the newest rounds first and drops the oldest round of a full window', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const window = [
      { round: 9, ticketCount: 2, dealtAt: at(9) },
      { round: 9, ticketCount: 3, dealtAt: at(10) },
      { round: 7, ticketCount: 1, dealtAt: at(7) },
      { round: 5, ticketCount: 4, dealtAt: at(5) },
    ];
    expect(recentRounds(window, false)).toEqual([
      { round: 9, lines: 2, cards: 5, dealtAt: at(10).toISOString() },
      { round: 7, lines: 1, cards: 1, dealtAt: at(7).toISOString() },
      { round: 5, lines: 1, cards: 4, dealtAt: at(5).toISOString() },
    ]);
    expect(recentRounds(window, true).map((r) => r.round)).toEqual([9, 7]);
    expect(recentRounds(window, false, 1).map((r) => r.round)).toEqual([9]);
  });
});
