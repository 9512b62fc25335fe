import { authenticateAdmin, DomainError } from '@popbox/domain';
import type { Actor, Context } from './context.js';

type GuestActor = Extract<Actor, { kind: 'guest' }>;
type AdminActor = Extract<Actor, { kind: 'admin' }>;

/** Resolves the guest order session from the cookie (implemented with the guest-access issue). */
export async function resolveGuest(_ctx: Context): Promise<GuestActor> {
  throw new DomainError('ORDER_ACCESS_DENIED', 'Order session required');
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
