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
    });
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
