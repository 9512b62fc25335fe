import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, makeOrder, type TestDatabase } from '@popbox/db/testing';
import {
  alertOnBeaconOutage,
  BeaconUnavailableError,
  claimKujiLine,
  dealDueKujiLines,
  getKujiFairness,
  silentLogger,
  systemClock,
  systemRandom,
  type Clock,
  type RandomnessBeacon,
} from '../src/index.js';
import { dealKujiDrawsNow, makeKujiProduct, testBeacon } from '../src/testing/index.js';
import {
  orderLinesOfRound,
  roundPublishedAt,
  verifyBoard,
  verifyTicket,
  type FairnessDocument,
} from '../src/kuji-verifier/index.js';

/**
 * Issue 12: a beacon outage delays kuji draws — it never deals them with anything else — and the shop hears
 * about it once; when the beacon answers again the waiting lines are dealt in the recipe's order and the board
 * verifies. And the public document is built from the tickets: a changed ticket no longer verifies.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ max: 10 });
});
afterAll(() => database?.close());

const BOARD = [
  { code: 'A1', quantity: 2 },
  { code: 'B1', quantity: 4 },
  { code: 'C1', quantity: 6 },
  { code: 'LO', tier: 'LO', quantity: 1 },
];
/** The outage board: 12 cards sold before the outage, 2 during it. */
const OUTAGE_BOARD = [
  { code: 'A1', quantity: 2 },
  { code: 'B1', quantity: 4 },
  { code: 'C1', quantity: 8 },
  { code: 'LO', tier: 'LO', quantity: 1 },
];
const ALERT = { afterSeconds: 180, to: 'shop@popbox.test' };

async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await database.pool.query(text, params)).rows as T[];
}

/** A beacon that is down (every fetch fails as a relay outage would) while `down` is true. */
function flakyBeacon(clock: Clock) {
  const inner = testBeacon(clock);
  const state = { down: false, fetches: 0 };
  const beacon: RandomnessBeacon = {
    kind: inner.kind,
    chain: () => inner.chain(),
    round: async (round) => {
      state.fetches += 1;
      if (state.down) throw new BeaconUnavailableError(`all beacon relays failed for round ${round}`);
      return inner.round(round);
    },
  };
  return { beacon, state };
}

async function claim(
  deps: { clock: Clock; beacon: RandomnessBeacon },
  product: Awaited<ReturnType<typeof makeKujiProduct>>['product'],
  quantity: number,
) {
  const { order, items } = await makeOrder(database.db, { lines: [{ product, quantity }] });
  const outcome = await database.db.transaction((tx) =>
    claimKujiLine(
      tx,
      { random: systemRandom, ...deps },
      {
        orderId: order.id,
        orderItemId: items[0]!.id,
        customerId: order.customerId!,
        productId: product.id,
        quantity,
      },
    ),
  );
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome;
}

const shopAlerts = () =>
  query<{ to_email: string; subject: string; text: string }>(
    `SELECT to_email, subject, text FROM email_outbox WHERE kind = 'shop_alert'`,
  );

