/**
 * Startup checks the API and the jobs app share (issue 11 item 10), so both word every problem the same way
 * and `pnpm start` can print both lists. Dependency-free on purpose: each app's config module imports it
 * without loading the domain (and its provider SDKs).
 */

/** The one wording of a missing production setting, in every app. */
export const requiredInProduction = (key: string) => `${key}: required in production`;

/** Every problem of one app's configuration, listed at once. */
export class ConfigError extends Error {
  constructor(
    readonly app: string,
    readonly problems: string[],
  ) {
    super(`${app}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The environment with blank values dropped: a blank setting counts as unset. */
export function nonBlank(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source))
    if (value !== undefined && value.trim()) out[key] = value;
  return out;
}

export function missingInProduction(raw: Record<string, string>, keys: readonly string[]): string[] {
  return keys.filter((key) => !raw[key]).map(requiredInProduction);
}

/** What to set instead of a placeholder, per setting of `.env.example`. */
const WHAT_TO_SET: Record<string, string> = {
  STRIPE_SECRET_KEY: 'set your real Stripe secret key',
  STRIPE_WEBHOOK_SECRET: "set your Stripe webhook endpoint's signing secret",
  RESEND_API_KEY: 'set your real Resend API key',
  SUPABASE_URL: "set your Supabase project's URL",
  SUPABASE_PUBLIC_KEY: "set your Supabase project's anon key",
  SUPABASE_SECRET_KEY: "set your Supabase project's service-role key",
  SUPABASE_JWT_SECRET: "set your Supabase project's JWT secret",
  DATABASE_URL: "set your database's connection string",
  DATABASE_DIRECT_URL: "set your database's direct connection string",
  ORDER_TOKEN_PEPPER: 'generate a random one (see .env.example)',
  SENTRY_DSN: "set your Sentry project's DSN",
  CORS_ORIGIN: "set your storefront's origin",
  CLIENT_BASE_URL: "set your storefront's URL",
  ADMIN_BASE_URL: "set your admin UI's URL",
  PUBLIC_API_URL: "set this API's public URL",
  STRIPE_SUCCESS_URL: "set your storefront's checkout success URL",
  STRIPE_CANCEL_URL: "set your storefront's cart URL",
  RESEND_FROM_EMAIL: "set your shop's sender address",
  ORDER_NOTIFICATION_EMAIL: "set your shop's order inbox",
  CONTACT_EMAIL: "set your shop's contact inbox",
  TURNSTILE_SECRET_KEY: "set your Turnstile widget's secret key (Cloudflare dashboard)",
};

/**
 * The placeholder part of a value copied from `.env.example`, if any: `<anon key>`-style holes,
 * `sk_test_...`-style elisions, and the documentation domain example.com its addresses use. Only that part
 * is quoted back, so a real secret next to a placeholder (a password in a URL) never reaches the log.
 */
function placeholderIn(value: string): string | undefined {
  const hole = /<[^<>]*>/.exec(value);
  if (hole) return hole[0];
  const elided = /[^\s/@:=]*(?:\.\.\.|…)$/.exec(value.trim());
  if (elided) return elided[0];
  const example = /(?:^|[@/.])((?:[a-z0-9-]+\.)*example\.(?:com|org|net))(?=$|[/:?#])/i.exec(value.trim());
  return example ? example[1] : undefined;
}

/** Production refuses the placeholders of `.env.example`, saying what to set instead. */
export function placeholderProblems(raw: Record<string, string>, keys: readonly string[]): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const value = raw[key];
    const placeholder = value === undefined ? undefined : placeholderIn(value);
    if (placeholder === undefined) continue;
    problems.push(
      `${key}: looks like the .env.example placeholder '${placeholder}'; ${WHAT_TO_SET[key] ?? 'set the real value'}`,
    );
  }
  return problems;
}

/** Stripe fills in `{CHECKOUT_SESSION_ID}`; without it the storefront has nothing to poll with. */
export const CHECKOUT_SESSION_ID_TEMPLATE = '{CHECKOUT_SESSION_ID}';

export function successUrlProblems(value: string | undefined): string[] {
  return value === undefined || value.includes(CHECKOUT_SESSION_ID_TEMPLATE)
    ? []
    : [
        `STRIPE_SUCCESS_URL must contain ${CHECKOUT_SESSION_ID_TEMPLATE} so the storefront can poll /checkout/success`,
      ];
}
