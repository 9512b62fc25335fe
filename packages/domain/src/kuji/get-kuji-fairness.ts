import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import {
  kujiBeaconChains,
  kujiDeckEpochs,
  kujiDecks,
  kujiDrawLog,
  kujiPrizes,
  products,
  tickets,
  type Executor,
} from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { rows } from '../shared/sql.js';
import { prizeLines } from './board.queries.js';
import { LAST_ONE_TIER } from './prize.rules.js';
import { productPubliclyVisibleAt } from '../catalog/sale-window.queries.js';
import { RECIPE_V2, type CardEntry, type LastOneEntry } from '../kuji-verifier/recipe-v2.js';

export const RECIPE_DESCRIPTION =
  'popbox-kuji-v2: each epoch commits SHA-256("popbox-kuji-v2\\n{seed}\\n{epoch}\\n{firstPosition}\\n{cards}\\n' +
  '{lastOne}\\n{beaconChainHash}") before it is sold. Each paid line is appended to a hash-chained public log with ' +
  'the first beacon round published ≥ 1 s after it was written. A round deals its lines in ascending ' +
  'SHA-256(randomness ‖ lineRef) order; each line draws its cards without replacement from the undealt cards ' +
  '(uniform index over the cards, walking the manifest) with the stream SHA-256(SHA-256(seed ‖ randomness ‖ ' +
  'lineRef) ‖ uint32be(k)); the line taking the final card wins the Last One. The byte-exact recipe and test ' +
  'vectors: packages/domain/src/kuji-verifier/RECIPE.md. Verifier: import { verifyBoard, verifyTicket } from ' +
  '"@popbox/domain/kuji-verifier", or open /kuji/{slug}/verify.';

type EpochRow = typeof kujiDeckEpochs.$inferSelect;

/** Dealt cards as the TICKETS hold them (issue 12: the tickets are the record), for the given epochs. */
async function dealtCardsOf(db: Executor, epochIds: string[]) {
  if (epochIds.length === 0) return [];
  return db
    .select({
      epochId: tickets.deckEpochId,
      drawLogId: tickets.drawLogId,
      position: tickets.deckPosition,
      prizeId: tickets.kujiPrizeId,
      prizeCode: kujiPrizes.prizeCode,
    })
    .from(tickets)
    .innerJoin(kujiPrizes, eq(kujiPrizes.id, tickets.kujiPrizeId))
    .where(and(inArray(tickets.deckEpochId, epochIds), isNotNull(tickets.deckPosition)))
    .orderBy(asc(tickets.deckPosition));
}

/**
 * A board's public fairness document (F12, issue 12): live per-tier counts, every epoch's commitment,
 * manifest and Last One promise, the seeds already revealed, the hash-chained draw log with each line's
 * target round and (once dealt) positions, the cards of revealed epochs as the tickets hold them, the beacon
 * rounds used and the chains that verify them. Everything `verifyBoard` needs; nothing personal (line
 * references only) and no unrevealed seed or prize.
 */
