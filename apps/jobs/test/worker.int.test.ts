import { testBeacon } from '@popbox/domain/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@popbox/db/testing';
import {
  devMailboxSender,
  enqueueEmail,
  listJobStatuses,
  PaymentProviderError,
  type PaymentsPort,
  silentLogger,
  systemClock,
  systemRandom,
} from '@popbox/domain';
import { loadJobsConfig } from '../src/config.js';
import { jobDefinitions } from '../src/registry.js';
import { startWorker, type Worker } from '../src/worker.js';

/** No checkout exists in this test: any call to the payment provider is a test failure. */
const refuse = () =>
  Promise.reject(new PaymentProviderError('unexpected payment provider call', 'unavailable'));
const noPayments: PaymentsPort = {
  kind: 'simulator',
  createCheckoutSession: refuse,
  retrieveCheckoutSession: refuse,
  expireCheckoutSession: refuse,
  createRefund: refuse,
  listRefunds: refuse,
  verifyWebhook: () => {
    throw new PaymentProviderError('unexpected payment provider call', 'unavailable');
  },
};

let database: TestDatabase;
let worker: Worker | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await worker?.stop();
  await database?.close();
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const finishedRun = (job: string) => async () => {
  const { rows } = await database.pool.query(
    `SELECT status, result FROM job_runs WHERE job_name = $1 AND finished_at IS NOT NULL`,
    [job],
  );
  return rows[0] as { status: string; result: Record<string, unknown> } | undefined;
};

describe('the jobs worker on a real pg-boss', () => {
  it('schedules every job, runs them through the queue and records each run', async () => {
    await enqueueEmail(database.db, {
      kind: 'contact',
      to: 'hello@popbox.test',
      subject: 'Waiting while no worker ran',
      html: '<p>hi</p>',
      text: 'hi',
    });
    const config = loadJobsConfig({ DATABASE_URL: database.url });
    worker = await startWorker({
      connectionString: database.url,
      deps: {
        db: database.db,
        clock: systemClock,
        random: systemRandom,
        logger: silentLogger,
        emailSender: devMailboxSender({ logger: silentLogger }),
        // No pending checkout here: the expiry job that runs at start has no session to close.
        payments: noPayments,
        beacon: testBeacon(),
      },
      jobs: jobDefinitions(config),
    });

    // The outbox job is queued once at start: the waiting email goes out without waiting for the cron tick.
    const outbox = await eventually(finishedRun('deliver-email-outbox'));
    expect(outbox).toMatchObject({ status: 'succeeded', result: { claimed: 1, sent: 1 } });
    const { rows: emails } = await database.pool.query(
      `SELECT status, provider_message_id FROM email_outbox`,
    );
    expect(emails).toEqual([{ status: 'sent', provider_message_id: expect.stringMatching(/^dev-mailbox:/) }]);

    // So is the reservation expiry sweep (holds that lapsed while no worker ran are freed at once).
    const expiry = await eventually(finishedRun('expire-pending-orders'));
    expect(expiry).toMatchObject({ status: 'succeeded', result: { expiredOrders: 0, releasedUnits: 0 } });

    await worker.trigger('reconcile-counters');
    const reconcile = await eventually(finishedRun('reconcile-counters'));
    expect(reconcile).toMatchObject({ status: 'succeeded', result: { clean: true, driftCount: 0 } });

    const { rows: schedules } = await database.pool.query(
      `SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name`,
    );
    expect(schedules).toEqual(
      Object.entries(config.schedules)
        .map(([name, cron]) => ({ name, cron, timezone: 'UTC' }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    // The API reads the registered schedules and the recorded runs.
    const { items } = await listJobStatuses({ db: database.db });
    expect(items.find((j) => j.name === 'reconcile-counters')).toMatchObject({
      scheduleSource: 'registered',
      schedule: '*/15 * * * *',
      lastRun: { status: 'succeeded' },
    });
  });
});
