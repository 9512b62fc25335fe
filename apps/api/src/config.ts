import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { beaconSettingsFromEnv, type BeaconSettings } from '@popbox/domain';
import {
  ConfigError,
  missingInProduction,
  nonBlank,
  placeholderProblems,
  successUrlProblems,
} from '@popbox/domain/config-checks';
import { DEV_JWT_SECRET, devAuthSettings, SEEDED_ADMIN } from '@popbox/domain/dev-token';

export { ConfigError };

/**
 * The API's configuration: the only module that reads process.env (style rule 15). Spec (d) settings plus
 * the ones the embedded defaults replace. Outside production every provider setting may be missing and an
 * embedded default is used; with NODE_ENV=production every required setting must be present and valid, and
 * every problem is reported at once.
 */
const url = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
const trimSlash = (s: string) => s.replace(/\/+$/, '');
const optionalString = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const EnvSchema = z.object({
  /** `off` disables rate limiting for local load tests (`pnpm bench`); refused in production. */
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  /** Issue 14: the in-process cache of anonymous public reads; `off` for cold measurements. */
  PUBLIC_READ_CACHE: z.enum(['on', 'off']).default('on'),
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce
    .number({ error: 'must be an integer 1..65535' })
    .int('must be an integer 1..65535')
    .min(1)
    .max(65535)
    .default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGIN: url.transform(trimSlash).optional(),
  CLIENT_BASE_URL: url.transform(trimSlash).optional(),
  ADMIN_BASE_URL: url.transform(trimSlash).optional(),
  PUBLIC_API_URL: url.transform(trimSlash).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** The live board's LISTEN needs a session: a direct connection, not a transaction pooler. */
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** auto: named prepared statements unless DATABASE_URL is a separate (pooled) URL; on; off. */
  DATABASE_PREPARED_STATEMENTS: z.enum(['auto', 'on', 'off']).default('auto'),
  SUPABASE_URL: url.transform(trimSlash).optional(),
  SUPABASE_PUBLIC_KEY: optionalString,
  SUPABASE_SECRET_KEY: optionalString,
  SUPABASE_STORAGE_BUCKET: optionalString,
  SUPABASE_JWT_SECRET: optionalString,
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_SUCCESS_URL: url.optional(),
  STRIPE_CANCEL_URL: url.optional(),
  STRIPE_CHECK_SESSION_RESERVATION_TTL: z.coerce
    .number()
    .refine((v) => v === 600000, 'must be exactly 600000 (the reservation TTL is fixed at 10 minutes)')
    .optional(),
  STRIPE_API_BASE: url.optional(),
  RESEND_API_KEY: optionalString,
  RESEND_BASE_URL: url.optional(),
  RESEND_FROM_EMAIL: z.email().optional(),
  ORDER_NOTIFICATION_EMAIL: z.email().optional(),
  CONTACT_EMAIL: z.email().optional(),
  ORDER_TOKEN_PEPPER: z.string().min(16, 'must be at least 16 characters').optional(),
  DEV_JWT_SECRET: optionalString,
  STORAGE_DIR: optionalString,
  SENTRY_DSN: optionalString,
  SENTRY_RELEASE: optionalString,
  /** Issue 13: Cloudflare Turnstile for checkouts of capped products; unset = embedded accept-all. */
  TURNSTILE_SECRET_KEY: optionalString,
  /** Tests: a local fake of Cloudflare's siteverify endpoint. */
  TURNSTILE_SITEVERIFY_URL: url.optional(),
});

type Env = z.infer<typeof EnvSchema>;

/** Required in production (spec (d)); elsewhere their absence selects an embedded default. */
const PRODUCTION_REQUIRED = [
  'CORS_ORIGIN',
  'CLIENT_BASE_URL',
  'DATABASE_URL',
  'SUPABASE_URL',
  'SUPABASE_PUBLIC_KEY',
  'SUPABASE_SECRET_KEY',
  'SUPABASE_STORAGE_BUCKET',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'STRIPE_SUCCESS_URL',
  'STRIPE_CANCEL_URL',
  'RESEND_API_KEY',
  'RESEND_FROM_EMAIL',
  'ORDER_NOTIFICATION_EMAIL',
  'CONTACT_EMAIL',
  'ORDER_TOKEN_PEPPER',
] as const satisfies readonly (keyof Env)[];

