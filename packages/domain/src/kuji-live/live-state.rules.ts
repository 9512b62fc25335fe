/** Pure rules of the live board (issue 12): counts and round summaries from the rows it reads. */

export interface KujiLiveTier {
  tier: string;
  remaining: number;
  initial: number;
}

export interface KujiLiveRound {
  round: number;
  /** Paid lines dealt with this round. */
  lines: number;
  /** Cards those lines took. */
  cards: number;
  /** When the round's last line was dealt (ISO). */
  dealtAt: string;
}

/** What a live-board subscriber receives: one board's public, changing state. */
export interface KujiLiveState {
  /** `kuji_decks.version` (0 before the board has a deck): the event id of the stream. */
  version: number;
  productId: string;
  slug: string;
  tiers: KujiLiveTier[];
  totalCards: number;
  dealtCards: number;
  /** Claimed by paid lines, waiting for their beacon round. */
  pendingCards: number;
  /** Still for sale (neither dealt nor claimed). */
  remainingCards: number;
  /** Beacon rounds paid lines are waiting for, ascending. */
  pendingRounds: number[];
  /** The latest dealt rounds, newest first. */
  recentRounds: KujiLiveRound[];
  lastOne: { awarded: boolean; lineRef: string | null } | null;
}

export const RECENT_ROUNDS = 10;

interface PrizeLine {
  prizeTier: string;
  initialQuantity: number;
  remainingQuantity: number;
}

/** Per-tier sums of the non-Last-One lines, tiers in board order (first line of each tier). */
export function liveTiers(lines: PrizeLine[], lastOneTier: string): KujiLiveTier[] {
  const tiers = new Map<string, KujiLiveTier>();
  for (const line of lines) {
    if (line.prizeTier === lastOneTier) continue;
    const t = tiers.get(line.prizeTier) ?? { tier: line.prizeTier, remaining: 0, initial: 0 };
    t.remaining += line.remainingQuantity;
    t.initial += line.initialQuantity;
    tiers.set(line.prizeTier, t);
  }
  return [...tiers.values()];
}

/**
 * Card counts from the deck row: dealt = positions before `next_position`, pending = claimed but not dealt,
 * remaining = not claimed. A board without a deck yet counts its prizes' remaining quantities.
 */
export function liveCounts(
  deck: { totalCards: number; nextPosition: number; claimedThrough: number } | undefined,
  tiers: KujiLiveTier[],
): Pick<KujiLiveState, 'totalCards' | 'dealtCards' | 'pendingCards' | 'remainingCards'> {
  if (!deck) {
    const remaining = tiers.reduce((n, t) => n + t.remaining, 0);
    return { totalCards: remaining, dealtCards: 0, pendingCards: 0, remainingCards: remaining };
  }
  const dealt = deck.nextPosition - 1;
  const claimed = Math.max(deck.claimedThrough, dealt);
  return {
    totalCards: deck.totalCards,
    dealtCards: dealt,
    pendingCards: claimed - dealt,
    remainingCards: deck.totalCards - claimed,
  };
}

/**
 * Summaries of the latest dealt rounds from a window of the latest dealt lines (newest first by log order).
 * Lines are logged in round order, so only the oldest round of a full window can be cut short: it is left
 * out rather than shown with partial counts.
 */
export function recentRounds(
  window: Array<{ round: number; ticketCount: number; dealtAt: Date }>,
  windowFull: boolean,
  limit = RECENT_ROUNDS,
): KujiLiveRound[] {
  const rounds = new Map<number, { round: number; lines: number; cards: number; dealtAt: Date }>();
  for (const line of window) {
    const r = rounds.get(line.round) ?? { round: line.round, lines: 0, cards: 0, dealtAt: line.dealtAt };
    r.lines += 1;
    r.cards += line.ticketCount;
    if (line.dealtAt > r.dealtAt) r.dealtAt = line.dealtAt;
    rounds.set(line.round, r);
  }
  let sorted = [...rounds.values()].sort((a, b) => b.round - a.round);
  if (windowFull && sorted.length > 1) sorted = sorted.slice(0, -1);
  return sorted.slice(0, limit).map((r) => ({ ...r, dealtAt: r.dealtAt.toISOString() }));
}
