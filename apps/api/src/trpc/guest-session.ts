import { grantGuestSession, readGuestSession } from '@popbox/domain';
import { GUEST_COOKIE, setGuestCookie } from '../http/guest-cookie.js';
import type { Context } from './context.js';

/** Adds an order to the caller's guest session cookie, keeping the orders it already grants (F8). */
export function grantOrderToSession(
  ctx: Context,
  order: { publicId: string; accessTokenVersion: number },
): void {
  const existing = readGuestSession(ctx.deps, ctx.credentials.cookies[GUEST_COOKIE]);
  setGuestCookie(ctx.response, ctx.deps, grantGuestSession(ctx.deps, existing, order));
}
