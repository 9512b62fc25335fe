import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Issue 13 alert links, signed like the guest order tokens (`base64url(JSON).base64url(HMAC-SHA256)`,
 * constant-time compare) but under a key derived for alerts, so an order token can never pass as an alert
 * token or the reverse. Two kinds:
 * - confirm (`alert_confirm`): the double opt-in link; carries the subscription's nonce, which confirmation
 *   clears, so the link works once; expires after CONFIRM_TOKEN_LIFETIME_MS.
 * - unsubscribe (`alert_unsubscribe`): in every alert email and its List-Unsubscribe header; no expiry
 *   (an old email must still unsubscribe), idempotent.
 * Pure functions: the clock is passed in.
 */
export const CONFIRM_TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export interface ConfirmTokenPayload {
  v: 'v1';
  kind: 'alert_confirm';
  sid: string;
  n: string;
  exp: number;
}

export interface UnsubscribeTokenPayload {
  v: 'v1';
  kind: 'alert_unsubscribe';
  sid: string;
}

type Payload = ConfirmTokenPayload | UnsubscribeTokenPayload;

const alertKey = (pepper: string) => createHmac('sha256', pepper).update('popbox alerts v1').digest();
const mac = (pepper: string, segment: string) =>
  createHmac('sha256', alertKey(pepper)).update(segment).digest();

function sign(pepper: string, payload: Payload): string {
  const segment = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${segment}.${mac(pepper, segment).toString('base64url')}`;
}

function verify(pepper: string, token: string): Partial<Payload> | null {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const [segment, signature] = parts as [string, string];
  const expected = mac(pepper, segment);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (!payload || typeof payload !== 'object') return null;
    const p = payload as Partial<Payload>;
    return p.v === 'v1' && typeof p.sid === 'string' ? p : null;
  } catch {
    return null;
  }
}

export function signConfirmToken(
  pepper: string,
  opts: { subscriptionId: string; nonce: string; now: Date },
): string {
  return sign(pepper, {
    v: 'v1',
    kind: 'alert_confirm',
    sid: opts.subscriptionId,
    n: opts.nonce,
    exp: opts.now.getTime() + CONFIRM_TOKEN_LIFETIME_MS,
  });
}

/** The subscription id and nonce of a valid, unexpired confirm token, else null. */
export function verifyConfirmToken(pepper: string, token: string, now: Date): ConfirmTokenPayload | null {
  const p = verify(pepper, token);
  if (!p || p.kind !== 'alert_confirm' || typeof p.n !== 'string' || typeof p.exp !== 'number') return null;
  return p.exp > now.getTime() ? (p as ConfirmTokenPayload) : null;
}

export function signUnsubscribeToken(pepper: string, subscriptionId: string): string {
  return sign(pepper, { v: 'v1', kind: 'alert_unsubscribe', sid: subscriptionId });
}

export function verifyUnsubscribeToken(pepper: string, token: string): UnsubscribeTokenPayload | null {
  const p = verify(pepper, token);
  return p && p.kind === 'alert_unsubscribe' ? (p as UnsubscribeTokenPayload) : null;
}
