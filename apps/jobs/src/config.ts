import { z } from 'zod';
import {
  beaconSettingsFromEnv,
  DEFAULT_ALERTS_MAX_PER_EVENT,
  JOB_CATALOG,
  JOB_NAMES,
  type JobName,
} from '@popbox/domain';
import {
  ConfigError,
  missingInProduction,
  nonBlank,
  placeholderProblems,
} from '@popbox/domain/config-checks';

/** The jobs app's configuration: the only module here that reads process.env. */
const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be an integer ${min}..${max}` })
    .int(`must be an integer ${min}..${max}`)
    .min(min)
    .max(max)
    .default(fallback);
const cron = z
  .string()
  .trim()
  .refine((v) => v.split(/\s+/).length === 5, 'must be a 5-field cron expression (UTC)');

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string({ error: 'required (use `pnpm dev` for an embedded database)' })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  /** pg-boss needs session features: a direct connection, not a transaction pooler. */
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** auto: named prepared statements unless DATABASE_URL is a separate (pooled) URL; on; off. */
  DATABASE_PREPARED_STATEMENTS: z.enum(['auto', 'on', 'off']).default('auto'),
  RESEND_API_KEY: z.string().trim().optional(),
  RESEND_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  RESEND_FROM_EMAIL: z.email().optional(),
  /** Messages claimed per delivery pass, and passes per scheduled run (a run stops early once drained). */
  EMAIL_OUTBOX_BATCH_SIZE: int(1, 500, 20),
  EMAIL_OUTBOX_MAX_BATCHES: int(1, 1000, 10),
  /** A claim lapses after this long, so a crashed worker's messages are retried by another. */
  EMAIL_OUTBOX_LEASE_SECONDS: int(30, 3600, 300),
  EMAIL_RETRY_BASE_SECONDS: int(1, 86_400, 30),
  EMAIL_RETRY_MAX_SECONDS: int(1, 86_400, 3600),
  /** B19: pending orders claimed per expiry transaction, and transactions per run. */
  RESERVATION_EXPIRY_BATCH_SIZE: int(1, 1000, 100),
  RESERVATION_EXPIRY_MAX_BATCHES: int(1, 1000, 3),
  /** F6: lapsed checkouts' sessions are closed at Stripe; without a key, at the API's payment simulator. */
  STRIPE_SECRET_KEY: z.string().trim().optional(),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  /** Where the simulator runs (the API); defaults to the API on this machine at PORT (as `pnpm dev` runs it). */
  SIMULATOR_API_URL: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  PORT: int(1, 65535, 3000),
  /** Issue 12: the shop address beacon-outage alerts go to (the API's order notification address). */
  ORDER_NOTIFICATION_EMAIL: z.email().optional(),
  /** How often the kuji dealer checks for lines whose beacon round is published. */
  KUJI_DEAL_INTERVAL_MS: int(200, 60_000, 1000),
  /** Draws waiting this long for a published round alert the shop (once per outage). */
  KUJI_BEACON_ALERT_AFTER_SECONDS: int(10, 86_400, 180),
  /** Issue 13: no alert event emails more subscribers than this (a restock of N units: max(4N, 20), capped). */
  ALERTS_MAX_PER_EVENT: int(1, 100_000, DEFAULT_ALERTS_MAX_PER_EVENT),
  /** Alert emails enqueued per transaction, and transactions per run (the next run continues). */
  ALERTS_BATCH_SIZE: int(1, 1000, 100),
  ALERTS_MAX_BATCHES: int(1, 1000, 20),
  ...Object.fromEntries(JOB_NAMES.map((name) => [JOB_CATALOG[name].scheduleEnv, cron.optional()])),
});

/** Same embedded default as the API's, so dev mail shows the same sender. */
const DEV_FROM_EMAIL = 'shop@popbox.local';

export type JobsConfig = ReturnType<typeof loadJobsConfig>;

/** No embedded defaults in production (architecture.md): mail goes through Resend, payments are Stripe. */
const PRODUCTION_REQUIRED = [
  'DATABASE_URL',
  'RESEND_API_KEY',
  'RESEND_FROM_EMAIL',
  'STRIPE_SECRET_KEY',
  'ORDER_NOTIFICATION_EMAIL',
];

const isMissing = (raw: Record<string, string>, path: PropertyKey[]) =>
  path.length === 1 && PRODUCTION_REQUIRED.includes(String(path[0])) && !raw[String(path[0])];

export function loadJobsConfig(source: Record<string, string | undefined> = process.env) {
  const raw = nonBlank(source);
  const production = raw.NODE_ENV === 'production';
  const parsed = EnvSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues
        // In production a missing required setting is reported once, in the shared wording.
        .filter((i) => !(production && isMissing(raw, i.path)))
        .map((i) => `${i.path.join('.')}: ${i.message}`);
  if (production) {
    problems.push(...missingInProduction(raw, PRODUCTION_REQUIRED));
    problems.push(...placeholderProblems(raw, EnvSchema.keyof().options));
    if (raw.RESEND_FROM_EMAIL?.trim() === DEV_FROM_EMAIL)
      problems.push('RESEND_FROM_EMAIL: the embedded development value is refused in production');
  }
  const beacon = beaconSettingsFromEnv(raw, raw.NODE_ENV === 'production');
  problems.push(...beacon.problems);
  if (!parsed.success || problems.length || !beacon.settings) throw new ConfigError('jobs', problems);
  const env = parsed.data;
  const from = env.RESEND_FROM_EMAIL ?? DEV_FROM_EMAIL;
  const schedules = Object.fromEntries(
    JOB_NAMES.map((name) => [
      name,
      (env as Record<string, unknown>)[JOB_CATALOG[name].scheduleEnv] ?? JOB_CATALOG[name].defaultSchedule,
    ]),
  ) as Record<JobName, string>;
  return {
    production: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    directDatabaseUrl: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    schedules,
    email: env.RESEND_API_KEY
      ? { kind: 'resend' as const, apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL, from }
      : { kind: 'dev-mailbox' as const, from },
    outbox: {
      batchSize: env.EMAIL_OUTBOX_BATCH_SIZE,
      maxBatches: env.EMAIL_OUTBOX_MAX_BATCHES,
      leaseMs: env.EMAIL_OUTBOX_LEASE_SECONDS * 1000,
      backoff: { baseMs: env.EMAIL_RETRY_BASE_SECONDS * 1000, maxMs: env.EMAIL_RETRY_MAX_SECONDS * 1000 },
    },
    alerts: {
      maxPerEvent: env.ALERTS_MAX_PER_EVENT,
      batchSize: env.ALERTS_BATCH_SIZE,
      maxBatches: env.ALERTS_MAX_BATCHES,
    },
    reservationExpiry: {
      batchSize: env.RESERVATION_EXPIRY_BATCH_SIZE,
      maxBatches: env.RESERVATION_EXPIRY_MAX_BATCHES,
    },
    kuji: {
      beacon: beacon.settings,
      dealIntervalMs: env.KUJI_DEAL_INTERVAL_MS,
      beaconAlertAfterSeconds: env.KUJI_BEACON_ALERT_AFTER_SECONDS,
      alertTo: env.ORDER_NOTIFICATION_EMAIL ?? 'orders@popbox.local',
    },
    payments: env.STRIPE_SECRET_KEY
      ? { kind: 'stripe' as const, secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE }
      : {
          kind: 'simulator' as const,
          apiBaseUrl: env.SIMULATOR_API_URL ?? `http://127.0.0.1:${env.PORT}`,
        },
  };
}
