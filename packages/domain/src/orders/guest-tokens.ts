import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Guest order tokens (B10 with F8). A token is `base64url(JSON payload).base64url(HMAC-SHA256(pepper, payload
 * segment))`, compared in constant time. Two kinds:
 * - access token (`guest_order_access`): one order, placed in emailed links, valid only on the bootstrap route;
 * - session token (`guest_order_session`): lives only in the HttpOnly cookie and may hold several orders (F8),
 *   each with the order's access-token version at the time it was granted, so staff can revoke an order.
 * Pure functions: the clock is passed in.
 */
export const ACCESS_KIND = 'guest_order_access';
export const SESSION_KIND = 'guest_order_session';
/** A session cookie keeps at most this many orders (newest first) to stay well under cookie size limits. */
export const SESSION_MAX_ORDERS = 20;

export interface OrderGrant {
  /** Order public id. */
  p: string;
  /** The order's access-token version when granted. */
  ver: number;
}

export interface AccessTokenPayload {
  v: 'v1';
  kind: typeof ACCESS_KIND;
  publicId: string;
  ver: number;
  iat: number;
  exp: number;
}

export interface SessionTokenPayload {
  v: 'v1';
  kind: typeof SESSION_KIND;
  orders: OrderGrant[];
  iat: number;
  exp: number;
}

type Payload = AccessTokenPayload | SessionTokenPayload;

function mac(pepper: string, segment: string): Buffer {
  return createHmac('sha256', pepper).update(segment).digest();
}

export function signToken(pepper: string, payload: Payload): string {
  const segment = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${segment}.${mac(pepper, segment).toString('base64url')}`;
}

/** The payload if the signature matches (constant time), the version is v1 and it has not expired. */
function verify(pepper: string, token: string, now: Date): Payload | null {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const [segment, signature] = parts as [string, string];
  const expected = mac(pepper, segment);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Partial<Payload>;
  if (p.v !== 'v1' || typeof p.exp !== 'number' || typeof p.iat !== 'number') return null;
  if (p.exp <= now.getTime()) return null;
  return p as Payload;
}

export function signAccessToken(
  pepper: string,
  opts: { publicId: string; version: number; now: Date; lifetimeMs: number },
): string {
  const iat = opts.now.getTime();
  return signToken(pepper, {
    v: 'v1',
    kind: ACCESS_KIND,
    publicId: opts.publicId,
    ver: opts.version,
    iat,
    exp: iat + opts.lifetimeMs,
  });
}

/** A valid access token for exactly this order and version, else null. */
export function verifyAccessToken(
  pepper: string,
  token: string,
  expected: { publicId: string; version: number },
  now: Date,
): AccessTokenPayload | null {
  const payload = verify(pepper, token, now);
  if (!payload || payload.kind !== ACCESS_KIND) return null;
  if (payload.publicId !== expected.publicId || payload.ver !== expected.version) return null;
  return payload;
}

/** The grants of a valid session token, or null when the cookie is not one of ours (or expired). */
export function readSessionToken(pepper: string, token: string | undefined, now: Date): OrderGrant[] | null {
  if (!token) return null;
  const payload = verify(pepper, token, now);
  if (!payload || payload.kind !== SESSION_KIND || !Array.isArray(payload.orders)) return null;
  return payload.orders.filter(
    (g): g is OrderGrant => !!g && typeof g.p === 'string' && Number.isInteger(g.ver) && g.ver > 0,
  );
}

/** A session token holding `grant` plus the earlier grants (other orders), newest first. */
export function signSessionToken(
  pepper: string,
  opts: { grants: OrderGrant[]; add: OrderGrant; now: Date; lifetimeMs: number },
): string {
  const others = opts.grants.filter((g) => g.p !== opts.add.p);
  const iat = opts.now.getTime();
  return signToken(pepper, {
    v: 'v1',
    kind: SESSION_KIND,
    orders: [opts.add, ...others].slice(0, SESSION_MAX_ORDERS),
    iat,
    exp: iat + opts.lifetimeMs,
  });
}
