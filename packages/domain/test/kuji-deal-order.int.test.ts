import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, makeKujiProduct, makeOrder, type TestDatabase } from '@popbox/db/testing';
import {
  claimKujiLine,
  dealDueKujiLines,
  fixedClock,
  lockKujiBoard,
  silentLogger,
  syncKujiBoard,
  systemRandom,
} from '../src/index.js';
import { currentRound } from '../src/kuji-verifier/recipe-v2.js';
import { testBeacon } from '../src/testing/index.js';

/*
 * Issue 12: the public deal order is (round, randomness-derived order). A paid line whose transaction computed
 * its target round before a dealer dealt that round (a slow commit) must never be dealt after later rounds:
 * under the board lock a claim always targets a round after the last one dealt on the board.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe('target rounds never go back', () => {
  it('a line claimed with a stale clock targets the round after the last dealt one', async () => {
    const clock = fixedClock(new Date());
    const beacon = testBeacon(clock);
    const deps = { db: database.db, clock, random: systemRandom, beacon, logger: silentLogger };
    const board = await makeKujiProduct(database.db, { prizes: [{ code: 'A1', quantity: 10 }] });
    await database.db.transaction(async (tx) => {
      await lockKujiBoard(tx, board.product.id);
      await syncKujiBoard(tx, deps, board.product.id);
    });
    const claim = async (at: typeof deps) => {
      const { order, items } = await makeOrder(database.db, {
        lines: [{ product: board.product, quantity: 1 }],
      });
      const result = await database.db.transaction((tx) =>
        claimKujiLine(tx, at, {
          orderId: order.id,
          orderItemId: items[0]!.id,
          customerId: order.customerId!,
          productId: board.product.id,
          quantity: 1,
        }),
      );
      if (!result.ok) throw new Error(result.reason);
      return result.targetRound;
    };

    const first = await claim(deps);
    expect(first).toBeGreaterThan(currentRound(beacon.chain(), clock.now().getTime()));
    clock.advance(10_000);
    expect((await dealDueKujiLines(deps)).linesDealt).toBe(1);

    // A finalisation whose clock still reads the time of the first claim would pick the same round again.
    const stale = fixedClock(new Date(clock.now().getTime() - 10_000));
    const second = await claim({ ...deps, clock: stale });
    expect(second).toBe(first + 1);
    const [deck] = (
      await database.db.execute<{ last: number }>(
        sql`select last_dealt_round::int as last from kuji_decks where product_id = ${board.product.id}`,
      )
    ).rows;
    expect(deck!.last).toBe(first);
  });
});
