/**
 * A deterministic fake fairness document for the verifier's tests, dealt the way RECIPE.md says the server
 * deals: a revealed legacy v1 epoch, a v2 epoch dealt over three local-beacon rounds with a void and the Last One
 * (revealed at sell-out), and an unrevealed v2 epoch with a dealt and a pending line. Not exported by index.ts.
 */
import { localBeaconKeypair, signBeaconRound } from './beacon-signature.js';
import type { FairnessDocument, FairnessEpoch, FairnessLogEntry } from './fairness-document.js';
import {
  GENESIS_HASH,
  computeCommitmentV2,
  drawLine,
  logEntryHash,
  orderLinesOfRound,
  roundPublishedAt,
  sha256Hex,
  targetRoundFor,
  type CardEntry,
  type LastOneEntry,
} from './recipe-v2.js';
import { computeCommitment, shuffleDeck } from './v1.js';

export const FAKE_BEACON_SECRET = '07'.repeat(32);
const GENESIS = 1_700_000_000;
const PERIOD = 3;
const timing = { genesisTime: GENESIS, periodSeconds: PERIOD };
/** First round used by the fake board. */
export const FAKE_ROUND = 1000;

const A1 = { prizeId: 'p-a1', code: 'A1', tier: 'A' };
const B1 = { prizeId: 'p-b1', code: 'B1', tier: 'B' };
const C1 = { prizeId: 'p-c1', code: 'C1', tier: 'C' };
const LO: LastOneEntry = { prizeId: 'p-lo', code: 'LO', count: 1 };
const codes = new Map([A1, B1, C1, LO].map((p) => [p.prizeId, p.code]));

/** A line logged 2.5 s before `round` is published targets `round`. */
function loggedBefore(round: number, extraMs = 0): string {
  return new Date(roundPublishedAt(timing, round) * 1000 - 2500 + extraMs).toISOString();
}

interface PlannedLine {
  lineRef: string;
  count: number;
  round: number;
  dealt: boolean;
  logOffsetMs: number;
}

interface PlannedEpoch {
  epoch: number;
  seedHex: string;
  firstPosition: number;
  manifest: CardEntry[];
  lastOne: LastOneEntry | null;
  revealReason: string | null;
  lines: PlannedLine[];
}

