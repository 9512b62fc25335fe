import type { CookieOptions as ExpressCookieOptions } from 'express';
import type { DomainConfig } from '@popbox/domain';
import type { CookieOptions } from '../trpc/context.js';

/**
 * The flags of every cookie this API sets (security rule 5): HttpOnly, SameSite=Lax, Secure in production
 * (`deps.config.secureCookies`). Procedures pass the result to `ctx.response.setCookie`; plain routes
 * convert it with `toExpressCookie` for `res.cookie`.
 */
export function cookieFlags(
  config: Pick<DomainConfig, 'secureCookies'>,
  opts: { maxAgeSeconds: number; path?: string },
): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    path: opts.path ?? '/',
    maxAgeSeconds: opts.maxAgeSeconds,
  };
}

export function toExpressCookie(flags: CookieOptions): ExpressCookieOptions {
  return {
    httpOnly: flags.httpOnly,
    sameSite: flags.sameSite,
    secure: flags.secure,
    path: flags.path,
    maxAge: flags.maxAgeSeconds * 1000,
  };
}
