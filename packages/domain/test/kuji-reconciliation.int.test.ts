import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { kujiDeckEpochs, kujiDrawLog, kujiPrizes, productInventory, tickets } from '@popbox/db';
import {
  createTestDatabase,
  makeKujiProduct,
  makeOrder,
  makeUser,
  type PrizeSpec,
  type TestDatabase,
} from '@popbox/db/testing';
import {
  claimKujiLine,
  dealDueKujiLines,
  DomainError,
  fixedClock,
  getReconciliationReport,
  lockKujiBoard,
  repairReconciliationDrift,
  silentLogger,
  syncKujiBoard,
  systemRandom,
  updateKujiPrize,
  type AdminActor,
  type ObjectStorage,
} from '../src/index.js';
import {
  deckPendingDriftQuery,
  deckPositionDriftQuery,
  kujiOnHandDriftQuery,
  prizeRemainingDriftQuery,
} from '../src/ops/reconciliation/reconciliation.queries.js';
import { fakeBeacon } from '../src/testing/index.js';

/*
 * Issue 12, defects 3, 4 and 10: the reconciliation checks prizes against the undealt cards of the board's
 * current epoch (so admin withdrawals are the truth and a repair never re-adds them or a second Last One),
 * and its kuji queries read only the checked boards' tickets through indexes.
 */

let database: TestDatabase;
let actor: AdminActor;
const clock = fixedClock(new Date());
const beacon = fakeBeacon();
const storage = {
  remove: async () => {},
} as unknown as ObjectStorage;
const deps = () => ({
  db: database.db,
  clock,
  random: systemRandom,
  beacon,
  logger: silentLogger,
  storage,
});

beforeAll(async () => {
  database = await createTestDatabase();
  const user = await makeUser(database.db, { role: 'admin' });
  actor = { userId: user.id, email: user.email };
});
afterAll(() => database?.close());

/** A board put on sale the way activation does it: epoch 1 committed under the board lock. */
async function boardOnSale(prizes: PrizeSpec[]) {
  const board = await makeKujiProduct(database.db, { prizes });
  await database.db.transaction(async (tx) => {
    await lockKujiBoard(tx, board.product.id);
    await syncKujiBoard(tx, deps(), board.product.id);
  });
  return board;
}

type Board = Awaited<ReturnType<typeof boardOnSale>>;

/** A paid line of `quantity` draws, logged as finalisation does, then dealt once its round is published. */
async function buyAndDeal(board: Board, quantity: number) {
  const { order, items } = await makeOrder(database.db, { lines: [{ product: board.product, quantity }] });
  const claim = await database.db.transaction((tx) =>
    claimKujiLine(tx, deps(), {
      orderId: order.id,
      orderItemId: items[0]!.id,
      customerId: order.customerId!,
      productId: board.product.id,
      quantity,
    }),
  );
  if (!claim.ok) return claim;
  clock.advance(5_000);
  const dealt = await dealDueKujiLines(deps());
  expect(dealt.linesDealt).toBeGreaterThanOrEqual(1);
  return claim;
}

const setRemaining = (board: Board, code: string, remainingQuantity: number) =>
  updateKujiPrize(deps(), actor, {
    id: board.product.id,
    prizeId: board.prizes.find((p) => p.prizeCode === code)!.id,
    remainingQuantity,
  });

async function remainingOf(board: Board): Promise<Record<string, number>> {
  const rows = await database.db
    .select({ code: kujiPrizes.prizeCode, remaining: kujiPrizes.remainingQuantity })
    .from(kujiPrizes)
    .where(eq(kujiPrizes.productId, board.product.id));
  return Object.fromEntries(rows.map((r) => [r.code, r.remaining]));
}

async function onHandOf(board: Board) {
  const [row] = await database.db
    .select({ onHand: productInventory.onHand })
    .from(productInventory)
    .where(eq(productInventory.productId, board.product.id));
  return row!.onHand;
}

/** Cards dealt per prize code on the board (voided or not). */
async function dealtOf(board: Board): Promise<Record<string, number>> {
  const rows = await database.db
    .select({ code: kujiPrizes.prizeCode, n: sql<number>`count(*)::int` })
    .from(tickets)
    .innerJoin(kujiPrizes, eq(kujiPrizes.id, tickets.kujiPrizeId))
    .where(eq(tickets.kujiProductId, board.product.id))
    .groupBy(kujiPrizes.prizeCode);
  return Object.fromEntries(rows.map((r) => [r.code, r.n]));
}

const itemsOf = async (board: Board) =>
  (await getReconciliationReport(deps())).items.filter((i) => i.productId === board.product.id);

