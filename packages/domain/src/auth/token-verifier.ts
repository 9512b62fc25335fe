import type { JWTVerifyGetKey } from 'jose';
import { DEV_ISSUER, SUPABASE_AUDIENCE } from '@popbox/domain/dev-token';

/** The dev token's rules live in a dependency-free module `pnpm admin:token` runs without a compile. */
export { DEV_ISSUER, SUPABASE_AUDIENCE, signDevToken } from '@popbox/domain/dev-token';

/** Verifies a staff access token and returns its subject. Throws on any problem. */
export interface TokenVerifier {
  verify(token: string): Promise<{ subject: string }>;
}

/**
 * Supabase access tokens (B12): JWKS from `{SUPABASE_URL}/auth/v1/.well-known/jwks.json` (jose caches the
 * keys), or the project's HS256 JWT secret when that is what is configured. Issuer `{SUPABASE_URL}/auth/v1`,
 * audience `authenticated`, subject required. jose is imported on the first token (issue 14, lean memory): a
 * process that never sees a staff request never loads it.
 */
export function supabaseTokenVerifier(opts: {
  supabaseUrl: string;
  jwtSecret?: string | undefined;
  jwksUrl?: string;
}): TokenVerifier {
  const issuer = `${opts.supabaseUrl.replace(/\/+$/, '')}/auth/v1`;
  // One key (and one JWKS cache) for the process, made on the first token (jose loads then).
  let key: Uint8Array | JWTVerifyGetKey | undefined;
  return {
    async verify(token) {
      const { createRemoteJWKSet, jwtVerify } = await import('jose');
      key ??= opts.jwtSecret
        ? new TextEncoder().encode(opts.jwtSecret)
        : createRemoteJWKSet(new URL(opts.jwksUrl ?? `${issuer}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        issuer,
        audience: SUPABASE_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      });
      return { subject: payload.sub as string };
    },
  };
}

/** Embedded default: HS256 tokens signed with a dev secret (`pnpm admin:token`). */
export function devTokenVerifier(secret: string): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  return {
    async verify(token) {
      const { jwtVerify } = await import('jose');
      const { payload } = await jwtVerify(token, key, {
        issuer: DEV_ISSUER,
        audience: SUPABASE_AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      return { subject: payload.sub as string };
    },
  };
}