export const DEV_DEFAULTS = {
  /** The dev storefront the API serves with the embedded defaults (issue 15), under the API's own URL. */
  clientBasePath: '/shop',
  orderTokenPepper: 'dev-only-order-token-pepper-not-secret',
  stripeWebhookSecret: 'whsec_popbox_dev_simulator',
  /** Shared with `pnpm admin:token` (packages/domain/src/auth/dev-token.mjs). */
  devJwtSecret: DEV_JWT_SECRET,
  email: { from: 'shop@popbox.local', orders: 'orders@popbox.local', contact: 'hello@popbox.local' },
  storageDir: '.data/storage',
};

/**
 * Embedded-default secrets and addresses: with NODE_ENV=production they are refused even when set
 * explicitly (copied from a dev .env), because anyone can read them in this repository.
 */
const EMBEDDED_VALUES: [keyof Env, string][] = [
  ['ORDER_TOKEN_PEPPER', DEV_DEFAULTS.orderTokenPepper],
  ['STRIPE_WEBHOOK_SECRET', DEV_DEFAULTS.stripeWebhookSecret],
  ['SUPABASE_JWT_SECRET', DEV_DEFAULTS.devJwtSecret],
  ['DEV_JWT_SECRET', DEV_DEFAULTS.devJwtSecret],
  ['RESEND_FROM_EMAIL', DEV_DEFAULTS.email.from],
  ['ORDER_NOTIFICATION_EMAIL', DEV_DEFAULTS.email.orders],
  ['CONTACT_EMAIL', DEV_DEFAULTS.email.contact],
];

