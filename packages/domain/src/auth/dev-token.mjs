/**
 * The embedded dev auth's rules in one place: the token shape the API's dev verifier accepts, the dev secret and
 * the seeded admin it is issued for, and which environment variables override them.
 *
 * Plain JavaScript on purpose (with `dev-token.d.mts` beside it): `pnpm admin:token` imports it straight from
 * source with plain `node`, no TypeScript compile and no `@popbox/domain` barrel on the way, so a token prints
 * in well under a second on a fresh machine. The API's config and the dev verifier import the same constants,
 * so the CLI and the server cannot drift apart. Depends on `jose` only.
 */

/** Audience of Supabase access tokens; dev tokens use it too so the two verifiers check the same claims. */
export const SUPABASE_AUDIENCE = 'authenticated';
/** Issuer of dev tokens (a Supabase token's issuer is `{SUPABASE_URL}/auth/v1`). */
export const DEV_ISSUER = 'popbox-dev';
/** The embedded default of `DEV_JWT_SECRET`; refused in production because it is public. */
export const DEV_JWT_SECRET = 'popbox-dev-admin-jwt-secret-not-for-production';
/** The admin user the demo seed creates (packages/db/src/seed/content-data.ts; a test keeps them equal). */
export const SEEDED_ADMIN = Object.freeze({
  id: '00000000-0000-4000-8000-00000000a001',
  email: 'admin@popbox.local',
});

/** Settings of the dev admin-token CLI, read from `env` (no database needed). */
export function devAuthSettings(env = process.env) {
  return {
    production: env.NODE_ENV === 'production',
    secret: env.DEV_JWT_SECRET?.trim() || DEV_JWT_SECRET,
    adminUserId: env.DEV_ADMIN_USER_ID?.trim() || SEEDED_ADMIN.id,
    adminEmail: env.DEV_ADMIN_EMAIL?.trim() || SEEDED_ADMIN.email,
  };
}

/** Signs a dev token the dev verifier accepts (and tests use for every flavour of bad token). */
export async function signDevToken(opts) {
  // Imported here, not at the top: the API loads these constants at startup, and jose only for a token.
  const { SignJWT } = await import('jose');
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ email: opts.email, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.subject)
    .setIssuer(opts.issuer ?? DEV_ISSUER)
    .setAudience(opts.audience ?? SUPABASE_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresInSeconds ?? 12 * 60 * 60))
    .sign(new TextEncoder().encode(opts.secret));
}
