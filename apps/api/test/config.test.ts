import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_DEFAULTS, loadConfig } from '../src/config.js';
import { PRODUCTION_ENV } from './support/production-env.js';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('production configuration', () => {
  it('accepts a complete production environment and uses no embedded default', () => {
    const config = loadConfig(PRODUCTION_ENV);
    expect(config.production).toBe(true);
    expect(config.port).toBe(8080);
    expect(config.corsOrigin).toBe('https://shop.popbox.example');
    expect(config.payments.kind).toBe('stripe');
    expect(config.email.kind).toBe('resend');
    expect(config.storage.kind).toBe('supabase');
    expect(config.auth.kind).toBe('supabase');
    expect(config.rateLimit).toEqual({ store: 'postgres' });
  });

  it('refuses to turn rate limits off in production, allows it for local load tests', () => {
    expect(problemsOf({ ...PRODUCTION_ENV, RATE_LIMITS: 'off' })).toContain(
      'RATE_LIMITS: rate limits cannot be turned off in production',
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db', RATE_LIMITS: 'off' }).rateLimit).toBe(
      false,
    );
  });

  it('uses Cloudflare Turnstile for capped checkouts when TURNSTILE_SECRET_KEY is set, else the embedded challenge', () => {
    const db = { DATABASE_URL: 'postgres://x@127.0.0.1/db' };
    expect(loadConfig(db).challenge).toEqual({ kind: 'embedded' });
    expect(loadConfig({ ...db, TURNSTILE_SECRET_KEY: '0x4AAAAAAAsecret' }).challenge).toEqual({
      kind: 'turnstile',
      secretKey: '0x4AAAAAAAsecret',
      siteverifyUrl: undefined,
    });
  });

  it('lists every missing setting at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    const missing = problems.filter((p) => p.endsWith('required in production')).map((p) => p.split(':')[0]);
    expect(missing.sort()).toEqual(
      [
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
      ].sort(),
    );
  });

  it('lists invalid values together with missing ones', () => {
    const { STRIPE_SECRET_KEY: _omitted, ...env } = PRODUCTION_ENV;
    const problems = problemsOf({ ...env, PORT: '70000', CORS_ORIGIN: 'ftp://x', CONTACT_EMAIL: 'nope' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['CONTACT_EMAIL', 'CORS_ORIGIN', 'PORT', 'STRIPE_SECRET_KEY'].sort(),
    );
  });

  it('treats blank values as missing', () => {
    expect(problemsOf({ ...PRODUCTION_ENV, STRIPE_WEBHOOK_SECRET: '   ' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: required in production',
    ]);
  });

  it('refuses the embedded development secrets and addresses even when set explicitly', () => {
    const problems = problemsOf({
      ...PRODUCTION_ENV,
      ORDER_TOKEN_PEPPER: DEV_DEFAULTS.orderTokenPepper,
      STRIPE_WEBHOOK_SECRET: DEV_DEFAULTS.stripeWebhookSecret,
      SUPABASE_JWT_SECRET: DEV_DEFAULTS.devJwtSecret,
      RESEND_FROM_EMAIL: DEV_DEFAULTS.email.from,
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['ORDER_TOKEN_PEPPER', 'RESEND_FROM_EMAIL', 'STRIPE_WEBHOOK_SECRET', 'SUPABASE_JWT_SECRET'].sort(),
    );
  });

  it('deals kuji draws with drand in production and refuses the local beacon and its dev secret there', () => {
    expect(loadConfig(PRODUCTION_ENV).beacon).toMatchObject({ kind: 'drand' });
    expect(problemsOf({ ...PRODUCTION_ENV, KUJI_BEACON: 'local' })).toEqual([
      'KUJI_BEACON: the local beacon is for development and tests; production deals kuji draws with drand',
    ]);
    expect(() => loadConfig({ ...PRODUCTION_ENV, KUJI_BEACON: 'local' })).toThrow(ConfigError);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db' }).beacon).toMatchObject({ kind: 'local' });
  });

  it('refuses a reservation TTL other than 600000 ms', () => {
    expect(problemsOf({ ...PRODUCTION_ENV, STRIPE_CHECK_SESSION_RESERVATION_TTL: '600500' })).toHaveLength(1);
    expect(problemsOf({ ...PRODUCTION_ENV, STRIPE_CHECK_SESSION_RESERVATION_TTL: '600000' })).toEqual([]);
  });
});

/** Every `KEY=value` line of .env.example, the commented-out optional ones included. */
function envExample(): Record<string, string> {
  const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
  const entries = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]);
  return Object.fromEntries(entries);
}

