import type { CardEntry, LastOneEntry } from './recipe-v2.js';

/**
 * The public fairness document of a kuji board (GET /api/v1/kuji/{slug}/fairness): everything anyone needs to
 * verify the board with `verifyBoard` / `verifyTicket`, without trusting the shop.
 */
export interface FairnessDocument {
  productId: string;
  slug: string;
  name: string;
  recipe: { version: 'popbox-kuji-v2'; description: string };
  totalCards: number;
  dealtCards: number;
  pendingCards: number;
  remainingCards: number;
  tiers: Array<{ tier: string; remaining: number; initial: number }>;
  lastOne: { prizeCode: string; name: string; awarded: boolean; lineRef: string | null } | null;
  beacon: { chains: FairnessBeaconChain[] };
  epochs: FairnessEpoch[];
  log: FairnessLogEntry[];
  rounds: FairnessRound[];
}

export interface FairnessBeaconChain {
  hash: string;
  scheme: string;
  publicKey: string;
  periodSeconds: number;
  genesisTime: number;
  label: string;
}

export interface FairnessCard {
  position: number;
  prizeId: string;
  prizeCode: string;
}

export interface FairnessEpoch {
  epoch: number;
  recipeVersion: 'popbox-kuji-v1' | 'popbox-kuji-v2';
  firstPosition: number;
  cardCount: number;
  commitment: string;
  manifest: CardEntry[];
  lastOne: LastOneEntry | null;
  changes: Array<{ prizeId: string; code: string; before: number; after: number }>;
  beaconChainHash: string | null;
  seedHex: string | null;
  revealedAt: string | null;
  revealReason: string | null;
  createdAt: string;
  /** v1 only (legacy): dealt cards read from the tickets, once revealed. */
  dealt: FairnessCard[];
}

export interface FairnessLogEntry {
  seq: number;
  kind: 'epoch' | 'draw' | 'void';
  epoch: number;
  lineRef: string | null;
  ticketCount: number;
  targetRound: number | null;
  commitment: string | null;
  voidPositions: number[] | null;
  voidReason: string | null;
  prevHash: string;
  entryHash: string;
  /** ISO-8601 UTC with milliseconds. */
  loggedAt: string;
  firstPosition: number | null;
  wonLastOne: boolean | null;
  dealtAt: string | null;
  /** draw entries of a revealed epoch: the line's cards as the TICKETS hold them, by position. */
  cards: FairnessCard[] | null;
}

export interface FairnessRound {
  chainHash: string;
  round: number;
  randomness: string;
  signature: string;
}
