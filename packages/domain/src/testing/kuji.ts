import { sql } from 'drizzle-orm';
import type { Db, Executor } from '@popbox/db';
import { makeKujiProduct as makeKujiRows } from '@popbox/db/testing';
import { DEV_LOCAL_BEACON_SECRET, LOCAL_BEACON_GENESIS } from '../adapters/beacon/beacon-settings.js';
import { localBeacon } from '../adapters/beacon/local-beacon.js';
import type { RandomnessBeacon } from '../ports/beacon.js';
import { systemClock, systemRandom, type Clock, type Logger } from '../shared/ports.js';
import { roundPublishedAt } from '../kuji-verifier/recipe-v2.js';
import { lockKujiBoard } from '../kuji/board.queries.js';
import { syncKujiBoard } from '../kuji/epochs.js';
import { dealDueKujiLines, type DealResult } from '../kuji/deal-kuji-rounds.js';

/** The beacon every test uses: the embedded local beacon with 1-second rounds (tests set the same in env). */
export const TEST_BEACON_PERIOD_SECONDS = 1;
export const testBeacon = (clock: Clock = systemClock): RandomnessBeacon =>
  localBeacon({
    secretHex: DEV_LOCAL_BEACON_SECRET,
    periodSeconds: TEST_BEACON_PERIOD_SECONDS,
    genesisTime: LOCAL_BEACON_GENESIS,
    clock,
  });

/** Environment for API / jobs processes spawned by tests, so they share the test beacon's chain. */
export const TEST_BEACON_ENV = {
  KUJI_BEACON: 'local',
  LOCAL_BEACON_PERIOD_SECONDS: String(TEST_BEACON_PERIOD_SECONDS),
};

/**
 * A kuji board as the admin API leaves it (issue 12): product, prizes and inventory rows, then — when it is on
 * sale — its first epoch opened and its commitment logged, exactly as activation does.
 */
export async function makeKujiProduct(
  db: Db,
  opts: Parameters<typeof makeKujiRows>[1] = {},
  beacon: RandomnessBeacon = testBeacon(),
) {
  const board = await makeKujiRows(db, opts);
  await db.transaction(async (tx) => {
    await lockKujiBoard(tx, board.product.id);
    await syncKujiBoard(tx, { clock: systemClock, random: systemRandom, beacon }, board.product.id);
  });
  return board;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

/**
 * Deals every waiting kuji line now, as the jobs app will once their rounds are published: the local beacon
 * is deterministic, so running the dealer with a clock at the last waiting round's publish time gives the
 * same deal the jobs app would make then, without the test waiting for it.
 */
export async function dealKujiDrawsNow(db: Db, logger: Logger = silent): Promise<DealResult | null> {
  const [row] = (
    await (db as Executor).execute<{ round: number | null }>(
      sql`select max(target_round)::int as round from kuji_draw_log where kind = 'draw' and dealt_at is null`,
    )
  ).rows;
  if (!row?.round) return null;
  const at = new Date(roundPublishedAt(testBeacon().chain(), row.round) * 1000 + 1);
  const clock: Clock = { now: () => (at.getTime() > Date.now() ? at : new Date()) };
  return dealDueKujiLines({ db, logger, clock, beacon: testBeacon(clock) });
}
