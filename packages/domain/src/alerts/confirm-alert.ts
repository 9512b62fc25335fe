import { and, eq } from 'drizzle-orm';
import { alertSubscriptions } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { verifyConfirmToken } from './alert-tokens.js';

/**
 * Double opt-in (issue 13): a valid confirm link turns its pending subscription `confirmed` and clears the
 * nonce, so the same link answers 409 ALERT_LINK_USED afterwards (and a newer confirmation email's nonce
 * replaces an older one's). Bad or expired links answer 400 INVALID_SIGNATURE.
 */
export async function confirmAlertSubscription(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  input: { token: string },
): Promise<{ status: 'confirmed' }> {
  const now = deps.clock.now();
  const payload = verifyConfirmToken(deps.config.orderTokenPepper, input.token, now);
  if (!payload)
    throw new DomainError('INVALID_SIGNATURE', 'This confirmation link is invalid or has expired');
  const updated = await deps.db
    .update(alertSubscriptions)
    .set({ status: 'confirmed', confirmNonce: null, confirmedAt: now })
    .where(
      and(
        eq(alertSubscriptions.id, payload.sid),
        eq(alertSubscriptions.status, 'pending'),
        eq(alertSubscriptions.confirmNonce, payload.n),
      ),
    )
    .returning({ id: alertSubscriptions.id });
  if (!updated.length) throw new DomainError('ALERT_LINK_USED', 'This confirmation link was already used');
  return { status: 'confirmed' };
}
