import type { Deps } from '@popbox/domain';
import { GUEST_TOKEN_LIFETIME_MS } from '@popbox/domain';
import type { CookieOptions, ResponseControl } from '../trpc/context.js';

/** The guest order session cookie (B10): HttpOnly, SameSite=Lax, Secure in production, 180 days, Path /. */
export const GUEST_COOKIE = 'guest_order_session';

export function guestCookieOptions(deps: Pick<Deps, 'config'>): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
    path: '/',
    maxAgeSeconds: Math.floor(GUEST_TOKEN_LIFETIME_MS / 1000),
  };
}

export function setGuestCookie(response: ResponseControl, deps: Pick<Deps, 'config'>, token: string): void {
  response.setCookie(GUEST_COOKIE, token, guestCookieOptions(deps));
}

export function clearGuestCookie(response: ResponseControl, deps: Pick<Deps, 'config'>): void {
  const { maxAgeSeconds: _ignored, ...options } = guestCookieOptions(deps);
  response.clearCookie(GUEST_COOKIE, options);
}
