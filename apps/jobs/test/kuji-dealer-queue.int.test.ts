import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@popbox/db/testing';
import {
  devMailboxSender,
  PG_BOSS_SCHEMA,
  silentLogger,
  simulatorSessionCloser,
  systemClock,
  systemRandom,
} from '@popbox/domain';
import { testBeacon, TEST_BEACON_ENV } from '@popbox/domain/testing';
import { loadJobsConfig } from '../src/config.js';
import { jobDefinitions } from '../src/registry.js';
import { startWorker } from '../src/worker.js';

/**
 * Issue 12: the dealer's queue keeps at most one run waiting but never lets one stale active run (of a
 * process that died mid-deal) block the others ('short', not 'stately'). A database whose queue an earlier
 * build created as 'stately' gets it recreated when a worker starts.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
});
afterAll(() => database?.close());

const policy = async () =>
  (
    await database.pool.query<{ policy: string }>(
      `SELECT policy FROM ${PG_BOSS_SCHEMA}.queue WHERE name = 'deal-kuji-draws'`,
    )
  ).rows[0]?.policy;

describe('the kuji dealer queue', () => {
  it("is recreated as 'short' when an earlier build left it 'stately'", async () => {
    const old = new PgBoss({ connectionString: database.url, schema: PG_BOSS_SCHEMA });
    await old.start();
    await old.createQueue('deal-kuji-draws', { policy: 'stately' });
    await old.stop({ graceful: false });
    expect(await policy()).toBe('stately');

    const config = loadJobsConfig({ DATABASE_URL: database.url, ...TEST_BEACON_ENV });
    const worker = await startWorker({
      connectionString: database.url,
      deps: {
        db: database.db,
        clock: systemClock,
        random: systemRandom,
        logger: silentLogger,
        emailSender: devMailboxSender({ logger: silentLogger }),
        payments: simulatorSessionCloser({ apiBaseUrl: 'http://127.0.0.1:9' }),
        beacon: testBeacon(),
      },
      jobs: jobDefinitions(config).filter((j) => j.name === 'deal-kuji-draws'),
    });
    try {
      expect(await policy()).toBe('short');
    } finally {
      await worker.stop();
    }
  });
});