async function expectCleanAndRepairNoop(board: Board) {
  const remaining = await remainingOf(board);
  const onHand = await onHandOf(board);
  expect(await itemsOf(board)).toEqual([]);
  const { repaired } = await repairReconciliationDrift(deps(), actor, { productIds: [board.product.id] });
  expect(repaired).toEqual([]);
  expect(await remainingOf(board)).toEqual(remaining);
  expect(await onHandOf(board)).toBe(onHand);
}

describe('prize_remaining follows the current epoch (issue 12, defect 3)', () => {
  it('a remaining quantity lowered mid-sale through the admin use case is clean, and repair is a no-op', async () => {
    const board = await boardOnSale([
      { code: 'A1', quantity: 2 },
      { code: 'B1', quantity: 4 },
      { code: 'C1', quantity: 6 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ]);
    await expectCleanAndRepairNoop(board);
    expect((await buyAndDeal(board, 3)).ok).toBe(true);
    await expectCleanAndRepairNoop(board);

    const before = await remainingOf(board);
    await setRemaining(board, 'C1', before.C1! - 2);
    // The admin change opened epoch 2, whose manifest states the withdrawal.
    const [epoch2] = await database.db
      .select()
      .from(kujiDeckEpochs)
      .where(and(eq(kujiDeckEpochs.productId, board.product.id), eq(kujiDeckEpochs.epoch, 2)));
    expect(epoch2!.changes).toEqual([
      expect.objectContaining({ code: 'C1', before: before.C1, after: before.C1! - 2 }),
    ]);
    // Under the old rule (initial − dealt) C1 would be flagged and "repaired" back up by 2.
    const dealt = await dealtOf(board);
    expect(before.C1! - 2).not.toBe(6 - (dealt.C1 ?? 0));
    await expectCleanAndRepairNoop(board);
    expect((await remainingOf(board)).C1).toBe(before.C1! - 2);

    // Dealing from the new epoch keeps it clean.
    expect((await buyAndDeal(board, 2)).ok).toBe(true);
    await expectCleanAndRepairNoop(board);
  });

  it("the review's reproduction: withdrawal, sell-out with the Last One, no resurrection, no second Last One", async () => {
    const board = await boardOnSale([
      { code: 'A1', quantity: 2 },
      { code: 'B1', quantity: 4 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ]);
    await setRemaining(board, 'B1', 2);
    const claim = await buyAndDeal(board, 4);
    expect(claim.ok).toBe(true);
    const [line] = await database.db
      .select({ wonLastOne: kujiDrawLog.wonLastOne, dealtAt: kujiDrawLog.dealtAt })
      .from(kujiDrawLog)
      .where(and(eq(kujiDrawLog.productId, board.product.id), eq(kujiDrawLog.kind, 'draw')));
    expect(line).toMatchObject({ wonLastOne: true, dealtAt: expect.any(Date) });
    expect(await remainingOf(board)).toEqual({ A1: 0, B1: 0, LO: 0 });
    expect(await dealtOf(board)).toEqual({ A1: 2, B1: 2 });

    // The old report flagged B1 (recorded 0, expected 2) and its repair put 2 withdrawn B1 back on sale.
    await expectCleanAndRepairNoop(board);
    expect(await remainingOf(board)).toEqual({ A1: 0, B1: 0, LO: 0 });
    expect(await onHandOf(board)).toBe(0);

    // After the sell-out, neither a prize nor the Last One can come back through the admin.
    for (const [code, value] of [
      ['A1', 1],
      ['LO', 1],
    ] as const) {
      const refused = await setRemaining(board, code, value).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({ code: 'KUJI_BOARD_SOLD_OUT', status: 409 });
    }
    expect(await remainingOf(board)).toEqual({ A1: 0, B1: 0, LO: 0 });

    // Nor through SQL and a repair: the sold-out epoch says the Last One was won.
    await database.db.execute(
      sql`UPDATE kuji_prizes SET remaining_quantity = 1 WHERE product_id = ${board.product.id} AND prize_code IN ('A1', 'LO')`,
    );
    const items = await itemsOf(board);
    expect(items.filter((i) => i.kind === 'prize_remaining')).toEqual([
      expect.objectContaining({ prizeCode: 'A1', recorded: 1, expected: 0, repairable: true }),
      expect.objectContaining({ prizeCode: 'LO', recorded: 1, expected: 0, repairable: true }),
    ]);
    await repairReconciliationDrift(deps(), actor, { productIds: [board.product.id] });
    expect(await remainingOf(board)).toEqual({ A1: 0, B1: 0, LO: 0 });
    expect(await onHandOf(board)).toBe(0);

    // A further paid line finds nothing to claim: one Last One, ever.
    const again = await buyAndDeal(board, 1).catch((e: unknown) => e);
    expect(again).toMatchObject({ ok: false });
    const winners = await database.db
      .select({ id: kujiDrawLog.id })
      .from(kujiDrawLog)
      .where(and(eq(kujiDrawLog.productId, board.product.id), eq(kujiDrawLog.wonLastOne, true)));
    expect(winners).toHaveLength(1);
  });

  it('reports real drift against the undealt cards and repairs it to them, never to initial − dealt', async () => {
    const board = await boardOnSale([
      { code: 'A1', quantity: 2 },
      { code: 'B1', quantity: 6 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ]);
    await setRemaining(board, 'B1', 4); // two B1 withdrawn: epoch 2 holds A1×2, B1×4
    expect((await buyAndDeal(board, 3)).ok).toBe(true);
    const dealt = await dealtOf(board);
    const undealt = { A1: 2 - (dealt.A1 ?? 0), B1: 4 - (dealt.B1 ?? 0), LO: 1 };
    expect(await remainingOf(board)).toEqual(undealt);
    const onHand = await onHandOf(board);
    expect(onHand).toBe(undealt.A1 + undealt.B1);

    // Someone writes the counters by hand: B1 back to its initial quantity (the withdrawn prizes), the
    // Last One the open epoch promises taken off.
    await database.db.execute(
      sql`UPDATE kuji_prizes SET remaining_quantity = CASE prize_code WHEN 'B1' THEN 6 ELSE 0 END
           WHERE product_id = ${board.product.id} AND prize_code IN ('B1', 'LO')`,
    );
    const items = await itemsOf(board);
    expect(items.filter((i) => i.kind === 'prize_remaining')).toEqual([
      expect.objectContaining({
        prizeCode: 'B1',
        recorded: 6,
        expected: undealt.B1,
        difference: 6 - undealt.B1,
        repairable: true,
      }),
      expect.objectContaining({ prizeCode: 'LO', recorded: 0, expected: 1, repairable: true }),
    ]);
    // on_hand is derived from the recorded remaining counts, so it disagrees with them now.
    expect(items.filter((i) => i.kind === 'kuji_on_hand')).toEqual([
      expect.objectContaining({ recorded: onHand, expected: undealt.A1 + 6 }),
    ]);

    const { repaired, report } = await repairReconciliationDrift(deps(), actor, {
      productIds: [board.product.id],
    });
    expect(repaired.map((r) => `${r.kind}:${r.before}->${r.after}`).sort()).toEqual(
      [`prize_remaining:6->${undealt.B1}`, 'prize_remaining:0->1'].sort(),
    );
    expect(await remainingOf(board)).toEqual(undealt);
    expect(await onHandOf(board)).toBe(onHand); // right all along once the prizes are
    expect(report.items.filter((i) => i.productId === board.product.id)).toEqual([]);

    // The board still sells out normally, with its one Last One.
    expect((await buyAndDeal(board, undealt.A1 + undealt.B1)).ok).toBe(true);
    expect(await remainingOf(board)).toEqual({ A1: 0, B1: 0, LO: 0 });
    await expectCleanAndRepairNoop(board);
  });

  it('checks the deck counters against the board tickets: dealt positions and pending claims', async () => {
    const board = await boardOnSale([
      { code: 'A1', quantity: 3 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ]);
    expect((await buyAndDeal(board, 1)).ok).toBe(true);
    await expectCleanAndRepairNoop(board);
    // A paid line logged but not dealt yet (its round is in the future) is pending, and clean.
    const { order, items: orderItems } = await makeOrder(database.db, {
      lines: [{ product: board.product, quantity: 1 }],
    });
    const claim = await database.db.transaction((tx) =>
      claimKujiLine(tx, deps(), {
        orderId: order.id,
        orderItemId: orderItems[0]!.id,
        customerId: order.customerId!,
        productId: board.product.id,
        quantity: 1,
      }),
    );
    expect(claim.ok).toBe(true);
    expect(await onHandOf(board)).toBe(1);
    await expectCleanAndRepairNoop(board);

    // A pending line refunded before its round: its tickets are voided, but its cards are claimed in the
    // public log and the dealer still deals them, so they stay pending cards.
    await database.db.execute(
      sql`UPDATE tickets SET voided_at = now(), void_reason = 'refund'
           WHERE kuji_product_id = ${board.product.id} AND deck_position IS NULL`,
    );
    await expectCleanAndRepairNoop(board);

    // A claim no ticket holds is reported, and never rewritten by a repair.
    const deckItems = async () => (await itemsOf(board)).filter((i) => i.kind.startsWith('deck_'));
    await database.db.execute(
      sql`UPDATE kuji_decks SET claimed_through = claimed_through + 1 WHERE product_id = ${board.product.id}`,
    );
    expect(await deckItems()).toEqual([
      expect.objectContaining({ kind: 'deck_pending', recorded: 2, expected: 1, repairable: false }),
    ]);
    // A dealt position no ticket holds too.
    await database.db.execute(
      sql`UPDATE kuji_decks SET next_position = next_position + 1 WHERE product_id = ${board.product.id}`,
    );
    expect(await deckItems()).toEqual([
      expect.objectContaining({ kind: 'deck_position', recorded: 2, expected: 1, repairable: false }),
    ]);
    const { repaired } = await repairReconciliationDrift(deps(), actor, { productIds: [board.product.id] });
    expect(repaired.filter((r) => r.kind.startsWith('deck_'))).toEqual([]);
    expect(await deckItems()).toHaveLength(1);
  });
});

/** Every node of an `EXPLAIN (FORMAT JSON)` plan. */
function planNodes(plan: Record<string, unknown>): Array<Record<string, unknown>> {
  const children = (plan.Plans as Array<Record<string, unknown>> | undefined) ?? [];
  return [plan, ...children.flatMap(planNodes)];
}

describe('the kuji drift queries read only the checked boards (issue 12, defect 10)', () => {
  it('never scans the whole tickets table, with many tickets of boards off sale', async () => {
    const db = database.db;
    const onSale = await boardOnSale([
      { code: 'A1', quantity: 5 },
      { code: 'B1', quantity: 5 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ]);
    expect((await buyAndDeal(onSale, 3)).ok).toBe(true);

    // 60 boards taken off sale, 1,500 dealt tickets each (90,000 tickets the checks must not read).
    const { order, items } = await makeOrder(db, { lines: [{ product: onSale.product, quantity: 1 }] });
    const offSale: string[] = [];
    for (let b = 0; b < 60; b++) {
      const other = await boardOnSale([{ code: 'A1', quantity: 1500 }]);
      offSale.push(other.product.id);
      await db.execute(sql`
        INSERT INTO tickets (order_id, order_item_id, customer_id, kuji_product_id, kuji_prize_id, ticket_number,
                             deck_epoch_id, deck_position)
        SELECT ${order.id}, ${items[0]!.id}, ${order.customerId}, ${other.product.id}, ${other.prizes[0]!.id},
               'tkt_' || encode(gen_random_bytes(8), 'hex'),
               (SELECT id FROM kuji_deck_epochs WHERE product_id = ${other.product.id} AND epoch = 1), g
          FROM generate_series(1, 1500) g`);
      await db.execute(sql`UPDATE products SET status = 'archived' WHERE id = ${other.product.id}`);
    }
    await db.execute(sql`ANALYZE`);
    const count = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets`);
    expect(count.rows[0]!.n).toBeGreaterThan(90_000);

    const queries: Array<[string, SQL]> = [
      ['prize_remaining', prizeRemainingDriftQuery()],
      ['prize_remaining (one board)', prizeRemainingDriftQuery(onSale.product.id)],
      ['deck_position', deckPositionDriftQuery()],
      ['deck_position (one board)', deckPositionDriftQuery(onSale.product.id)],
      ['deck_pending', deckPendingDriftQuery()],
      ['deck_pending (one board)', deckPendingDriftQuery(onSale.product.id)],
      ['kuji_on_hand', kujiOnHandDriftQuery()],
    ];
    const plan = async (query: SQL) => {
      const result = await db.execute<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>(
        sql`EXPLAIN (FORMAT JSON) ${query}`,
      );
      const nodes = planNodes(result.rows[0]!['QUERY PLAN'][0]!.Plan);
      return {
        ticketScans: nodes.filter((n) => n['Relation Name'] === 'tickets').map((n) => n['Node Type']),
        ticketIndexes: nodes.map((n) => n['Index Name']).filter((i) => String(i).startsWith('tickets_')),
      };
    };
    // The control: the old whole-table count (defect 10) is planned as a sequential scan of these tickets.
    const old = await plan(sql`SELECT kuji_prize_id, count(*)::int FROM tickets GROUP BY kuji_prize_id`);
    expect(old.ticketScans).toContain('Seq Scan');

    for (const [name, query] of queries) {
      const { ticketScans, ticketIndexes } = await plan(query);
      expect(ticketScans, name).not.toContain('Seq Scan');
      // Each ticket-counting check does read tickets — through one of their indexes.
      if (name !== 'kuji_on_hand') expect(ticketIndexes.length, name).toBeGreaterThan(0);
    }

    // The board on sale is checked (and clean); the boards off sale are not checked at all.
    expect(await itemsOf(onSale)).toEqual([]);
    await db.execute(sql`UPDATE kuji_prizes SET remaining_quantity = 0 WHERE product_id = ${offSale[0]!}`);
    const report = await getReconciliationReport(deps());
    expect(report.items.filter((i) => offSale.includes(i.productId) && i.kind !== 'kuji_on_hand')).toEqual(
      [],
    );
  });
});
