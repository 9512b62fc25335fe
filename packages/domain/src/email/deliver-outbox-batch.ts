import type { Deps } from '../shared/deps.js';
import { EmailDeliveryError } from '../ports/email.js';
import {
  claimDueEmails,
  failExhaustedLapsedClaims,
  finishEmailClaim,
  setOrderEmailMarker,
  type ClaimedEmail,
} from './outbox-delivery.queries.js';
import { orderMarkerFor, retryDelayMs, truncateError, type BackoffPolicy } from './outbox-delivery.rules.js';

/** B18: every email goes out under the shop's display name. */
export const EMAIL_FROM_NAME = 'PopBox Studio';

export type OutboxDeliveryDeps = Pick<Deps, 'db' | 'clock' | 'random' | 'logger' | 'emailSender'>;

export interface OutboxDeliveryOptions {
  /** Sender address (RESEND_FROM_EMAIL). */
  fromEmail: string;
  batchSize: number;
  /** How long a claim holds; after it lapses another worker takes the message over. */
  leaseMs: number;
  backoff: BackoffPolicy;
}

export interface OutboxBatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  /** Lease lapsed before the send started, or the claim was taken over before the outcome was written. */
  released: number;
}

type Outcome = 'sent' | 'retried' | 'failed' | 'released';

const LAPSED_FINAL_CLAIM =
  'delivery did not complete before its claim lapsed (worker stopped) and no attempts remain';

/**
 * F7: one delivery pass over the outbox. Due messages are claimed in a short transaction of their own
 * (FOR UPDATE SKIP LOCKED: several jobs processes never claim the same row), then sent one by one OUTSIDE
 * any transaction with the row id as the provider's idempotency key, so a retried delivery (after a crash or
 * a lapsed claim) is never sent twice. Each outcome is written only while the claim still holds.
 */
export async function deliverOutboxBatch(
  deps: OutboxDeliveryDeps,
  opts: OutboxDeliveryOptions,
): Promise<OutboxBatchResult> {
  const now = deps.clock.now();
  await closeExhaustedLapsedClaims(deps, now);
  const claimed = await claimDueEmails(deps.db, {
    now,
    lockedUntil: new Date(now.getTime() + opts.leaseMs),
    limit: opts.batchSize,
  });
  const result: OutboxBatchResult = { claimed: claimed.length, sent: 0, retried: 0, failed: 0, released: 0 };
  for (const email of claimed) result[await deliverOne(deps, opts, email)] += 1;
  return result;
}

async function closeExhaustedLapsedClaims(deps: OutboxDeliveryDeps, now: Date) {
  await deps.db.transaction(async (tx) => {
    const closed = await failExhaustedLapsedClaims(tx, { now, error: LAPSED_FINAL_CLAIM });
    for (const email of closed) {
      const marker = orderMarkerFor(email.kind);
      if (marker && email.orderId)
        await setOrderEmailMarker(tx, email.orderId, marker, { error: LAPSED_FINAL_CLAIM });
      deps.logger.error(
        { emailId: email.id, kind: email.kind },
        'email failed: claim lapsed on last attempt',
      );
    }
  });
}

async function deliverOne(
  deps: OutboxDeliveryDeps,
  opts: OutboxDeliveryOptions,
  email: ClaimedEmail,
): Promise<Outcome> {
  // A slow batch may outlive the lease of its last rows; another worker may own them by now.
  if (email.lockedUntil && deps.clock.now() >= email.lockedUntil) return 'released';
  let providerMessageId: string;
  try {
    const sent = await deps.emailSender.send({
      from: `${EMAIL_FROM_NAME} <${opts.fromEmail}>`,
      to: email.toEmail,
      replyTo: email.replyTo,
      subject: email.subject,
      html: email.html,
      text: email.text,
      ...(email.headers ? { headers: email.headers } : {}),
      idempotencyKey: email.id,
    });
    providerMessageId = sent.id;
  } catch (error) {
    return recordFailure(deps, opts, email, error);
  }
  return recordSuccess(deps, email, providerMessageId);
}

async function recordSuccess(deps: OutboxDeliveryDeps, email: ClaimedEmail, providerMessageId: string) {
  const sentAt = deps.clock.now();
  const kept = await deps.db.transaction(async (tx) => {
    if (!(await finishEmailClaim(tx, email, { status: 'sent', providerMessageId, sentAt }))) return false;
    const marker = orderMarkerFor(email.kind);
    if (marker && email.orderId) await setOrderEmailMarker(tx, email.orderId, marker, { sentAt });
    return true;
  });
  if (!kept) deps.logger.warn({ emailId: email.id }, 'email sent but its claim was taken over');
  return kept ? 'sent' : 'released';
}

async function recordFailure(
  deps: OutboxDeliveryDeps,
  opts: OutboxDeliveryOptions,
  email: ClaimedEmail,
  error: unknown,
): Promise<Outcome> {
  const permanent = error instanceof EmailDeliveryError && error.permanent;
  const final = permanent || email.attempts >= email.maxAttempts;
  const message = truncateError(error instanceof Error ? error.message : String(error));
  const kept = await deps.db.transaction(async (tx) => {
    const written = await finishEmailClaim(
      tx,
      email,
      final
        ? { status: 'failed', error: message }
        : {
            status: 'queued',
            error: message,
            nextAttemptAt: new Date(
              deps.clock.now().getTime() + retryDelayMs(email.attempts, opts.backoff, unitRandom(deps)),
            ),
          },
    );
    const marker = orderMarkerFor(email.kind);
    if (written && marker && email.orderId)
      await setOrderEmailMarker(tx, email.orderId, marker, { error: message });
    return written;
  });
  const log = { emailId: email.id, kind: email.kind, attempt: email.attempts, permanent, err: error };
  if (final) deps.logger.error(log, 'email delivery failed for good');
  else deps.logger.warn(log, 'email delivery failed; will retry');
  if (!kept) return 'released';
  return final ? 'failed' : 'retried';
}

function unitRandom(deps: Pick<Deps, 'random'>): number {
  const bytes = deps.random.bytes(4);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) / 2 ** 32;
}
