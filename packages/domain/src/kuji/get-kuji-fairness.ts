import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { kujiDeckCards, kujiDeckEpochs, kujiDecks, kujiPrizes, products } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { prizeLines } from './board.queries.js';
import { LAST_ONE_TIER } from './prize.rules.js';
import { RECIPE_VERSION, type ManifestEntry } from '../kuji-verifier/v1.js';

export const RECIPE_DESCRIPTION =
  'popbox-kuji-v1: cards = each manifest entry (board order) repeated `count` times; random stream = ' +
  'SHA-256(seed ‖ uint32be(k)) for k = 0,1,…, read as uint32be words; Fisher–Yates from the last index down, ' +
  'j uniform in [0, i] by rejection sampling; card at position firstPosition + index. Commitment = SHA-256 of ' +
  '"popbox-kuji-v1\\n{seedHex}\\n{firstPosition}\\n" + JSON of [[prizeId, code, tier, count], …]. ' +
  'Verifier: import { verifyEpoch } from "@popbox/domain/kuji-verifier".';

/**
 * A board's public fairness record (F12): live per-tier remaining counts, every epoch's commitment and
 * manifest, the seeds already revealed, and — for revealed epochs only — the dealt cards, so anyone can
 * recompute the deck and check every allocation. Unrevealed epochs never expose their seed or card order.
 */
export async function getKujiFairness(deps: Pick<Deps, 'db'>, slug: string) {
  const db = deps.db;
  const [product] = await db
    .select({ id: products.id, slug: products.slug, name: products.name })
    .from(products)
    .where(and(eq(products.slug, slug), eq(products.productType, 'kuji'), eq(products.status, 'active')));
  if (!product) throw notFound('Kuji board');

  const [lines, [deck], epochs] = await Promise.all([
    prizeLines(db, product.id),
    db.select().from(kujiDecks).where(eq(kujiDecks.productId, product.id)),
    db
      .select()
      .from(kujiDeckEpochs)
      .where(eq(kujiDeckEpochs.productId, product.id))
      .orderBy(asc(kujiDeckEpochs.epoch)),
  ]);

  const tiers = new Map<string, { tier: string; remaining: number; initial: number }>();
  for (const line of lines.filter((l) => l.prizeTier !== LAST_ONE_TIER)) {
    const t = tiers.get(line.prizeTier) ?? { tier: line.prizeTier, remaining: 0, initial: 0 };
    t.remaining += line.remainingQuantity;
    t.initial += line.initialQuantity;
    tiers.set(line.prizeTier, t);
  }
  const lastOne = lines.find((l) => l.prizeTier === LAST_ONE_TIER);
  const nextPosition = deck?.nextPosition ?? 1;

  const views = [];
  for (const epoch of epochs) {
    const revealed = epoch.revealedAt !== null;
    const lastPosition = Math.min(epoch.firstPosition + epoch.cardCount - 1, nextPosition - 1);
    const dealt =
      revealed && lastPosition >= epoch.firstPosition
        ? await db
            .select({
              position: kujiDeckCards.position,
              prizeId: kujiDeckCards.prizeId,
              prizeCode: kujiPrizes.prizeCode,
            })
            .from(kujiDeckCards)
            .innerJoin(kujiPrizes, eq(kujiPrizes.id, kujiDeckCards.prizeId))
            .where(
              and(
                eq(kujiDeckCards.epochId, epoch.id),
                gte(kujiDeckCards.position, epoch.firstPosition),
                lte(kujiDeckCards.position, lastPosition),
              ),
            )
            .orderBy(asc(kujiDeckCards.position))
        : [];
    views.push({
      epoch: epoch.epoch,
      firstPosition: epoch.firstPosition,
      cardCount: epoch.cardCount,
      recipeVersion: epoch.recipeVersion,
      commitment: epoch.commitment,
      manifest: epoch.manifest as ManifestEntry[],
      seedHex: revealed ? epoch.seedHex : null,
      revealedAt: epoch.revealedAt?.toISOString() ?? null,
      createdAt: epoch.createdAt.toISOString(),
      dealt,
    });
  }

  return {
    productId: product.id,
    slug: product.slug,
    name: product.name,
    totalCards: deck?.totalCards ?? 0,
    dealtCards: nextPosition - 1,
    remainingCards: deck
      ? deck.totalCards - (nextPosition - 1)
      : [...tiers.values()].reduce((n, t) => n + t.remaining, 0),
    tiers: [...tiers.values()],
    lastOne: lastOne
      ? {
          prizeCode: lastOne.prizeCode,
          name: lastOne.name,
          awarded: lastOne.remainingQuantity === 0 && lastOne.initialQuantity > 0,
        }
      : null,
    recipe: { version: RECIPE_VERSION, description: RECIPE_DESCRIPTION },
    epochs: views,
  };
}
