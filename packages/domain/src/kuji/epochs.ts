import { and, asc, eq, gte, isNotNull, isNull, sql } from 'drizzle-orm';
import {
  kujiBeaconChains,
  kujiDeckCards,
  kujiDeckEpochs,
  kujiDecks,
  products,
  tickets,
  type Tx,
} from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import {
  computeCommitmentV2,
  RECIPE_V2,
  type CardEntry,
  type LastOneEntry,
} from '../kuji-verifier/recipe-v2.js';
import { prizeLines } from './board.queries.js';
import { appendLogEntry, touchKujiBoard } from './draw-log.js';
import { LAST_ONE_TIER } from './prize.rules.js';

export type EpochDeps = Pick<Deps, 'random' | 'clock' | 'beacon'>;

export type RevealReason = 'sold_out' | 'admin_change' | 'ended' | 'upgraded';

export interface EpochChange {
  prizeId: string;
  code: string;
  before: number;
  after: number;
}

type DeckRow = typeof kujiDecks.$inferSelect;
type EpochRow = typeof kujiDeckEpochs.$inferSelect;

/** What the board's prizes say it should hold now: cards per non-LO prize, and whether the LO is still there. */
async function desiredBoard(tx: Tx, productId: string) {
  const lines = await prizeLines(tx, productId);
  const manifest: CardEntry[] = lines
    .filter((p) => p.prizeTier !== LAST_ONE_TIER && p.remainingQuantity > 0)
    .map((p) => ({ prizeId: p.id, code: p.prizeCode, tier: p.prizeTier, count: p.remainingQuantity }));
  const lo = lines.find((p) => p.prizeTier === LAST_ONE_TIER && p.remainingQuantity > 0);
  const lastOne: LastOneEntry | null = lo ? { prizeId: lo.id, code: lo.prizeCode, count: 1 } : null;
  const codes = new Map(lines.map((p) => [p.id, p.prizeCode]));
  return { manifest, lastOne, codes, cards: manifest.reduce((n, e) => n + e.count, 0) };
}

/** The current epoch's undealt cards per prize: its manifest minus the cards dealt from it. */
async function undealtOfEpoch(tx: Tx, epoch: EpochRow): Promise<Map<string, number>> {
  const undealt = new Map<string, number>();
  for (const e of epoch.manifest as CardEntry[]) undealt.set(e.prizeId, e.count);
  const dealt = await tx
    .select({ prizeId: tickets.kujiPrizeId, n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.deckEpochId, epoch.id), isNotNull(tickets.deckPosition)))
    .groupBy(tickets.kujiPrizeId);
  for (const d of dealt) if (d.prizeId) undealt.set(d.prizeId, (undealt.get(d.prizeId) ?? 0) - d.n);
  return undealt;
}

function changesBetween(
  before: Map<string, number>,
  codes: Map<string, string>,
  manifest: CardEntry[],
): EpochChange[] {
  const after = new Map(manifest.map((e) => [e.prizeId, e.count]));
  const ids = new Set([...before.keys(), ...after.keys()]);
  const changes: EpochChange[] = [];
  for (const prizeId of ids) {
    const b = before.get(prizeId) ?? 0;
    const a = after.get(prizeId) ?? 0;
    if (a !== b) changes.push({ prizeId, code: codes.get(prizeId) ?? '?', before: b, after: a });
  }
  return changes.sort((x, y) => x.code.localeCompare(y.code));
}

const sameLastOne = (a: LastOneEntry | null, b: LastOneEntry | null) =>
  (a?.prizeId ?? null) === (b?.prizeId ?? null) && (a?.count ?? 0) === (b?.count ?? 0);

async function currentEpochOf(tx: Tx, deck: DeckRow): Promise<EpochRow | null> {
  if (deck.currentEpoch < 1) return null;
  const [epoch] = await tx
    .select()
    .from(kujiDeckEpochs)
    .where(and(eq(kujiDeckEpochs.productId, deck.productId), eq(kujiDeckEpochs.epoch, deck.currentEpoch)));
  return epoch ?? null;
}