export interface AppConfig {
  production: boolean;
  /** NODE_ENV as given (error-tracking environment). */
  nodeEnv: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  corsOrigin: string;
  clientBaseUrl: string;
  adminBaseUrl: string;
  apiBaseUrl: string;
  databaseUrl: string;
  /** Direct (session) connection for the live board's LISTEN; DATABASE_DIRECT_URL, else DATABASE_URL. */
  databaseDirectUrl: string;
  /** DATABASE_PREPARED_STATEMENTS, resolved against the two URLs by `usePreparedStatements` at start. */
  preparedStatements: 'auto' | 'on' | 'off';
  orderTokenPepper: string;
  checkout: { successUrl: string; cancelUrl: string };
  payments:
    | { kind: 'stripe'; secretKey: string; webhookSecret: string; apiBase?: string | undefined }
    | { kind: 'simulator'; webhookSecret: string };
  email:
    | {
        kind: 'resend';
        apiKey: string;
        baseUrl?: string | undefined;
        from: string;
        orderNotificationTo: string;
        contactTo: string;
      }
    | { kind: 'dev-mailbox'; from: string; orderNotificationTo: string; contactTo: string };
  storage:
    { kind: 'supabase'; url: string; secretKey: string; bucket: string } | { kind: 'local'; dir: string };
  auth:
    { kind: 'supabase'; url: string; jwtSecret?: string | undefined } | { kind: 'dev'; jwtSecret: string };
  sentry: { dsn?: string | undefined; release?: string | undefined };
  /** Issue 12: the randomness beacon that deals kuji draws (the API assigns target rounds from its chain). */
  beacon: BeaconSettings;
  /** Rate-limit counters live in PostgreSQL so limits hold across API replicas (security rule 10). */
  rateLimit: { store: 'postgres' } | false;
  /** Issue 14: the shared public read cache (LISTEN on the direct connection). */
  publicReadCache: boolean;
  /** Issue 13: the checkout challenge of capped products (Turnstile when its secret is set). */
  challenge:
    { kind: 'turnstile'; secretKey: string; siteverifyUrl?: string | undefined } | { kind: 'embedded' };
}

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const raw = nonBlank(source);
  const parsed = EnvSchema.safeParse(raw);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  problems.push(...successUrlProblems(raw.STRIPE_SUCCESS_URL));
  const production = (raw.NODE_ENV ?? '') === 'production';
  if (production) {
    problems.push(...missingInProduction(raw, PRODUCTION_REQUIRED));
    problems.push(...placeholderProblems(raw, EnvSchema.keyof().options));
    if (raw.RATE_LIMITS === 'off')
      problems.push('RATE_LIMITS: rate limits cannot be turned off in production');
    for (const [key, value] of EMBEDDED_VALUES) {
      if (raw[key]?.trim() === value)
        problems.push(`${key}: the embedded development value is refused in production`);
    }
  }
  const beacon = beaconSettingsFromEnv(raw, production);
  problems.push(...beacon.problems);
  if (!parsed.success || problems.length || !beacon.settings) throw new ConfigError('api', problems);
  const env = parsed.data;
  if (!env.DATABASE_URL)
    throw new ConfigError('api', ['DATABASE_URL: required (use `pnpm dev` for an embedded database)']);

  const apiBaseUrl = env.PUBLIC_API_URL ?? `http://localhost:${env.PORT}`;
  const clientBaseUrl = env.CLIENT_BASE_URL ?? `${apiBaseUrl}${DEV_DEFAULTS.clientBasePath}`;
  const emailAddresses = {
    from: env.RESEND_FROM_EMAIL ?? DEV_DEFAULTS.email.from,
    orderNotificationTo: env.ORDER_NOTIFICATION_EMAIL ?? DEV_DEFAULTS.email.orders,
    contactTo: env.CONTACT_EMAIL ?? DEV_DEFAULTS.email.contact,
  };

  return {
    production,
    beacon: beacon.settings,
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    corsOrigin: env.CORS_ORIGIN ?? new URL(clientBaseUrl).origin,
    clientBaseUrl,
    adminBaseUrl: env.ADMIN_BASE_URL ?? `${clientBaseUrl}/admin`,
    apiBaseUrl,
    databaseUrl: env.DATABASE_URL,
    databaseDirectUrl: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    orderTokenPepper: env.ORDER_TOKEN_PEPPER ?? DEV_DEFAULTS.orderTokenPepper,
    checkout: {
      successUrl:
        env.STRIPE_SUCCESS_URL ?? `${clientBaseUrl}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: env.STRIPE_CANCEL_URL ?? `${clientBaseUrl}/cart`,
    },
    payments: env.STRIPE_SECRET_KEY
      ? {
          kind: 'stripe',
          secretKey: env.STRIPE_SECRET_KEY,
          webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? DEV_DEFAULTS.stripeWebhookSecret,
          apiBase: env.STRIPE_API_BASE,
        }
      : { kind: 'simulator', webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? DEV_DEFAULTS.stripeWebhookSecret },
    email: env.RESEND_API_KEY
      ? { kind: 'resend', apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL, ...emailAddresses }
      : { kind: 'dev-mailbox', ...emailAddresses },
    storage:
      env.SUPABASE_URL && env.SUPABASE_SECRET_KEY && env.SUPABASE_STORAGE_BUCKET
        ? {
            kind: 'supabase',
            url: env.SUPABASE_URL,
            secretKey: env.SUPABASE_SECRET_KEY,
            bucket: env.SUPABASE_STORAGE_BUCKET,
          }
        : { kind: 'local', dir: env.STORAGE_DIR ?? DEV_DEFAULTS.storageDir },
    auth: env.SUPABASE_URL
      ? { kind: 'supabase', url: env.SUPABASE_URL, jwtSecret: env.SUPABASE_JWT_SECRET }
      : { kind: 'dev', jwtSecret: env.DEV_JWT_SECRET ?? DEV_DEFAULTS.devJwtSecret },
    sentry: { dsn: env.SENTRY_DSN, release: env.SENTRY_RELEASE },
    rateLimit: env.RATE_LIMITS === 'off' ? false : { store: 'postgres' },
    publicReadCache: env.PUBLIC_READ_CACHE === 'on',
    challenge: env.TURNSTILE_SECRET_KEY
      ? {
          kind: 'turnstile',
          secretKey: env.TURNSTILE_SECRET_KEY,
          siteverifyUrl: env.TURNSTILE_SITEVERIFY_URL,
        }
      : { kind: 'embedded' },
  };
}

/**
 * Settings of the dev admin-token CLI (no database needed). The CLI itself (`apps/api/scripts/admin-token.mjs`)
 * calls the same function straight from its plain-JavaScript module, so it never compiles this file.
 */
export const loadDevAuthConfig = devAuthSettings;

/** The admin user the demo seed creates. */
export { SEEDED_ADMIN };

/** Settings of the `admin:grant` CLI (F18): a database URL, or the dev launcher's record of one. */
export function loadAdminGrantConfig(source: Record<string, string | undefined> = process.env) {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  return {
    production: source.NODE_ENV === 'production',
    databaseUrl: source.DATABASE_URL?.trim() || undefined,
    /** `pnpm dev` writes `{databaseUrl}` to `<data dir>/dev.json`. */
    devStateFile: join(resolve(repoRoot, source.POPBOX_DATA_DIR?.trim() || '.data'), 'dev.json'),
  };
}
