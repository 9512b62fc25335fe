import { eq } from 'drizzle-orm';
import { alertSubscriptions } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { verifyUnsubscribeToken } from './alert-tokens.js';

/**
 * One-click unsubscribe (issue 13, RFC 8058): idempotent; a subscription already gone answers the same.
 * The signature is the only check (the link is the capability), so the answer never says whether the
 * subscription still existed.
 */
export async function unsubscribeAlert(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  input: { token: string },
): Promise<{ status: 'unsubscribed' }> {
  const payload = verifyUnsubscribeToken(deps.config.orderTokenPepper, input.token);
  if (!payload) throw new DomainError('INVALID_SIGNATURE', 'This unsubscribe link is invalid');
  await deps.db
    .update(alertSubscriptions)
    .set({ status: 'unsubscribed', confirmNonce: null, unsubscribedAt: deps.clock.now() })
    .where(eq(alertSubscriptions.id, payload.sid));
  return { status: 'unsubscribed' };
}
