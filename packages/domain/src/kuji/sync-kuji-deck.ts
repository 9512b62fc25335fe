import { and, eq, gte, isNull, lt } from 'drizzle-orm';
import { kujiDeckCards, kujiDeckEpochs, kujiDecks, products, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { lockKujiBoard, prizeLines, undealtCards } from './board.queries.js';
import { LAST_ONE_TIER } from './prize.rules.js';
import { computeCommitment, RECIPE_VERSION, shuffleDeck, type ManifestEntry } from '../kuji-verifier/v1.js';

type KujiDeps = Pick<Deps, 'random' | 'clock'>;

/** The cards the board should still hold: one per remaining unit of every non-Last-One prize. */
function desiredManifest(lines: Awaited<ReturnType<typeof prizeLines>>): ManifestEntry[] {
  return lines
    .filter((p) => p.prizeTier !== LAST_ONE_TIER && p.remainingQuantity > 0)
    .map((p) => ({ prizeId: p.id, code: p.prizeCode, tier: p.prizeTier, count: p.remainingQuantity }));
}

function multiset(entries: Array<{ prizeId: string }>): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.prizeId, (counts.get(e.prizeId) ?? 0) + 1);
  return JSON.stringify([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

const manifestMultiset = (m: ManifestEntry[]) =>
  multiset(m.flatMap((e) => Array.from({ length: e.count }, () => ({ prizeId: e.prizeId }))));

/**
 * Shuffles `manifest` under a fresh CSPRNG seed into positions `firstPosition…` as epoch `epochNumber`,
 * publishing its commitment. The seed stays secret until the epoch is revealed.
 */
async function dealNewEpoch(
  tx: Tx,
  deps: KujiDeps,
  productId: string,
  epochNumber: number,
  firstPosition: number,
  manifest: ManifestEntry[],
) {
  const seedHex = Buffer.from(deps.random.bytes(32)).toString('hex');
  const cardCount = manifest.reduce((n, e) => n + e.count, 0);
  const [epoch] = await tx
    .insert(kujiDeckEpochs)
    .values({
      productId,
      epoch: epochNumber,
      firstPosition,
      cardCount,
      seedHex,
      commitment: await computeCommitment(seedHex, firstPosition, manifest),
      recipeVersion: RECIPE_VERSION,
      manifest,
    })
    .returning({ id: kujiDeckEpochs.id });
  const deck = await shuffleDeck(seedHex, manifest);
  if (deck.length) {
    await tx
      .insert(kujiDeckCards)
      .values(
        deck.map((prizeId, i) => ({ productId, position: firstPosition + i, epochId: epoch!.id, prizeId })),
      );
  }
}

/** Reveals the seeds of the board's unrevealed epochs (all of them, or those before `beforeEpoch`). */
async function revealEpochs(tx: Tx, deps: KujiDeps, productId: string, beforeEpoch?: number) {
  await tx
    .update(kujiDeckEpochs)
    .set({ revealedAt: deps.clock.now() })
    .where(
      and(
        eq(kujiDeckEpochs.productId, productId),
        isNull(kujiDeckEpochs.revealedAt),
        beforeEpoch === undefined ? undefined : lt(kujiDeckEpochs.epoch, beforeEpoch),
      ),
    );
}

/**
 * Keeps a board's deck in step with its prizes (F12). Call with the board locked (`lockKujiBoard`) after any
 * prize change, and before a board's first sale:
 * - an active board without a deck gets epoch 1 (its commitment is published before any card is dealt);
 * - when the undealt cards no longer match the prizes' remaining quantities (an admin changed them), the
 *   undealt remainder is re-shuffled under a new seed as a new epoch and the previous epoch's seed is
 *   revealed. Dealt cards never change.
 * Returns the deck row, or null for a board that is not on sale and has no deck.
 */
export async function syncKujiDeck(tx: Tx, deps: KujiDeps, productId: string) {
  const [deck] = await tx.select().from(kujiDecks).where(eq(kujiDecks.productId, productId));
  const manifest = desiredManifest(await prizeLines(tx, productId));
  if (!deck) {
    const [product] = await tx
      .select({ status: products.status, type: products.productType })
      .from(products)
      .where(eq(products.id, productId));
    if (!product || product.type !== 'kuji' || product.status !== 'active') return null;
    const total = manifest.reduce((n, e) => n + e.count, 0);
    await tx.insert(kujiDecks).values({ productId, totalCards: total, nextPosition: 1, currentEpoch: 1 });
    await dealNewEpoch(tx, deps, productId, 1, 1, manifest);
    const [created] = await tx.select().from(kujiDecks).where(eq(kujiDecks.productId, productId));
    return created!;
  }
  const undealt = await undealtCards(tx, productId, deck.nextPosition);
  if (multiset(undealt) === manifestMultiset(manifest)) return deck;

  const epochNumber = deck.currentEpoch + 1;
  await tx
    .delete(kujiDeckCards)
    .where(and(eq(kujiDeckCards.productId, productId), gte(kujiDeckCards.position, deck.nextPosition)));
  await dealNewEpoch(tx, deps, productId, epochNumber, deck.nextPosition, manifest);
  await revealEpochs(tx, deps, productId, epochNumber);
  const total = deck.nextPosition - 1 + manifest.reduce((n, e) => n + e.count, 0);
  const [updated] = await tx
    .update(kujiDecks)
    .set({ totalCards: total, currentEpoch: epochNumber })
    .where(eq(kujiDecks.productId, productId))
    .returning();
  return updated!;
}

/** Reveals every epoch's seed of a sold-out board (F12). */
export async function revealSoldOutBoard(tx: Tx, deps: KujiDeps, productId: string) {
  await revealEpochs(tx, deps, productId);
}

/**
 * Before a board's first sale: make sure its deck exists, so the commitment is published before any card
 * can be bought (F12). Cheap once the deck exists (one primary-key read, no lock).
 */
export async function ensureKujiDeck(tx: Tx, deps: KujiDeps, productId: string): Promise<void> {
  const [deck] = await tx
    .select({ productId: kujiDecks.productId })
    .from(kujiDecks)
    .where(eq(kujiDecks.productId, productId));
  if (deck) return;
  await lockKujiBoard(tx, productId);
  await syncKujiDeck(tx, deps, productId);
}