export async function getKujiFairness(deps: Pick<Deps, 'db' | 'clock'>, slug: string) {
  const db = deps.db;
  const [product] = await db
    .select({ id: products.id, slug: products.slug, name: products.name })
    .from(products)
    .where(
      and(
        eq(products.slug, slug),
        eq(products.productType, 'kuji'),
        // Issue 13: a hidden drop's board is unknown until its start, like every public read.
        productPubliclyVisibleAt(deps.clock.now()),
      ),
    );
  if (!product) throw notFound('Kuji board');

  const [lines, [deck], epochs, log] = await Promise.all([
    prizeLines(db, product.id),
    db.select().from(kujiDecks).where(eq(kujiDecks.productId, product.id)),
    db
      .select()
      .from(kujiDeckEpochs)
      .where(eq(kujiDeckEpochs.productId, product.id))
      .orderBy(asc(kujiDeckEpochs.epoch)),
    db.select().from(kujiDrawLog).where(eq(kujiDrawLog.productId, product.id)).orderBy(asc(kujiDrawLog.seq)),
  ]);

  const revealed = epochs.filter((e) => e.revealedAt !== null);
  const cards = await dealtCardsOf(
    db,
    revealed.map((e) => e.id),
  );
  const cardsByLine = new Map<string, Array<{ position: number; prizeId: string; prizeCode: string }>>();
  const v1Dealt = new Map<string, Array<{ position: number; prizeId: string; prizeCode: string }>>();
  for (const c of cards) {
    const card = { position: c.position!, prizeId: c.prizeId!, prizeCode: c.prizeCode };
    if (c.drawLogId) cardsByLine.set(c.drawLogId, [...(cardsByLine.get(c.drawLogId) ?? []), card]);
    else v1Dealt.set(c.epochId!, [...(v1Dealt.get(c.epochId!) ?? []), card]);
  }
  const revealedEpochNumbers = new Set(revealed.map((e) => e.epoch));

  const chainHashes = [...new Set(epochs.map((e) => e.beaconChainHash).filter((h): h is string => !!h))];
  const [chains, rounds] = await Promise.all([
    chainHashes.length
      ? db.select().from(kujiBeaconChains).where(inArray(kujiBeaconChains.hash, chainHashes))
      : Promise.resolve([]),
    rows<{ chainHash: string; round: number; randomness: string; signature: string }>(
      db,
      sql`select r.chain_hash as "chainHash", r.round::int as round, r.randomness, r.signature
            from kuji_beacon_rounds r
           where (r.chain_hash, r.round) in (
                 select e.beacon_chain_hash, l.target_round from kuji_draw_log l
                   join kuji_deck_epochs e on e.product_id = l.product_id and e.epoch = l.epoch
                  where l.product_id = ${product.id} and l.kind = 'draw' and l.dealt_at is not null)
           order by r.round`,
    ),
  ]);

  const tiers = new Map<string, { tier: string; remaining: number; initial: number }>();
  for (const line of lines.filter((l) => l.prizeTier !== LAST_ONE_TIER)) {
    const t = tiers.get(line.prizeTier) ?? { tier: line.prizeTier, remaining: 0, initial: 0 };
    t.remaining += line.remainingQuantity;
    t.initial += line.initialQuantity;
    tiers.set(line.prizeTier, t);
  }
  const lastOneLine = lines.find((l) => l.prizeTier === LAST_ONE_TIER);
  const winner = log.find((e) => e.wonLastOne === true);
  const dealtCards = (deck?.nextPosition ?? 1) - 1;
  const pendingCards = deck ? deck.claimedThrough - dealtCards : 0;

  return {
    productId: product.id,
    slug: product.slug,
    name: product.name,
    recipe: { version: RECIPE_V2, description: RECIPE_DESCRIPTION },
    totalCards: deck?.totalCards ?? 0,
    dealtCards,
    pendingCards,
    remainingCards: deck
      ? deck.totalCards - deck.claimedThrough
      : [...tiers.values()].reduce((n, t) => n + t.remaining, 0),
    tiers: [...tiers.values()],
    lastOne: lastOneLine
      ? {
          prizeCode: lastOneLine.prizeCode,
          name: lastOneLine.name,
          awarded: winner !== undefined,
          lineRef: winner?.lineRef ?? null,
        }
      : null,
    beacon: {
      chains: chains.map((c) => ({
        hash: c.hash,
        scheme: c.scheme,
        publicKey: c.publicKey,
        periodSeconds: c.periodSeconds,
        genesisTime: c.genesisTime,
        label: c.label,
      })),
    },
    epochs: epochs.map((epoch: EpochRow) => ({
      epoch: epoch.epoch,
      recipeVersion: epoch.recipeVersion,
      firstPosition: epoch.firstPosition,
      cardCount: epoch.cardCount,
      commitment: epoch.commitment,
      manifest: epoch.manifest as CardEntry[],
      lastOne: (epoch.lastOne as LastOneEntry | null) ?? null,
      changes: epoch.changes as Array<{ prizeId: string; code: string; before: number; after: number }>,
      beaconChainHash: epoch.beaconChainHash,
      seedHex: epoch.revealedAt ? epoch.seedHex : null,
      revealedAt: epoch.revealedAt?.toISOString() ?? null,
      revealReason: epoch.revealReason,
      createdAt: epoch.createdAt.toISOString(),
      dealt: epoch.recipeVersion === RECIPE_V2 ? [] : (v1Dealt.get(epoch.id) ?? []),
    })),
    log: log.map((e) => ({
      seq: e.seq,
      kind: e.kind as 'epoch' | 'draw' | 'void',
      epoch: e.epoch,
      lineRef: e.lineRef,
      ticketCount: e.ticketCount,
      targetRound: e.targetRound,
      commitment: e.commitment,
      voidPositions: e.voidPositions,
      voidReason: e.voidReason,
      prevHash: e.prevHash,
      entryHash: e.entryHash,
      loggedAt: e.loggedAt.toISOString(),
      firstPosition: e.firstPosition,
      wonLastOne: e.wonLastOne,
      dealtAt: e.dealtAt?.toISOString() ?? null,
      cards:
        e.kind === 'draw' && e.dealtAt && revealedEpochNumbers.has(e.epoch)
          ? (cardsByLine.get(e.id) ?? [])
          : null,
    })),
    rounds,
  };
}

export type KujiFairnessDocument = Awaited<ReturnType<typeof getKujiFairness>>;
