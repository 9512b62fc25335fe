import { describe, expect, it } from 'vitest';
import { JOB_NAMES } from '@popbox/domain';
import { loadJobsConfig } from '../src/config.js';
import { JOBS, jobDefinitions } from '../src/registry.js';

const base = { DATABASE_URL: 'postgres://x@127.0.0.1:5432/db' };

describe('jobs registry', () => {
  it('has exactly one job module per catalog entry', () => {
    expect(JOBS.map((j) => j.name).sort()).toEqual([...JOB_NAMES].sort());
  });

  it('schedules each job on its catalog default unless configured', () => {
    const config = loadJobsConfig({ ...base, JOBS_EMAIL_OUTBOX_CRON: '*/2 * * * *' });
    const schedules = Object.fromEntries(jobDefinitions(config).map((j) => [j.name, j.schedule]));
    expect(schedules).toMatchObject({
      'deliver-email-outbox': '*/2 * * * *',
      'reconcile-counters': '*/15 * * * *',
      'purge-idempotency-keys': '17 * * * *',
      'expire-pending-orders': '* * * * *',
      'release-expired-reservations': '*/2 * * * *',
    });
  });

  it('sweeps lapsed holds in batches of 100, 3 per run, unless configured', () => {
    expect(loadJobsConfig(base).reservationExpiry).toEqual({ batchSize: 100, maxBatches: 3 });
    const config = loadJobsConfig({
      ...base,
      RESERVATION_EXPIRY_BATCH_SIZE: '25',
      RESERVATION_EXPIRY_MAX_BATCHES: '40',
      JOBS_RESERVATION_EXPIRY_CRON: '*/2 * * * *',
    });
    expect(config.reservationExpiry).toEqual({ batchSize: 25, maxBatches: 40 });
    expect(config.schedules['expire-pending-orders']).toBe('*/2 * * * *');
    expect(() => loadJobsConfig({ ...base, RESERVATION_EXPIRY_BATCH_SIZE: '0' })).toThrow(
      /RESERVATION_EXPIRY_BATCH_SIZE/,
    );
  });

  it('closes sessions at Stripe with a key, else at the simulator in the API; production requires Stripe', () => {
    expect(loadJobsConfig(base).payments).toEqual({
      kind: 'simulator',
      apiBaseUrl: 'http://127.0.0.1:3000',
    });
    expect(loadJobsConfig({ ...base, PORT: '4100' }).payments).toMatchObject({
      apiBaseUrl: 'http://127.0.0.1:4100',
    });
    expect(
      loadJobsConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_API_BASE: 'http://127.0.0.1:12111' })
        .payments,
    ).toEqual({ kind: 'stripe', secretKey: 'sk_test_1', apiBase: 'http://127.0.0.1:12111' });
    expect(() =>
      loadJobsConfig({
        ...base,
        NODE_ENV: 'production',
        RESEND_API_KEY: 're_1',
        RESEND_FROM_EMAIL: 'a@b.ca',
      }),
    ).toThrow(/STRIPE_SECRET_KEY: required in production/);
  });

  it('refuses a malformed cron expression', () => {
    expect(() => loadJobsConfig({ ...base, JOBS_RECONCILIATION_CRON: 'every minute' })).toThrow(
      /JOBS_RECONCILIATION_CRON/,
    );
  });

  it('uses the dev mailbox without Resend settings, and requires them in production', () => {
    expect(loadJobsConfig(base).email).toEqual({ kind: 'dev-mailbox', from: 'shop@popbox.local' });
    expect(
      loadJobsConfig({ ...base, RESEND_API_KEY: 're_1', RESEND_FROM_EMAIL: 'shop@popbox.ca' }).email,
    ).toMatchObject({ kind: 'resend', apiKey: 're_1', from: 'shop@popbox.ca' });
    expect(() => loadJobsConfig({ ...base, NODE_ENV: 'production' })).toThrow(
      /RESEND_API_KEY: required in production[\s\S]*RESEND_FROM_EMAIL: required in production/,
    );
  });
});
