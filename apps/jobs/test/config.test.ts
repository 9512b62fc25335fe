import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@popbox/domain/config-checks';
import { loadJobsConfig } from '../src/config.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://popbox:pw@db.popbox.example:5432/popbox',
  RESEND_API_KEY: 're_abc',
  RESEND_FROM_EMAIL: 'shop@popbox.example',
  STRIPE_SECRET_KEY: 'sk_live_abc',
  ORDER_NOTIFICATION_EMAIL: 'orders@popbox.example',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadJobsConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('jobs configuration in production', () => {
  it('accepts a complete production environment', () => {
    expect(loadJobsConfig(PRODUCTION)).toMatchObject({
      production: true,
      email: { kind: 'resend' },
      payments: { kind: 'stripe' },
    });
  });

  it('lists every missing setting at once, in the same wording as the API', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'DATABASE_URL: required in production',
      'RESEND_API_KEY: required in production',
      'RESEND_FROM_EMAIL: required in production',
      'STRIPE_SECRET_KEY: required in production',
      'ORDER_NOTIFICATION_EMAIL: required in production',
    ]);
  });

  it('names the app in its error', () => {
    expect(() => loadJobsConfig({ NODE_ENV: 'production' })).toThrow(/^jobs: invalid configuration\n {2}- /);
  });

  it.each([
    [
      'STRIPE_SECRET_KEY',
      'sk_test_...',
      "STRIPE_SECRET_KEY: looks like the .env.example placeholder 'sk_test_...'; set your real Stripe secret key",
    ],
    [
      'RESEND_API_KEY',
      're_...',
      "RESEND_API_KEY: looks like the .env.example placeholder 're_...'; set your real Resend API key",
    ],
    [
      'RESEND_FROM_EMAIL',
      'shop@example.com',
      "RESEND_FROM_EMAIL: looks like the .env.example placeholder 'example.com'; set your shop's sender address",
    ],
    [
      'DATABASE_URL',
      'postgres://postgres.<project-ref>:pw@aws-0-<region>.pooler.supabase.com:6543/postgres',
      "DATABASE_URL: looks like the .env.example placeholder '<project-ref>'; set your database's connection string",
    ],
    [
      'DATABASE_DIRECT_URL',
      'postgres://postgres:<password>@db.<project-ref>.supabase.co:5432/postgres',
      "DATABASE_DIRECT_URL: looks like the .env.example placeholder '<password>'; set your database's direct connection string",
    ],
  ])('refuses the placeholder %s=%s', (key, value, problem) => {
    expect(problemsOf({ ...PRODUCTION, [key]: value })).toEqual([problem]);
  });

  it('refuses every placeholder of .env.example among the settings it reads', () => {
    const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const env = Object.fromEntries(
      [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]),
    );
    const refused = problemsOf(env)
      .filter((p) => p.includes('looks like the .env.example placeholder'))
      .map((p) => p.split(':')[0]);
    expect(refused.sort()).toEqual(
      [
        'DATABASE_URL',
        'DATABASE_DIRECT_URL',
        'RESEND_API_KEY',
        'RESEND_FROM_EMAIL',
        'STRIPE_SECRET_KEY',
        'ORDER_NOTIFICATION_EMAIL',
      ].sort(),
    );
  });

  it('deals kuji draws with drand in production and refuses the local beacon there', () => {
    expect(loadJobsConfig(PRODUCTION).kuji.beacon).toMatchObject({ kind: 'drand' });
    expect(problemsOf({ ...PRODUCTION, KUJI_BEACON: 'local' })).toEqual([
      'KUJI_BEACON: the local beacon is for development and tests; production deals kuji draws with drand',
    ]);
    expect(problemsOf({ ...PRODUCTION, DRAND_URLS: 'ftp://relay.example' })).toEqual([
      'DRAND_URLS: ftp://relay.example is not an absolute http(s) URL',
    ]);
    expect(loadJobsConfig({ DATABASE_URL: 'postgres://x@y/z' }).kuji.beacon).toMatchObject({ kind: 'local' });
  });

  it('refuses the embedded development sender', () => {
    expect(problemsOf({ ...PRODUCTION, RESEND_FROM_EMAIL: 'shop@popbox.local' })).toEqual([
      'RESEND_FROM_EMAIL: the embedded development value is refused in production',
    ]);
  });
});

describe('jobs configuration outside production', () => {
  it('still requires a database, and says how to get one', () => {
    expect(problemsOf({})).toEqual(['DATABASE_URL: required (use `pnpm dev` for an embedded database)']);
  });
});
