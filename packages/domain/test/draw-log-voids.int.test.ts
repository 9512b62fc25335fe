import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, desc, eq, inArray } from 'drizzle-orm';
import { kujiDeckEpochs, kujiDecks, kujiDrawLog, tickets, type Db, type Tx } from '@popbox/db';
import { createTestDatabase, makeKujiProduct, makeOrder, type TestDatabase } from '@popbox/db/testing';
import { appendTicketVoids, systemClock } from '../src/index.js';
import { GENESIS_HASH, logEntryHash, type LogEntryInput } from '../src/kuji-verifier/recipe-v2.js';

/**
 * Issue 12: voids of dealt v2 tickets are public entries of the board's hash-chained draw log. The lead's
 * dealing is not merged yet, so the board, its log lines and dealt tickets are written here directly.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ max: 10 });
});
afterAll(() => database?.close());
const db = () => database.db;

async function appendRaw(
  tx: Db | Tx,
  productId: string,
  fields: Omit<LogEntryInput, 'prevHash' | 'seq' | 'loggedAt'> & { orderItemId?: string },
) {
  const [last] = await tx
    .select()
    .from(kujiDrawLog)
    .where(eq(kujiDrawLog.productId, productId))
    .orderBy(desc(kujiDrawLog.seq))
    .limit(1);
  const loggedAt = new Date();
  const { orderItemId, ...hashed } = fields;
  const entry: LogEntryInput = {
    ...hashed,
    prevHash: last?.entryHash ?? GENESIS_HASH,
    seq: (last?.seq ?? 0) + 1,
    loggedAt: loggedAt.toISOString(),
  };
  const [row] = await tx
    .insert(kujiDrawLog)
    .values({
      productId,
      ...entry,
      loggedAt,
      orderItemId: orderItemId ?? null,
      entryHash: await logEntryHash(entry),
    })
    .returning();
  return row!;
}

/** A v2 board with one epoch of 10 cards and `lines` paid lines dealt from position 1 on. */
async function dealtBoard(lines: number[]) {
  const kuji = await makeKujiProduct(db(), { prizes: [{ code: 'A1', quantity: 10 }] });
  const productId = kuji.product.id;
  const prize = kuji.prizes[0]!;
  await db().insert(kujiDecks).values({ productId, totalCards: 10, nextPosition: 1, currentEpoch: 1 });
  const [epoch] = await db()
    .insert(kujiDeckEpochs)
    .values({
      productId,
      epoch: 1,
      firstPosition: 1,
      cardCount: 10,
      seedHex: 'ab'.repeat(32),
      commitment: 'cd'.repeat(32),
      recipeVersion: 'popbox-kuji-v2',
      manifest: [],
    })
    .returning();
  await appendRaw(db(), productId, {
    kind: 'epoch',
    epoch: 1,
    lineRef: null,
    ticketCount: 10,
    targetRound: null,
    commitment: 'cd'.repeat(32),
    voidPositions: null,
    voidReason: null,
  });
  let position = 1;
  const orders = [];
  for (const count of lines) {
    const { order, items } = await makeOrder(db(), { lines: [{ product: kuji.product, quantity: count }] });
    const lineRef = `ln_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const draw = await appendRaw(db(), productId, {
      kind: 'draw',
      epoch: 1,
      lineRef,
      ticketCount: count,
      targetRound: 1000,
      commitment: null,
      voidPositions: null,
      voidReason: null,
      orderItemId: items[0]!.id,
    });
    const made = [];
    for (let i = 0; i < count; i++) {
      const [t] = await db()
        .insert(tickets)
        .values({
          orderId: order.id,
          orderItemId: items[0]!.id,
          customerId: order.customerId!,
          kujiProductId: productId,
          kujiPrizeId: prize.id,
          drawLogId: draw.id,
          deckEpochId: epoch!.id,
          deckPosition: position++,
          ticketNumber: `T-${randomUUID()}`,
        })
        .returning();
      made.push(t!);
    }
    orders.push({ order, lineRef, tickets: made, item: items[0]! });
  }
  await db()
    .update(kujiDecks)
    .set({ nextPosition: position, claimedThrough: position - 1 })
    .where(eq(kujiDecks.productId, productId));
  return { productId, prize, epoch: epoch!, orders };
}

const voidTickets = (ids: string[]) =>
  db().update(tickets).set({ voidedAt: new Date(), voidReason: 'test' }).where(inArray(tickets.id, ids));

const logOf = (productId: string) =>
  db().select().from(kujiDrawLog).where(eq(kujiDrawLog.productId, productId)).orderBy(asc(kujiDrawLog.seq));

/** Recomputes every entry's hash and link from the stored fields, as a verifier would. */
async function assertChainValid(productId: string) {
  const log = await logOf(productId);
  let prev = GENESIS_HASH;
  for (const [i, e] of log.entries()) {
    expect(e.seq).toBe(i + 1);
    expect(e.prevHash).toBe(prev);
    const recomputed = await logEntryHash({
      prevHash: e.prevHash,
      seq: e.seq,
      kind: e.kind as LogEntryInput['kind'],
      epoch: e.epoch,
      lineRef: e.lineRef,
      ticketCount: e.ticketCount,
      targetRound: e.targetRound,
      commitment: e.commitment,
      voidPositions: e.voidPositions,
      voidReason: e.voidReason,
      loggedAt: e.loggedAt.toISOString(),
    });
    expect(recomputed, `entry ${e.seq}`).toBe(e.entryHash);
    prev = e.entryHash;
  }
  return log;
}

describe('appendTicketVoids (issue 12: voids are public)', () => {
  it('appends one void entry per draw line with the voided positions, chained and verifiable', async () => {
    const board = await dealtBoard([3, 2]);
    const [a] = board.orders;
    // Voided out of order: positions are logged ascending.
    await voidTickets([a!.tickets[2]!.id, a!.tickets[0]!.id]);
    const appended = await db().transaction((tx) =>
      appendTicketVoids(
        tx,
        { clock: systemClock },
        {
          orderId: a!.order.id,
          ticketIds: [a!.tickets[2]!.id, a!.tickets[0]!.id],
          reason: 'refund',
        },
      ),
    );
    expect(appended).toHaveLength(1);
    const log = await assertChainValid(board.productId);
    expect(log.map((e) => e.kind)).toEqual(['epoch', 'draw', 'draw', 'void']);
    expect(log[3]).toMatchObject({
      seq: 4,
      kind: 'void',
      epoch: 1,
      lineRef: a!.lineRef,
      ticketCount: 2,
      voidPositions: [1, 3],
      voidReason: 'refund',
      targetRound: null,
      orderItemId: null,
      prevHash: log[2]!.entryHash,
    });

    // Idempotent: the same voids again append nothing; the last ticket of the line gets its own entry.
    expect(
      await db().transaction((tx) =>
        appendTicketVoids(tx, { clock: systemClock }, { orderId: a!.order.id, reason: 'refund' }),
      ),
    ).toEqual([]);
    await voidTickets([a!.tickets[1]!.id]);
    await db().transaction((tx) =>
      appendTicketVoids(tx, { clock: systemClock }, { orderId: a!.order.id, reason: 'forced_refund' }),
    );
    const after = await assertChainValid(board.productId);
    expect(after.at(-1)).toMatchObject({
      seq: 5,
      voidPositions: [2],
      ticketCount: 1,
      voidReason: 'forced_refund',
    });
  });

  it('ignores legacy and pending tickets and tickets that are not voided', async () => {
    const board = await dealtBoard([2]);
    const [a] = board.orders;
    // A pending ticket of the same line (no position, no prize) and a legacy one (prize only), both voided.
    const [draw] = await db().select().from(kujiDrawLog).where(eq(kujiDrawLog.lineRef, a!.lineRef));
    await db()
      .insert(tickets)
      .values([
        {
          orderId: a!.order.id,
          orderItemId: a!.item.id,
          customerId: a!.order.customerId!,
          kujiProductId: board.productId,
          drawLogId: draw!.id,
          deckEpochId: board.epoch.id,
          ticketNumber: `T-${randomUUID()}`,
          voidedAt: new Date(),
        },
        {
          orderId: a!.order.id,
          orderItemId: a!.item.id,
          customerId: a!.order.customerId!,
          kujiProductId: board.productId,
          kujiPrizeId: board.prize.id,
          ticketNumber: `T-${randomUUID()}`,
          voidedAt: new Date(),
        },
      ]);
    expect(
      await db().transaction((tx) =>
        appendTicketVoids(tx, { clock: systemClock }, { orderId: a!.order.id, reason: 'cancellation' }),
      ),
    ).toEqual([]);
    expect((await logOf(board.productId)).filter((e) => e.kind === 'void')).toHaveLength(0);
  });

  it('keeps the chain linear when two orders of one board are voided at once', async () => {
    const board = await dealtBoard([1, 1, 1, 1]);
    for (const o of board.orders) await voidTickets(o.tickets.map((t) => t.id));
    await Promise.all(
      board.orders.map((o) =>
        db().transaction((tx) =>
          appendTicketVoids(tx, { clock: systemClock }, { orderId: o.order.id, reason: 'refund' }),
        ),
      ),
    );
    const log = await assertChainValid(board.productId);
    const voids = log.filter((e) => e.kind === 'void');
    expect(voids.map((e) => e.voidPositions![0]).sort()).toEqual([1, 2, 3, 4]);
    // A void entry never names the order item (that link stays private, on the draw entry only).
    expect(voids.every((e) => e.orderItemId === null)).toBe(true);
  });
});