/** Records the beacon chain (once) so the fairness document can publish what verifies its rounds. */
async function recordBeaconChain(tx: Tx, deps: EpochDeps): Promise<string> {
  const chain = deps.beacon.chain();
  await tx
    .insert(kujiBeaconChains)
    .values({
      hash: chain.hash,
      scheme: chain.scheme,
      publicKey: chain.publicKey,
      periodSeconds: chain.periodSeconds,
      genesisTime: chain.genesisTime,
      label: chain.label,
    })
    .onConflictDoNothing();
  return chain.hash;
}

/**
 * Opens a v2 epoch: a fresh CSPRNG seed, the manifest and Last One it commits to, the beacon chain that will
 * deal it, and the commitment — appended to the public draw log in the same transaction, so it is published
 * before any ticket of the epoch can be bought.
 */
async function openEpoch(
  tx: Tx,
  deps: EpochDeps,
  deck: DeckRow,
  board: { manifest: CardEntry[]; lastOne: LastOneEntry | null; cards: number },
  changes: EpochChange[],
): Promise<void> {
  const epochNumber = deck.currentEpoch + 1;
  const firstPosition = deck.nextPosition;
  const seedHex = Buffer.from(deps.random.bytes(32)).toString('hex');
  const beaconChainHash = await recordBeaconChain(tx, deps);
  const commitment = await computeCommitmentV2({
    seedHex,
    epoch: epochNumber,
    firstPosition,
    manifest: board.manifest,
    lastOne: board.lastOne,
    beaconChainHash,
  });
  await tx.insert(kujiDeckEpochs).values({
    productId: deck.productId,
    epoch: epochNumber,
    firstPosition,
    cardCount: board.cards,
    seedHex,
    commitment,
    recipeVersion: RECIPE_V2,
    manifest: board.manifest,
    lastOne: board.lastOne,
    changes,
    beaconChainHash,
  });
  await appendLogEntry(tx, {
    productId: deck.productId,
    kind: 'epoch',
    epoch: epochNumber,
    lineRef: null,
    ticketCount: board.cards,
    targetRound: null,
    commitment,
    voidPositions: null,
    voidReason: null,
    loggedAt: deps.clock.now(),
  });
  await tx
    .update(kujiDecks)
    .set({ totalCards: firstPosition - 1 + board.cards, currentEpoch: epochNumber })
    .where(eq(kujiDecks.productId, deck.productId));
}

/** Reveals an epoch's seed (the reason is published with it). */
export async function revealEpoch(tx: Tx, deps: Pick<Deps, 'clock'>, epochId: string, reason: RevealReason) {
  await tx
    .update(kujiDeckEpochs)
    .set({ revealedAt: deps.clock.now(), revealReason: reason })
    .where(and(eq(kujiDeckEpochs.id, epochId), isNull(kujiDeckEpochs.revealedAt)));
}

const pendingCards = (deck: DeckRow) => deck.claimedThrough - (deck.nextPosition - 1);

/**
 * Keeps a board's epochs in step with its prizes and status (issue 12). Call with the board locked
 * (`lockKujiBoard`) after any change to its prizes, status or type:
 * - a board not on sale (draft, archived, not kuji — or, issue 13, a HIDDEN drop before its start) reveals its
 *   open epoch's seed (`ended`) and opens none: a hidden board's commitment is published at its start (by the
 *   jobs app's sweep, or by the first checkout after the start, see placePendingOrder), an announced board's
 *   as soon as it is active, before its start;
 * - a board on sale without an open v2 epoch gets one (first activation, re-activation, legacy v1 upgrade);
 * - when the prizes no longer match the open epoch's undealt cards (an admin withdrew or added prizes), the
 *   epoch is closed (seed revealed, `admin_change`) and a new one opens whose manifest states the changes.
 *   Refused while paid lines wait for their beacon round (409 KUJI_DRAWS_PENDING), and after the board sold
 *   out (409 KUJI_BOARD_SOLD_OUT): one Last One, ever.
 */