export async function buildFakeBoard(): Promise<FairnessDocument> {
  const { secretKey, publicKey } = localBeaconKeypair(FAKE_BEACON_SECRET);
  const chain = {
    hash: await sha256Hex('popbox fake beacon chain'),
    scheme: 'bls-unchained-g1-rfc9380',
    publicKey,
    periodSeconds: PERIOD,
    genesisTime: GENESIS,
    label: 'local beacon (tests)',
  };

  // Epoch 1: legacy v1, four cards dealt, revealed at the upgrade.
  const v1Manifest: CardEntry[] = [
    { ...A1, count: 1 },
    { ...B1, count: 2 },
    { ...C1, count: 3 },
  ];
  const v1Seed = 'e1'.repeat(32);
  const v1Deck = await shuffleDeck(v1Seed, v1Manifest);
  const epochs: FairnessEpoch[] = [
    {
      epoch: 1,
      recipeVersion: 'popbox-kuji-v1',
      firstPosition: 1,
      cardCount: 6,
      commitment: await computeCommitment(v1Seed, 1, v1Manifest),
      manifest: v1Manifest,
      lastOne: null,
      changes: [],
      beaconChainHash: null,
      seedHex: v1Seed,
      revealedAt: '2023-11-14T22:00:00.000Z',
      revealReason: 'upgraded',
      createdAt: '2023-11-01T10:00:00.000Z',
      dealt: v1Deck
        .slice(0, 4)
        .map((prizeId, i) => ({ position: 1 + i, prizeId, prizeCode: codes.get(prizeId)! })),
    },
  ];

  const planned: PlannedEpoch[] = [
    {
      epoch: 2,
      seedHex: 'e2'.repeat(32),
      firstPosition: 5,
      manifest: [
        { ...A1, count: 1 },
        { ...B1, count: 2 },
        { ...C1, count: 4 },
      ],
      lastOne: LO,
      revealReason: 'sold_out',
      lines: [
        { lineRef: 'ln_00000000000000a1', count: 2, round: FAKE_ROUND, dealt: true, logOffsetMs: 0 },
        { lineRef: 'ln_00000000000000b2', count: 1, round: FAKE_ROUND, dealt: true, logOffsetMs: 100 },
        { lineRef: 'ln_00000000000000c3', count: 1, round: FAKE_ROUND, dealt: true, logOffsetMs: 200 },
        { lineRef: 'ln_00000000000000d4', count: 2, round: FAKE_ROUND + 1, dealt: true, logOffsetMs: 0 },
        { lineRef: 'ln_00000000000000e5', count: 1, round: FAKE_ROUND + 3, dealt: true, logOffsetMs: 0 },
      ],
    },
    {
      epoch: 3,
      seedHex: 'e3'.repeat(32),
      firstPosition: 12,
      manifest: [
        { ...A1, count: 1 },
        { ...C1, count: 2 },
      ],
      lastOne: null,
      revealReason: null,
      lines: [
        { lineRef: 'ln_00000000000000f6', count: 2, round: FAKE_ROUND + 5, dealt: true, logOffsetMs: 0 },
        { lineRef: 'ln_0000000000000017', count: 1, round: FAKE_ROUND + 6, dealt: false, logOffsetMs: 0 },
      ],
    },
  ];

  const log: FairnessLogEntry[] = [];
  const append = async (entry: Omit<FairnessLogEntry, 'seq' | 'prevHash' | 'entryHash'>) => {
    const prevHash = log.at(-1)?.entryHash ?? GENESIS_HASH;
    const seq = log.length + 1;
    const entryHash = await logEntryHash({ ...entry, prevHash, seq });
    const full: FairnessLogEntry = { ...entry, seq, prevHash, entryHash };
    log.push(full);
    return full;
  };
  const blank = {
    lineRef: null,
    ticketCount: 0,
    targetRound: null,
    commitment: null,
    voidPositions: null,
    voidReason: null,
    firstPosition: null,
    wonLastOne: null,
    dealtAt: null,
    cards: null,
  };

  const rounds = new Map<number, ReturnType<typeof signBeaconRound>>();
  for (const plan of planned) {
    const commitment = await computeCommitmentV2({ ...plan, beaconChainHash: chain.hash });
    const firstRound = Math.min(...plan.lines.map((l) => l.round));
    await append({
      ...blank,
      kind: 'epoch',
      epoch: plan.epoch,
      commitment,
      loggedAt: loggedBefore(firstRound, -600),
    });
    // Deal like the server: rounds ascending, lines of a round in lineOrderKey order.
    const dealt = new Map<
      string,
      Pick<FairnessLogEntry, 'firstPosition' | 'wonLastOne' | 'dealtAt' | 'cards'>
    >();
    const undealt = plan.manifest.map((m) => ({ prizeId: m.prizeId, count: m.count }));
    let remaining = undealt.reduce((n, m) => n + m.count, 0);
    let position = plan.firstPosition;
    const roundNumbers = [...new Set(plan.lines.filter((l) => l.dealt).map((l) => l.round))].sort(
      (a, b) => a - b,
    );
    for (const r of roundNumbers) {
      const signed = signBeaconRound(secretKey, r);
      rounds.set(r, signed);
      const ordered = await orderLinesOfRound(
        signed.randomness,
        plan.lines.filter((l) => l.round === r),
      );
      for (const line of ordered) {
        const prizes = await drawLine(plan.seedHex, signed.randomness, line.lineRef, undealt, line.count);
        remaining -= line.count;
        dealt.set(line.lineRef, {
          firstPosition: position,
          wonLastOne: remaining === 0 && plan.lastOne?.count === 1,
          dealtAt: new Date(roundPublishedAt(timing, r) * 1000 + 400).toISOString(),
          cards: prizes.map((prizeId, k) => ({
            position: position + k,
            prizeId,
            prizeCode: codes.get(prizeId)!,
          })),
        });
        position += line.count;
      }
    }

    const entries = new Map<string, FairnessLogEntry>();
    for (const line of plan.lines) {
      const loggedAt = loggedBefore(line.round, line.logOffsetMs);
      const targetRound = targetRoundFor(timing, Date.parse(loggedAt));
      if (targetRound !== line.round) throw new Error('fake board: bad target round');
      entries.set(
        line.lineRef,
        await append({
          ...blank,
          kind: 'draw',
          epoch: plan.epoch,
          lineRef: line.lineRef,
          ticketCount: line.count,
          targetRound,
          loggedAt,
        }),
      );
      Object.assign(entries.get(line.lineRef)!, dealt.get(line.lineRef) ?? {});
      if (plan.epoch === 2 && line.round === FAKE_ROUND + 1) {
        // A refund of one ticket of the first line, logged once that line was dealt.
        await append({
          ...blank,
          kind: 'void',
          epoch: 2,
          lineRef: 'ln_00000000000000a1',
          ticketCount: 0,
          voidPositions: [dealt.get('ln_00000000000000a1')!.firstPosition! + 1],
          voidReason: 'refund',
          loggedAt: new Date(Date.parse(loggedAt) + 100).toISOString(),
        });
      }
    }

    const revealed = plan.revealReason !== null;
    if (!revealed) for (const entry of entries.values()) entry.cards = null;
    epochs.push({
      epoch: plan.epoch,
      recipeVersion: 'popbox-kuji-v2',
      firstPosition: plan.firstPosition,
      cardCount: plan.manifest.reduce((n, m) => n + m.count, 0),
      commitment,
      manifest: plan.manifest,
      lastOne: plan.lastOne,
      changes: [],
      beaconChainHash: chain.hash,
      seedHex: revealed ? plan.seedHex : null,
      revealedAt: revealed ? new Date(roundPublishedAt(timing, FAKE_ROUND + 4) * 1000).toISOString() : null,
      revealReason: plan.revealReason,
      createdAt: loggedBefore(firstRound, -700),
      dealt: [],
    });
  }

  const loWinner = log.find((e) => e.wonLastOne === true)?.lineRef ?? null;
  return {
    productId: '00000000-0000-4000-8000-000000000001',
    slug: 'fake-board',
    name: 'Fake board',
    recipe: { version: 'popbox-kuji-v2', description: 'see RECIPE.md' },
    totalCards: 13,
    dealtCards: 10,
    pendingCards: 1,
    remainingCards: 2,
    tiers: [],
    lastOne: { prizeCode: 'LO', name: 'Last One', awarded: loWinner !== null, lineRef: loWinner },
    beacon: { chains: [chain] },
    epochs,
    log,
    rounds: [...rounds.values()].map((r) => ({ chainHash: chain.hash, ...r })),
  };
}
