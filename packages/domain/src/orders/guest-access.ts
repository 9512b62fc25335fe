import { eq } from 'drizzle-orm';
import { orders, type Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { GUEST_TOKEN_LIFETIME_MS } from '../shared/constants.js';
import { orderPageUrl } from './access-link.js';
import { readSessionToken, signSessionToken, verifyAccessToken, type OrderGrant } from './guest-tokens.js';

type GuestDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

export interface GuestOrderRef {
  id: string;
  publicId: string;
  accessTokenVersion: number;
}

async function findOrder(db: Executor, publicId: string): Promise<GuestOrderRef | null> {
  const [row] = await db
    .select({ id: orders.id, publicId: orders.publicId, accessTokenVersion: orders.accessTokenVersion })
    .from(orders)
    .where(eq(orders.publicId, publicId));
  return row ?? null;
}

const denied = (message: string) => new DomainError('ORDER_ACCESS_DENIED', message);

/** The grants of the session cookie, or null if there is none or it is not a valid session of ours. */
export function readGuestSession(
  deps: Pick<Deps, 'clock' | 'config'>,
  cookie: string | undefined,
): OrderGrant[] | null {
  return readSessionToken(deps.config.orderTokenPepper, cookie, deps.clock.now());
}

/** A session cookie value granting `order` on top of the grants already held (F8: several orders). */
export function grantGuestSession(
  deps: Pick<Deps, 'clock' | 'config'>,
  existingGrants: OrderGrant[] | null,
  order: Pick<GuestOrderRef, 'publicId' | 'accessTokenVersion'>,
): string {
  return signSessionToken(deps.config.orderTokenPepper, {
    grants: existingGrants ?? [],
    add: { p: order.publicId, ver: order.accessTokenVersion },
    now: deps.clock.now(),
    lifetimeMs: GUEST_TOKEN_LIFETIME_MS,
  });
}

export type BootstrapResult =
  | { ok: true; location: string; sessionToken: string | null }
  | { ok: false; clearCookie: boolean; error: DomainError };

/**
 * Bootstrap (B10 with F8): swaps an emailed access token for the session cookie and redirects to the clean
 * order URL. Unknown orders answer like bad tokens (no existence oracle). A cookie holding other orders is not
 * cleared when it does not cover this one; only a cookie that is not a valid session at all is.
 */
export async function bootstrapGuestAccess(
  deps: GuestDeps,
  input: { publicId: string; presentedToken?: string | undefined; sessionCookie?: string | undefined },
): Promise<BootstrapResult> {
  const grants = readGuestSession(deps, input.sessionCookie);
  const hadCookie = !!input.sessionCookie;
  if (!input.presentedToken && !hadCookie) {
    return { ok: false, clearCookie: false, error: denied('Order access token or session required') };
  }
  const order = await findOrder(deps.db, input.publicId);
  if (!order)
    return { ok: false, clearCookie: hadCookie && !grants, error: denied('Invalid order access token') };
  const location = orderPageUrl(deps, order.publicId);
  if (grants?.some((g) => g.p === order.publicId && g.ver === order.accessTokenVersion)) {
    return { ok: true, location, sessionToken: null };
  }
  if (
    input.presentedToken &&
    verifyAccessToken(
      deps.config.orderTokenPepper,
      input.presentedToken,
      { publicId: order.publicId, version: order.accessTokenVersion },
      deps.clock.now(),
    )
  ) {
    // Drop grants for this order at an older (revoked) version; keep the other orders.
    const kept = (grants ?? []).filter((g) => g.p !== order.publicId);
    return { ok: true, location, sessionToken: grantGuestSession(deps, kept, order) };
  }
  return { ok: false, clearCookie: hadCookie && !grants, error: denied('Invalid order access token') };
}

/**
 * Protected guest routes: the session must grant this order at its current access-token version.
 * Unknown public ids answer 401 like any other denial (security rule 6).
 */
export async function authorizeGuestOrder(
  deps: Pick<Deps, 'db'>,
  grants: OrderGrant[],
  publicId: string,
): Promise<GuestOrderRef> {
  const grant = grants.find((g) => g.p === publicId);
  if (!grant) throw denied('Invalid order session');
  const order = await findOrder(deps.db, publicId);
  if (!order || order.accessTokenVersion !== grant.ver) throw denied('Invalid order session');
  return order;
}
