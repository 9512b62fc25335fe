import { authenticateAdmin, DomainError, readGuestSession } from '@popbox/domain';
import { clearGuestCookie, GUEST_COOKIE } from '../http/guest-cookie.js';
import type { Actor, Context } from './context.js';

type GuestActor = Extract<Actor, { kind: 'guest' }>;
type AdminActor = Extract<Actor, { kind: 'admin' }>;

/**
 * The guest order session (B10 with F8) comes only from the HttpOnly cookie: access tokens in the URL or in
 * `x-order-token` are never accepted here. Which orders it grants is checked by each use case.
 */
export async function resolveGuest(ctx: Context): Promise<GuestActor> {
  const cookie = ctx.credentials.cookies[GUEST_COOKIE];
  if (!cookie) throw new DomainError('ORDER_ACCESS_DENIED', 'Order session required');
  const grants = readGuestSession(ctx.deps, cookie);
  if (!grants) {
    clearGuestCookie(ctx.response, ctx.deps);
    throw new DomainError('ORDER_ACCESS_DENIED', 'Invalid order session');
  }
  return { kind: 'guest', grants };
}

/** Verifies the admin bearer token and the `users` role (spec B12). */
export async function resolveAdmin(ctx: Context): Promise<AdminActor> {
  const identity = await authenticateAdmin(ctx.deps, ctx.credentials.authorization);
  return { kind: 'admin', userId: identity.userId, email: identity.email };
}

/** The audit identity of an admin request (F13): who, plus the request id. */
export function auditActor(ctx: Context & { actor: AdminActor }) {
  return { userId: ctx.actor.userId, email: ctx.actor.email, requestId: ctx.requestId };
}