export async function syncKujiBoard(tx: Tx, deps: EpochDeps, productId: string): Promise<void> {
  const [product] = await tx
    .select({
      status: products.status,
      type: products.productType,
      preSaleVisibility: products.preSaleVisibility,
      salesStartAt: products.salesStartAt,
    })
    .from(products)
    .where(eq(products.id, productId));
  let [deck] = await tx.select().from(kujiDecks).where(eq(kujiDecks.productId, productId));
  const current = deck ? await currentEpochOf(tx, deck) : null;
  const hiddenBeforeStart =
    product?.preSaleVisibility === 'hidden' &&
    product.salesStartAt !== null &&
    deps.clock.now() < product.salesStartAt;
  const onSale = product?.type === 'kuji' && product.status === 'active' && !hiddenBeforeStart;

  if (!onSale) {
    if (current && !current.revealedAt) {
      await revealEpoch(tx, deps, current.id, 'ended');
      await touchKujiBoard(tx, productId);
    }
    return;
  }

  const board = await desiredBoard(tx, productId);
  if (!deck) {
    if (board.cards === 0 && !board.lastOne) return; // nothing to sell yet: the first prize opens epoch 1
    [deck] = await tx.insert(kujiDecks).values({ productId, totalCards: 0, currentEpoch: 0 }).returning();
    await openEpoch(tx, deps, deck!, board, []);
    await touchKujiBoard(tx, productId);
    return;
  }

  const codes = board.codes;
  if (current && !current.revealedAt && current.recipeVersion === RECIPE_V2) {
    const undealt = await undealtOfEpoch(tx, current);
    const changes = changesBetween(undealt, codes, board.manifest);
    if (changes.length === 0 && sameLastOne(current.lastOne as LastOneEntry | null, board.lastOne)) return;
    if (pendingCards(deck) > 0) {
      throw new DomainError(
        'KUJI_DRAWS_PENDING',
        `${pendingCards(deck)} paid draws of this board are waiting for their beacon round; change its prizes once they are dealt`,
        { pendingCards: pendingCards(deck), retryAfterSeconds: 5 },
      );
    }
    await revealEpoch(tx, deps, current.id, 'admin_change');
    await openEpoch(tx, deps, deck, board, changes);
    await touchKujiBoard(tx, productId);
    return;
  }

  const soldOut =
    current?.revealedAt &&
    (current.revealReason === 'sold_out' ||
      (current.recipeVersion !== RECIPE_V2 && deck.totalCards > 0 && deck.nextPosition > deck.totalCards));
  if (soldOut) {
    if (board.cards === 0 && !board.lastOne) return;
    throw new DomainError(
      'KUJI_BOARD_SOLD_OUT',
      'This board sold out and its Last One was settled; start a new board instead of adding prizes to it',
    );
  }
  if (pendingCards(deck) > 0) {
    throw new DomainError(
      'KUJI_DRAWS_PENDING',
      'Paid draws of this board are waiting for their beacon round',
      {
        pendingCards: pendingCards(deck),
        retryAfterSeconds: 5,
      },
    );
  }
  let before = new Map<string, number>();
  if (current?.recipeVersion === RECIPE_V2) {
    before = await undealtOfEpoch(tx, current);
  } else if (current) {
    // Legacy popbox-kuji-v1 epoch: reveal it and drop its undealt pre-shuffled cards; v2 deals the rest
    // (v1 decremented remaining at every deal, so the prizes' remaining counts are its undealt cards).
    if (!current.revealedAt) await revealEpoch(tx, deps, current.id, 'upgraded');
    await tx
      .delete(kujiDeckCards)
      .where(and(eq(kujiDeckCards.productId, productId), gte(kujiDeckCards.position, deck.nextPosition)));
    before = new Map(board.manifest.map((e) => [e.prizeId, e.count]));
  }
  if (board.cards === 0 && !board.lastOne && current) return;
  await openEpoch(tx, deps, deck, board, changesBetween(before, codes, board.manifest));
  await touchKujiBoard(tx, productId);
}

/** The open v2 epoch a paid line is logged into, or null when the board has none (not on sale). */
export async function openEpochOf(tx: Tx, productId: string) {
  const [row] = await tx
    .select({ epoch: kujiDeckEpochs, deck: kujiDecks })
    .from(kujiDecks)
    .innerJoin(
      kujiDeckEpochs,
      and(
        eq(kujiDeckEpochs.productId, kujiDecks.productId),
        eq(kujiDeckEpochs.epoch, kujiDecks.currentEpoch),
      ),
    )
    .where(
      and(
        eq(kujiDecks.productId, productId),
        isNull(kujiDeckEpochs.revealedAt),
        eq(kujiDeckEpochs.recipeVersion, RECIPE_V2),
      ),
    )
    .orderBy(asc(kujiDeckEpochs.epoch));
  return row ?? null;
}