describe('production configuration copied from .env.example', () => {
  it('refuses every placeholder of .env.example, naming the setting and why', () => {
    const problems = problemsOf(envExample());
    const placeholders = problems.filter((p) => p.includes('looks like the .env.example placeholder'));
    expect(placeholders.map((p) => p.split(':')[0]).sort()).toEqual(
      [
        'CORS_ORIGIN',
        'CLIENT_BASE_URL',
        'ADMIN_BASE_URL',
        'DATABASE_URL',
        // The live board's LISTEN connection (issue 12).
        'DATABASE_DIRECT_URL',
        'SUPABASE_URL',
        'SUPABASE_PUBLIC_KEY',
        'SUPABASE_SECRET_KEY',
        'SUPABASE_JWT_SECRET',
        'STRIPE_SECRET_KEY',
        'STRIPE_WEBHOOK_SECRET',
        'STRIPE_SUCCESS_URL',
        'STRIPE_CANCEL_URL',
        'RESEND_API_KEY',
        'RESEND_FROM_EMAIL',
        'ORDER_NOTIFICATION_EMAIL',
        'CONTACT_EMAIL',
        'ORDER_TOKEN_PEPPER',
        'SENTRY_DSN',
        // Issue 13: the checkout challenge of capped products.
        'TURNSTILE_SECRET_KEY',
      ].sort(),
    );
  });

  it.each([
    [
      'STRIPE_SECRET_KEY',
      'sk_test_...',
      "STRIPE_SECRET_KEY: looks like the .env.example placeholder 'sk_test_...'; set your real Stripe secret key",
    ],
    [
      'STRIPE_WEBHOOK_SECRET',
      'whsec_...',
      "STRIPE_WEBHOOK_SECRET: looks like the .env.example placeholder 'whsec_...'; set your Stripe webhook endpoint's signing secret",
    ],
    [
      'RESEND_API_KEY',
      're_...',
      "RESEND_API_KEY: looks like the .env.example placeholder 're_...'; set your real Resend API key",
    ],
    [
      'SUPABASE_PUBLIC_KEY',
      '<anon key>',
      "SUPABASE_PUBLIC_KEY: looks like the .env.example placeholder '<anon key>'; set your Supabase project's anon key",
    ],
    [
      'SUPABASE_SECRET_KEY',
      '<service-role key>',
      "SUPABASE_SECRET_KEY: looks like the .env.example placeholder '<service-role key>'; set your Supabase project's service-role key",
    ],
    [
      'ORDER_TOKEN_PEPPER',
      '<random, at least 16 characters>',
      "ORDER_TOKEN_PEPPER: looks like the .env.example placeholder '<random, at least 16 characters>'; generate a random one (see .env.example)",
    ],
    [
      'DATABASE_URL',
      'postgres://postgres:s3cret@db.<project-ref>.supabase.co:5432/postgres',
      "DATABASE_URL: looks like the .env.example placeholder '<project-ref>'; set your database's connection string",
    ],
    [
      'CONTACT_EMAIL',
      'hello@example.com',
      "CONTACT_EMAIL: looks like the .env.example placeholder 'example.com'; set your shop's contact inbox",
    ],
    [
      'CORS_ORIGIN',
      'https://shop.example.com',
      "CORS_ORIGIN: looks like the .env.example placeholder 'shop.example.com'; set your storefront's origin",
    ],
  ])('refuses the placeholder %s=%s', (key, value, problem) => {
    expect(problemsOf({ ...PRODUCTION_ENV, [key]: value })).toEqual([problem]);
  });

  it('quotes only the placeholder, never the rest of the value', () => {
    const [problem] = problemsOf({
      ...PRODUCTION_ENV,
      DATABASE_URL: 'postgres://postgres:s3cret@db.<project-ref>.supabase.co:5432/postgres',
    });
    expect(problem).not.toContain('s3cret');
  });

  it('accepts real values that merely resemble a placeholder', () => {
    expect(
      problemsOf({
        ...PRODUCTION_ENV,
        STRIPE_SECRET_KEY: 'sk_test_51Habc',
        CONTACT_EMAIL: 'hello@myexample.com',
        CORS_ORIGIN: 'https://example.community',
      }),
    ).toEqual([]);
  });

  it('refuses a STRIPE_SUCCESS_URL without {CHECKOUT_SESSION_ID}, in production and elsewhere', () => {
    const problem =
      'STRIPE_SUCCESS_URL must contain {CHECKOUT_SESSION_ID} so the storefront can poll /checkout/success';
    const successUrl = 'https://shop.popbox.example/checkout/success';
    expect(problemsOf({ ...PRODUCTION_ENV, STRIPE_SUCCESS_URL: successUrl })).toEqual([problem]);
    expect(problemsOf({ DATABASE_URL: 'postgres://x@127.0.0.1/db', STRIPE_SUCCESS_URL: successUrl })).toEqual(
      [problem],
    );
  });
});

describe('development configuration', () => {
  it('falls back to the embedded defaults when providers are not configured', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/popbox' });
    expect(config.production).toBe(false);
    expect(config.payments.kind).toBe('simulator');
    expect(config.email.kind).toBe('dev-mailbox');
    expect(config.storage.kind).toBe('local');
    expect(config.auth.kind).toBe('dev');
  });

  it('points the storefront URLs at the dev storefront the API serves under /shop (issue 15)', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/popbox', PORT: '4000' });
    expect(config.clientBaseUrl).toBe('http://localhost:4000/shop');
    expect(config.checkout).toEqual({
      successUrl: 'http://localhost:4000/shop/checkout/success?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'http://localhost:4000/shop/cart',
    });
    expect(config.corsOrigin).toBe('http://localhost:4000');
  });
});
