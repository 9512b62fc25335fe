import { and, asc, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { kujiDecks, kujiDrawLog, kujiPrizes, products, type Db, type Executor } from '@popbox/db';
import { notFound } from '../shared/errors.js';
import { productPubliclyVisibleAt } from '../catalog/sale-window.queries.js';
import { LAST_ONE_TIER } from '../kuji/prize.rules.js';
import { liveCounts, liveTiers, recentRounds, type KujiLiveState } from './live-state.rules.js';

/** How many of the latest dealt lines the recent-round summaries are built from (bounded cost per read). */
const RECENT_LINES_WINDOW = 1000;

/**
 * The public board a live subscriber may follow: a publicly visible kuji product at `now` (404 otherwise —
 * a hidden drop before its start too — like the fairness document), found by slug or product id.
 */
export async function findKujiLiveBoard(
  db: Executor,
  ref: { slug: string } | { productId: string },
  now: Date,
): Promise<{ productId: string; slug: string }> {
  const [board] = await db
    .select({ productId: products.id, slug: products.slug })
    .from(products)
    .where(
      and(
        'slug' in ref ? eq(products.slug, ref.slug) : eq(products.id, ref.productId),
        eq(products.productType, 'kuji'),
        productPubliclyVisibleAt(now),
      ),
    );
  if (!board) throw notFound('Kuji board');
  return board;
}

/**
 * One consistent read (a read-only repeatable-read snapshot) of a board's live state: per-tier remaining
 * counts, card counts from the deck, pending and recently dealt beacon rounds, and the Last One.
 */
export async function getKujiLiveState(
  db: Db,
  ref: { slug: string } | { productId: string },
  now: Date,
): Promise<KujiLiveState> {
  return db.transaction(
    async (tx) => {
      const board = await findKujiLiveBoard(tx, ref, now);
      const id = board.productId;
      const lines = await tx
        .select({
          prizeTier: kujiPrizes.prizeTier,
          initialQuantity: kujiPrizes.initialQuantity,
          remainingQuantity: kujiPrizes.remainingQuantity,
        })
        .from(kujiPrizes)
        .where(eq(kujiPrizes.productId, id))
        .orderBy(asc(kujiPrizes.sortOrder), asc(kujiPrizes.id));
      const [deck] = await tx
        .select({
          version: kujiDecks.version,
          totalCards: kujiDecks.totalCards,
          nextPosition: kujiDecks.nextPosition,
          claimedThrough: kujiDecks.claimedThrough,
        })
        .from(kujiDecks)
        .where(eq(kujiDecks.productId, id));
      const isDraw = and(eq(kujiDrawLog.productId, id), eq(kujiDrawLog.kind, 'draw'));
      // The dealer's partial index (undealt lines by round) answers this one.
      const pending = await tx
        .selectDistinct({ round: kujiDrawLog.targetRound })
        .from(kujiDrawLog)
        .where(and(isDraw, isNull(kujiDrawLog.dealtAt)))
        .orderBy(asc(kujiDrawLog.targetRound));
      const window = await tx
        .select({
          round: kujiDrawLog.targetRound,
          ticketCount: kujiDrawLog.ticketCount,
          dealtAt: kujiDrawLog.dealtAt,
        })
        .from(kujiDrawLog)
        .where(and(isDraw, isNotNull(kujiDrawLog.dealtAt)))
        .orderBy(desc(kujiDrawLog.seq))
        .limit(RECENT_LINES_WINDOW);
      const lastOneLine = lines.find((l) => l.prizeTier === LAST_ONE_TIER);
      const [winner] = lastOneLine
        ? await tx
            .select({ lineRef: kujiDrawLog.lineRef })
            .from(kujiDrawLog)
            .where(and(isDraw, sql`${kujiDrawLog.wonLastOne} is true`))
            .limit(1)
        : [];

      const tiers = liveTiers(lines, LAST_ONE_TIER);
      return {
        version: deck?.version ?? 0,
        productId: id,
        slug: board.slug,
        tiers,
        ...liveCounts(deck, tiers),
        pendingRounds: pending.map((r) => r.round).filter((r): r is number => r !== null),
        recentRounds: recentRounds(
          window.map((l) => ({ round: l.round ?? 0, ticketCount: l.ticketCount, dealtAt: l.dealtAt! })),
          window.length === RECENT_LINES_WINDOW,
        ),
        lastOne: lastOneLine ? { awarded: winner !== undefined, lineRef: winner?.lineRef ?? null } : null,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
