/**
 * F15: the one list of background jobs — name, what it does, its default schedule and the setting that
 * overrides it. The jobs app registers a handler for every entry (apps/jobs/src/registry.ts); the API reads
 * it to show each job's schedule and runs without importing the jobs app.
 */
export interface JobCatalogEntry {
  description: string;
  /** Cron (UTC); pg-boss cron has minute granularity. */
  defaultSchedule: string;
  /** Environment variable of the jobs app that overrides the schedule. */
  scheduleEnv: string;
}

export const JOB_CATALOG = {
  'expire-pending-orders': {
    description:
      'Expires pending orders whose 10-minute stock hold lapsed, releases the stock and closes their payment sessions (B19, F6)',
    defaultSchedule: '* * * * *',
    scheduleEnv: 'JOBS_RESERVATION_EXPIRY_CRON',
  },
  'release-expired-reservations': {
    description: 'Safety net: releases stock still held by expired or cancelled orders (B19)',
    defaultSchedule: '*/2 * * * *',
    scheduleEnv: 'JOBS_RESERVATION_SAFETY_NET_CRON',
  },
  'deliver-email-outbox': {
    description: 'Delivers queued transactional emails with retries and backoff (F7)',
    defaultSchedule: '* * * * *',
    scheduleEnv: 'JOBS_EMAIL_OUTBOX_CRON',
  },
  'reconcile-counters': {
    description: 'Compares stock and kuji counters with their sources and records drift (F14)',
    defaultSchedule: '*/15 * * * *',
    scheduleEnv: 'JOBS_RECONCILIATION_CRON',
  },
  'deal-kuji-draws': {
    description:
      'Deals paid kuji lines with the randomness of their beacon round once it is published (issue 12); also run every second by the dealer while lines wait, and alerts the shop when the beacon is down',
    defaultSchedule: '* * * * *',
    scheduleEnv: 'JOBS_KUJI_DEAL_CRON',
  },
  'commit-kuji-boards': {
    description:
      'Publishes the fairness commitment of kuji boards on sale without one, such as a hidden drop whose start has come (issue 13); the first checkout after the start would open it too',
    defaultSchedule: '* * * * *',
    scheduleEnv: 'JOBS_KUJI_COMMIT_CRON',
  },
  'send-alerts': {
    description:
      'Alert emails (issue 13): records drops whose sale started, then enqueues back-in-stock, drop and new-board alerts in batches, oldest subscription first, each subscriber once per event, capped per event',
    defaultSchedule: '* * * * *',
    scheduleEnv: 'JOBS_ALERTS_CRON',
  },
  'purge-idempotency-keys': {
    description: 'Removes idempotency records past their 24-hour retention (F3)',
    defaultSchedule: '17 * * * *',
    scheduleEnv: 'JOBS_CLEANUP_CRON',
  },
  'purge-job-runs': {
    description: 'Removes job run records older than the retention window',
    defaultSchedule: '41 3 * * *',
    scheduleEnv: 'JOBS_PURGE_JOB_RUNS_CRON',
  },
} as const satisfies Record<string, JobCatalogEntry>;

export type JobName = keyof typeof JOB_CATALOG;
export const JOB_NAMES = Object.keys(JOB_CATALOG) as JobName[];

/** How long job_runs rows are kept (the outbox job alone records one run a minute). */
export const JOB_RUN_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

/** The Postgres schema pg-boss keeps its queues and schedules in (shared by the jobs app and the API). */
export const PG_BOSS_SCHEMA = 'pgboss';
