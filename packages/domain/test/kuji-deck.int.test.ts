import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { kujiDeckCards, kujiDeckEpochs, kujiDecks, kujiPrizes, productInventory, tickets } from '@popbox/db';
import { createTestDatabase, makeKujiProduct, makeOrder, type TestDatabase } from '@popbox/db/testing';
import {
  dealKujiLine,
  getKujiFairness,
  lockKujiBoard,
  recomputeKujiOnHand,
  syncKujiDeck,
  systemClock,
  systemRandom,
  verifyEpoch,
  type ManifestEntry,
} from '../src/index.js';

let database: TestDatabase;
const deps = { random: systemRandom, clock: systemClock };
beforeAll(async () => {
  database = await createTestDatabase({ max: 30 });
});
afterAll(() => database?.close());

/** Tiers A–E, 80 cards, plus a Last One prize. */
const BOARD = [
  { code: 'A1', quantity: 2 },
  { code: 'B1', quantity: 4 },
  { code: 'B2', quantity: 4 },
  { code: 'C1', quantity: 10 },
  { code: 'D1', quantity: 20 },
  { code: 'E1', quantity: 40 },
  { code: 'LO', tier: 'LO', quantity: 1 },
];

async function verifyBoard(db: TestDatabase['db'], productId: string) {
  const epochs = await db
    .select()
    .from(kujiDeckEpochs)
    .where(eq(kujiDeckEpochs.productId, productId))
    .orderBy(asc(kujiDeckEpochs.epoch));
  const results = [];
  for (const epoch of epochs) {
    const dealt = await db
      .select({ position: tickets.deckPosition, prizeId: tickets.kujiPrizeId })
      .from(tickets)
      .where(eq(tickets.deckEpochId, epoch.id));
    results.push(
      await verifyEpoch({
        recipeVersion: epoch.recipeVersion,
        seedHex: epoch.seedHex,
        commitment: epoch.commitment,
        firstPosition: epoch.firstPosition,
        manifest: epoch.manifest as ManifestEntry[],
        dealt: dealt.map((d) => ({ position: d.position!, prizeId: d.prizeId })),
      }),
    );
  }
  return results;
}

/** Splits `total` into `parts` random positive counts. */
function randomSplit(total: number, parts: number): number[] {
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(1 + Math.floor(Math.random() * (total - 1)));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), total];
  return sorted.slice(1).map((c, i) => c - sorted[i]!);
}

describe('kuji box storm: 20 buyers deal 80 cards concurrently', () => {
  it('deals every card exactly once, matches the manifest and awards the Last One to position 80', async () => {
    const db = database.db;
    const { product, prizes } = await makeKujiProduct(db, { prizes: BOARD });
    await db.transaction(async (tx) => {
      await lockKujiBoard(tx, product.id);
      await syncKujiDeck(tx, deps, product.id);
    });
    const quantities = randomSplit(80, 20);
    const orders: Awaited<ReturnType<typeof makeOrder>>[] = [];
    for (const quantity of quantities) orders.push(await makeOrder(db, { lines: [{ product, quantity }] }));

    const outcomes = await Promise.all(
      orders.map(({ order, items }, i) =>
        db.transaction((tx) =>
          dealKujiLine(tx, deps, {
            orderId: order.id,
            orderItemId: items[0]!.id,
            customerId: order.customerId!,
            productId: product.id,
            quantity: quantities[i]!,
          }),
        ),
      ),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);

    const dealt = await db
      .select({ position: tickets.deckPosition, prizeId: tickets.kujiPrizeId, orderId: tickets.orderId })
      .from(tickets)
      .where(eq(tickets.kujiProductId, product.id));
    expect(dealt).toHaveLength(80);
    expect(new Set(dealt.map((t) => t.position))).toEqual(
      new Set(Array.from({ length: 80 }, (_, i) => i + 1)),
    );
    for (const prize of prizes.filter((p) => p.prizeTier !== 'LO')) {
      expect(dealt.filter((t) => t.prizeId === prize.id)).toHaveLength(prize.initialQuantity);
    }
    // Each order holds exactly as many tickets as it bought.
    orders.forEach(({ order }, i) =>
      expect(dealt.filter((t) => t.orderId === order.id)).toHaveLength(quantities[i]!),
    );

    const winners = outcomes.flatMap((o, i) => (o.ok && o.wonLastOne ? [orders[i]!.order.id] : []));
    const holderOf80 = dealt.find((t) => t.position === 80)!.orderId;
    expect(winners).toEqual([holderOf80]);

    const after = await db.select().from(kujiPrizes).where(eq(kujiPrizes.productId, product.id));
    expect(after.every((p) => p.remainingQuantity === 0)).toBe(true);
    const [inv] = await db.select().from(productInventory).where(eq(productInventory.productId, product.id));
    expect(inv!.onHand).toBe(0);
    // Sold out: the seed is revealed and the whole board verifies.
    const results = await verifyBoard(db, product.id);
    expect(results).toEqual([{ ok: true, problems: [] }]);
    const fairness = await getKujiFairness({ db }, product.slug);
    expect(fairness.epochs[0]!.seedHex).toMatch(/^[0-9a-f]{64}$/);
    expect(fairness.epochs[0]!.dealt).toHaveLength(80);
    expect(fairness.lastOne).toMatchObject({ prizeCode: 'LO', awarded: true });
  });

  it('refuses a line the deck cannot cover and deals nothing', async () => {
    const db = database.db;
    const { product } = await makeKujiProduct(db, { prizes: [{ code: 'A1', quantity: 3 }] });
    const { order, items } = await makeOrder(db, { lines: [{ product, quantity: 4 }] });
    const outcome = await db.transaction((tx) =>
      dealKujiLine(tx, deps, {
        orderId: order.id,
        orderItemId: items[0]!.id,
        customerId: order.customerId!,
        productId: product.id,
        quantity: 4,
      }),
    );
    expect(outcome).toEqual({ ok: false, reason: 'kuji_deck_exhausted' });
    expect(await db.select().from(tickets).where(eq(tickets.kujiProductId, product.id))).toHaveLength(0);
    const [deck] = await db.select().from(kujiDecks).where(eq(kujiDecks.productId, product.id));
    expect(deck!.nextPosition).toBe(1);
  });
});

