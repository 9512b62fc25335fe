import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, makeOrder, type TestDatabase } from '@popbox/db/testing';
import {
  BeaconUnavailableError,
  claimKujiLine,
  devMailboxSender,
  runRecordedJob,
  silentLogger,
  simulatorSessionCloser,
  systemRandom,
  type Clock,
  type RandomnessBeacon,
} from '@popbox/domain';
import { makeKujiProduct, testBeacon, TEST_BEACON_ENV } from '@popbox/domain/testing';
import { roundPublishedAt } from '@popbox/domain/kuji-verifier';
import { loadJobsConfig } from '../src/config.js';
import { dealKujiDrawsJob } from '../src/jobs/deal-kuji-draws.js';
import type { JobDeps } from '../src/registry.js';

/**
 * Issue 12: while the beacon is down the dealer job records what waits; past KUJI_BEACON_ALERT_AFTER_SECONDS
 * its runs fail (GET /admin/jobs shows them) with a message naming the waiting draws and the round, and the
 * shop is alerted once. When the beacon is back the next run deals them and succeeds.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
});
afterAll(() => database?.close());

async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await database.pool.query(text, params)).rows as T[];
}

describe('the deal-kuji-draws job during a beacon outage', () => {
  it('records the wait, fails past the threshold naming the draws, alerts once, then deals', async () => {
    const config = loadJobsConfig({
      DATABASE_URL: database.url,
      ...TEST_BEACON_ENV,
      ORDER_NOTIFICATION_EMAIL: 'alerts@popbox.test',
      KUJI_BEACON_ALERT_AFTER_SECONDS: '120',
    });
    expect(config.kuji).toMatchObject({ beaconAlertAfterSeconds: 120, alertTo: 'alerts@popbox.test' });

    let nowMs = Date.now();
    const clock: Clock = { now: () => new Date(nowMs) };
    const inner = testBeacon(clock);
    let down = false;
    const beacon: RandomnessBeacon = {
      kind: inner.kind,
      chain: () => inner.chain(),
      round: async (round) => {
        if (down) throw new BeaconUnavailableError(`no relay answered for round ${round}`);
        return inner.round(round);
      },
    };
    const deps: JobDeps = {
      db: database.db,
      clock,
      random: systemRandom,
      logger: silentLogger,
      emailSender: devMailboxSender({ logger: silentLogger }),
      payments: simulatorSessionCloser({ apiBaseUrl: 'http://127.0.0.1:9' }),
      beacon,
    };
    const run = () =>
      runRecordedJob(deps, dealKujiDrawsJob.name, () => dealKujiDrawsJob.handler(deps, config));
    const lastRun = async () =>
      (
        await query<{ status: string; error: string | null; result: Record<string, unknown> | null }>(
          `SELECT status, error, result FROM job_runs WHERE job_name = 'deal-kuji-draws'
            ORDER BY started_at DESC, id DESC LIMIT 1`,
        )
      )[0]!;

    const { product } = await makeKujiProduct(
      database.db,
      {
        prizes: [
          { code: 'A1', quantity: 3 },
          { code: 'B1', quantity: 5 },
        ],
      },
      beacon,
    );
    let round = 0;
    for (const quantity of [2, 3]) {
      const { order, items } = await makeOrder(database.db, { lines: [{ product, quantity }] });
      const claimed = await database.db.transaction((tx) =>
        claimKujiLine(
          tx,
          { random: systemRandom, clock, beacon },
          {
            orderId: order.id,
            orderItemId: items[0]!.id,
            customerId: order.customerId!,
            productId: product.id,
            quantity,
          },
        ),
      );
      if (!claimed.ok) throw new Error(claimed.reason);
      round = claimed.targetRound;
    }

    down = true;
    const dueAt = roundPublishedAt(beacon.chain(), round) * 1000;
    nowMs = dueAt + 60_000;
    await expect(run()).resolves.toMatchObject({
      linesDealt: 0,
      linesWaitingForBeacon: 2,
      beaconLagSeconds: 60,
    });
    expect(await lastRun()).toMatchObject({
      status: 'succeeded',
      result: expect.objectContaining({ linesWaitingForBeacon: 2, oldestWaitingRound: round }),
    });

    nowMs = dueAt + 130_000;
    await expect(run()).rejects.toThrow(
      `2 kuji draws have waited 130 s for beacon round ${round}: no relay answered for round ${round} (shop alerted)`,
    );
    expect(await lastRun()).toMatchObject({
      status: 'failed',
      error: `2 kuji draws have waited 130 s for beacon round ${round}: no relay answered for round ${round} (shop alerted)`,
    });
    nowMs += 30_000;
    await expect(run()).rejects.toThrow(
      /^2 kuji draws have waited 160 s for beacon round \d+: no relay answered/,
    );
    expect((await lastRun()).error).not.toContain('shop alerted');
    const alerts = await query<{ to_email: string }>(
      `SELECT to_email FROM email_outbox WHERE kind = 'shop_alert'`,
    );
    expect(alerts).toEqual([{ to_email: 'alerts@popbox.test' }]);
    const pending = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets WHERE kuji_product_id = $1 AND kuji_prize_id IS NULL`,
      [product.id],
    );
    expect(pending[0]!.n).toBe(5);

    down = false;
    nowMs += 1000; // runs are told apart by their start time
    await expect(run()).resolves.toMatchObject({ linesDealt: 2, cardsDealt: 5, linesWaitingForBeacon: 0 });
    expect((await lastRun()).status).toBe('succeeded');
    const dealt = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets WHERE kuji_product_id = $1 AND deck_position IS NOT NULL`,
      [product.id],
    );
    expect(dealt[0]!.n).toBe(5);
  });
});