describe('a beacon outage', () => {
  it('keeps draws waiting (never dealt otherwise), alerts the shop once, then deals them in order', async () => {
    let nowMs = Date.now();
    const clock: Clock = { now: () => new Date(nowMs) };
    const { beacon, state } = flakyBeacon(clock);
    const deps = { db: database.db, clock, logger: silentLogger, beacon };
    const { product } = await makeKujiProduct(database.db, { prizes: OUTAGE_BOARD }, beacon);

    // Eleven paid lines over three rounds, several per round (so a wrong order within a round is caught):
    // 12 cards before the outage.
    const groups = [
      [2, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1],
    ];
    const claimed = [];
    for (const group of groups) {
      for (const quantity of group) claimed.push(await claim({ clock, beacon }, product, quantity));
      nowMs += 1100;
    }
    const rounds = [...new Set(claimed.map((c) => c.targetRound))];
    expect(rounds).toHaveLength(3);
    const lastRound = Math.max(...rounds);

    // The beacon goes down; every round is due by the clock, yet nothing is dealt.
    state.down = true;
    nowMs = roundPublishedAt(beacon.chain(), lastRound) * 1000 + 500;
    const first = await dealDueKujiLines(deps);
    expect(state.fetches).toBeGreaterThan(0);
    expect(first).toMatchObject({
      linesDealt: 0,
      cardsDealt: 0,
      linesWaitingForBeacon: 11,
      oldestWaitingRound: rounds[0],
      beaconError: `all beacon relays failed for round ${rounds[0]}`,
    });
    const lagAt = (ms: number) =>
      Math.round((ms - roundPublishedAt(beacon.chain(), rounds[0]!) * 1000) / 1000);
    expect(first.beaconLagSeconds).toBe(lagAt(nowMs));
    const pending = async () =>
      (
        await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM tickets
            WHERE kuji_product_id = $1 AND kuji_prize_id IS NULL AND deck_position IS NULL`,
          [product.id],
        )
      )[0]!.n;
    expect(await pending()).toBe(12);
    expect(await alertOnBeaconOutage(deps, first, ALERT)).toBe(false);

    // Minutes pass: still nothing dealt, the lag grows, no alert below the threshold.
    nowMs += 100_000;
    const second = await dealDueKujiLines(deps);
    expect(second).toMatchObject({ linesDealt: 0, linesWaitingForBeacon: 11 });
    expect(second.beaconLagSeconds).toBe(lagAt(nowMs));
    expect(second.beaconLagSeconds).toBeGreaterThan(first.beaconLagSeconds + 99);
    expect(second.beaconLagSeconds).toBeLessThan(ALERT.afterSeconds);
    expect(await alertOnBeaconOutage(deps, second, ALERT)).toBe(false);
    expect(await shopAlerts()).toEqual([]);

    // Past the threshold: exactly one alert, however often the dealer runs during the outage.
    nowMs += 100_000;
    const third = await dealDueKujiLines(deps);
    expect(third.beaconLagSeconds).toBeGreaterThanOrEqual(ALERT.afterSeconds);
    expect(await alertOnBeaconOutage(deps, third, ALERT)).toBe(true);
    for (let i = 0; i < 3; i++) {
      nowMs += 30_000;
      const again = await dealDueKujiLines(deps);
      expect(again).toMatchObject({ linesDealt: 0, linesWaitingForBeacon: 11 });
      expect(await alertOnBeaconOutage(deps, again, ALERT)).toBe(false);
    }
    const alerts = await shopAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.to_email).toBe(ALERT.to);
    expect(alerts[0]!.text).toContain(`11 paid kuji draw(s)`);
    expect(alerts[0]!.text).toContain(`round ${rounds[0]}`);
    expect(await pending()).toBe(12);
    const undealt = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM kuji_draw_log WHERE product_id = $1 AND kind = 'draw' AND dealt_at IS NULL`,
      [product.id],
    );
    expect(undealt[0]!.n).toBe(11);
    expect(await query(`SELECT 1 FROM kuji_beacon_rounds`)).toEqual([]);

    // A buyer pays during the outage: the line targets a later round and waits too; still one alert.
    const late = await claim({ clock, beacon }, product, 2);
    claimed.push(late);
    expect(late.targetRound).toBeGreaterThan(lastRound);
    nowMs = roundPublishedAt(beacon.chain(), late.targetRound) * 1000 + 500;
    const withLate = await dealDueKujiLines(deps);
    expect(withLate).toMatchObject({
      linesDealt: 0,
      linesWaitingForBeacon: 12,
      oldestWaitingRound: rounds[0],
    });
    expect(await alertOnBeaconOutage(deps, withLate, ALERT)).toBe(false);
    expect(await shopAlerts()).toHaveLength(1);
    expect(await pending()).toBe(14);

    // The beacon is back: everything is dealt at once, round by round, in each round's canonical order.
    state.down = false;
    const recovered = await dealDueKujiLines(deps);
    expect(recovered).toMatchObject({
      linesDealt: 12,
      cardsDealt: 14,
      linesWaitingForBeacon: 0,
      beaconLagSeconds: 0,
    });
    expect(await pending()).toBe(0);
    const dealt = await query<{
      line_ref: string;
      target_round: number;
      first_position: number;
      ticket_count: number;
      won_last_one: boolean;
    }>(
      `SELECT line_ref, target_round::int, first_position, ticket_count, won_last_one FROM kuji_draw_log
        WHERE product_id = $1 AND kind = 'draw' ORDER BY first_position`,
      [product.id],
    );
    expect(dealt.map((l) => l.target_round)).toEqual(
      [...dealt.map((l) => l.target_round)].sort((a, b) => a - b),
    );
    for (const round of [...rounds, late.targetRound]) {
      const inRound = dealt.filter((l) => l.target_round === round);
      const randomness = (await beacon.round(round))!.randomness;
      const expected = await orderLinesOfRound(
        randomness,
        claimed.filter((c) => c.targetRound === round).map((c) => ({ lineRef: c.lineRef })),
      );
      expect(inRound.map((l) => l.line_ref)).toEqual(expected.map((l) => l.lineRef));
    }
    let next = 1;
    for (const l of dealt) {
      expect(l.first_position).toBe(next);
      next += l.ticket_count;
    }
    expect(next).toBe(15);
    // The line paid during the outage took the final card, and the Last One with it.
    expect(dealt.filter((l) => l.won_last_one).map((l) => l.line_ref)).toEqual([late.lineRef]);

    const fairness = (await getKujiFairness(deps, product.slug)) as unknown as FairnessDocument;
    const verdict = await verifyBoard(fairness);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.lines.map((l) => l.status)).toEqual(Array(12).fill('verified'));
    // The outage is over: no further alert.
    expect(await alertOnBeaconOutage(deps, recovered, ALERT)).toBe(false);
    expect(await shopAlerts()).toHaveLength(1);
  });
});