describe('re-shuffle when staff change prize quantities mid-sale', () => {
  it('keeps dealt tickets, opens a verifiable new epoch and reveals the previous seed', async () => {
    const db = database.db;
    const { product, prizes } = await makeKujiProduct(db, {
      prizes: [
        { code: 'A1', quantity: 2 },
        { code: 'B1', quantity: 8 },
      ],
    });
    const deal = async (quantity: number) => {
      const { order, items } = await makeOrder(db, { lines: [{ product, quantity }] });
      return db.transaction((tx) =>
        dealKujiLine(tx, deps, {
          orderId: order.id,
          orderItemId: items[0]!.id,
          customerId: order.customerId!,
          productId: product.id,
          quantity,
        }),
      );
    };
    expect((await deal(4)).ok).toBe(true);
    const before = await db
      .select()
      .from(tickets)
      .where(eq(tickets.kujiProductId, product.id))
      .orderBy(asc(tickets.deckPosition));
    const [epoch1] = await db
      .select()
      .from(kujiDeckEpochs)
      .where(and(eq(kujiDeckEpochs.productId, product.id), eq(kujiDeckEpochs.epoch, 1)));
    expect(epoch1!.revealedAt).toBeNull();

    // Staff add 5 more B1 prizes.
    await db.transaction(async (tx) => {
      await lockKujiBoard(tx, product.id);
      await tx
        .update(kujiPrizes)
        .set({
          initialQuantity: sql`${kujiPrizes.initialQuantity} + 5`,
          remainingQuantity: sql`${kujiPrizes.remainingQuantity} + 5`,
        })
        .where(eq(kujiPrizes.id, prizes[1]!.id));
      await recomputeKujiOnHand(tx, product.id);
      await syncKujiDeck(tx, deps, product.id);
    });
    const epochs = await db
      .select()
      .from(kujiDeckEpochs)
      .where(eq(kujiDeckEpochs.productId, product.id))
      .orderBy(asc(kujiDeckEpochs.epoch));
    expect(epochs.map((e) => [e.epoch, e.firstPosition, e.cardCount])).toEqual([
      [1, 1, 10],
      [2, 5, 11],
    ]);
    expect(epochs[0]!.revealedAt).not.toBeNull();
    expect(epochs[1]!.revealedAt).toBeNull();
    const [deck] = await db.select().from(kujiDecks).where(eq(kujiDecks.productId, product.id));
    expect(deck).toMatchObject({ totalCards: 15, nextPosition: 5, currentEpoch: 2 });
    // An unchanged board does not re-shuffle.
    await db.transaction(async (tx) => {
      await lockKujiBoard(tx, product.id);
      await syncKujiDeck(tx, deps, product.id);
    });
    expect(
      await db.select().from(kujiDeckEpochs).where(eq(kujiDeckEpochs.productId, product.id)),
    ).toHaveLength(2);

    expect((await deal(11)).ok).toBe(true);
    const after = await db
      .select()
      .from(tickets)
      .where(eq(tickets.kujiProductId, product.id))
      .orderBy(asc(tickets.deckPosition));
    expect(after.slice(0, 4).map((t) => [t.id, t.kujiPrizeId, t.deckPosition])).toEqual(
      before.map((t) => [t.id, t.kujiPrizeId, t.deckPosition]),
    );
    expect(after).toHaveLength(15);
    const cards = await db.select().from(kujiDeckCards).where(eq(kujiDeckCards.productId, product.id));
    expect(cards).toHaveLength(15);
    expect(await verifyBoard(db, product.id)).toEqual([
      { ok: true, problems: [] },
      { ok: true, problems: [] },
    ]);
  });

  it('rejects a tampered deck: a swapped card no longer matches the revealed seed', async () => {
    const db = database.db;
    const { product } = await makeKujiProduct(db, {
      prizes: [
        { code: 'A1', quantity: 1 },
        { code: 'B1', quantity: 5 },
      ],
    });
    const { order, items } = await makeOrder(db, { lines: [{ product, quantity: 6 }] });
    await db.transaction((tx) =>
      dealKujiLine(tx, deps, {
        orderId: order.id,
        orderItemId: items[0]!.id,
        customerId: order.customerId!,
        productId: product.id,
        quantity: 6,
      }),
    );
    const all = await db
      .select()
      .from(tickets)
      .where(eq(tickets.kujiProductId, product.id))
      .orderBy(asc(tickets.deckPosition));
    const a = all.find((t) => t.kujiPrizeId !== all[0]!.kujiPrizeId)!;
    // Swap the prizes of two tickets holding different prizes.
    await db.update(tickets).set({ kujiPrizeId: a.kujiPrizeId }).where(eq(tickets.id, all[0]!.id));
    const [result] = await verifyBoard(db, product.id);
    expect(result!.ok).toBe(false);
  });
});