describe('the tickets are the record', () => {
  it('a ticket changed in the database no longer verifies, and the board names its line', async () => {
    const beacon = testBeacon();
    const { product, prizes } = await makeKujiProduct(database.db, { prizes: BOARD }, beacon);
    const clock: Clock = { now: () => new Date() };
    for (const quantity of [3, 2, 4, 3]) await claim({ clock, beacon }, product, quantity);
    const result = await dealKujiDrawsNow(database.db);
    expect(result).toMatchObject({ linesDealt: 4, cardsDealt: 12 });

    const tickets = await query<{
      id: string;
      line_ref: string;
      deck_position: number;
      kuji_prize_id: string;
    }>(
      `SELECT t.id, l.line_ref, t.deck_position, t.kuji_prize_id
         FROM tickets t JOIN kuji_draw_log l ON l.id = t.draw_log_id
        WHERE t.kuji_product_id = $1 ORDER BY t.deck_position`,
      [product.id],
    );
    expect(tickets).toHaveLength(12);
    const before = (await getKujiFairness(
      { db: database.db, clock: systemClock },
      product.slug,
    )) as unknown as FairnessDocument;
    expect(before.epochs[0]!.seedHex).toMatch(/^[0-9a-f]{64}$/); // sold out: the seed is revealed
    expect((await verifyBoard(before)).problems).toEqual([]);
    const target = tickets[5]!;
    const receipt = {
      lineRef: target.line_ref,
      position: target.deck_position,
      prizeId: target.kuji_prize_id,
    };
    expect((await verifyTicket(before, receipt)).ok).toBe(true);

    // An insider changes ONE ticket's prize (say, a buyer's C prize becomes the A prize).
    const other = prizes.find((p) => p.prizeTier !== 'LO' && p.id !== target.kuji_prize_id)!;
    await query(`UPDATE tickets SET kuji_prize_id = $1 WHERE id = $2`, [other.id, target.id]);

    const after = (await getKujiFairness(
      { db: database.db, clock: systemClock },
      product.slug,
    )) as unknown as FairnessDocument;
    const verdict = await verifyBoard(after);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.some((p) => p.includes(target.line_ref))).toBe(true);
    const line = verdict.lines.find((l) => l.lineRef === target.line_ref)!;
    expect(line.ok).toBe(false);
    // Only that line is wrong: the others still verify.
    expect(verdict.lines.filter((l) => l.lineRef !== target.line_ref).every((l) => l.ok)).toBe(true);

    const check = await verifyTicket(after, { ...receipt, prizeId: other.id });
    expect(check.ok).toBe(false);
    expect(check.expectedPrizeId).toBe(target.kuji_prize_id);
    expect(check.problems.some((p) => p.includes(target.line_ref))).toBe(true);
  });
});
