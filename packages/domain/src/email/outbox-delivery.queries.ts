import { and, asc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { emailOutbox, orders, type Executor } from '@popbox/db';
import type { OrderEmailMarker } from './outbox-delivery.rules.js';

/** A claimed message: what the sender needs, plus the claim token (`attempts`) that guards the outcome. */
export type ClaimedEmail = Pick<
  typeof emailOutbox.$inferSelect,
  | 'id'
  | 'kind'
  | 'toEmail'
  | 'replyTo'
  | 'subject'
  | 'html'
  | 'text'
  | 'orderId'
  | 'headers'
  | 'attempts'
  | 'maxAttempts'
  | 'lockedUntil'
>;

const claimedColumns = {
  id: emailOutbox.id,
  kind: emailOutbox.kind,
  toEmail: emailOutbox.toEmail,
  replyTo: emailOutbox.replyTo,
  subject: emailOutbox.subject,
  html: emailOutbox.html,
  text: emailOutbox.text,
  orderId: emailOutbox.orderId,
  headers: emailOutbox.headers,
  attempts: emailOutbox.attempts,
  maxAttempts: emailOutbox.maxAttempts,
  lockedUntil: emailOutbox.lockedUntil,
};

/** Due = queued and its retry time has come, or claimed by a worker whose lease lapsed (it crashed). */
const isDue = (now: Date) =>
  or(
    and(eq(emailOutbox.status, 'queued'), lte(emailOutbox.nextAttemptAt, now)),
    and(eq(emailOutbox.status, 'sending'), lt(emailOutbox.lockedUntil, now)),
  );

const earlier = alias(emailOutbox, 'earlier');

/**
 * Issue 15: the messages of one order go out in the order they were written. A message waits while an earlier
 * message of its order (lower `seq`) is still queued or being sent — retries included — and goes once that one
 * is sent or has failed for good. Messages without an order are independent.
 */
const isHeadOfItsOrder = or(
  isNull(emailOutbox.orderId),
  sql`not exists (select 1 from ${emailOutbox} as "earlier" where ${earlier.orderId} = ${emailOutbox.orderId}
    and ${earlier.seq} < ${emailOutbox.seq} and ${earlier.status} in ('queued', 'sending'))`,
);

/**
 * Claims up to `limit` due messages in one statement (its own short transaction): rows locked by another
 * worker's claim are skipped, so concurrent workers never claim the same message. Each claim counts as an
 * attempt, so a message that crashes its worker every time still ends in `failed`. Only the earliest pending
 * message of each order is claimable (`isHeadOfItsOrder`), so one pass never sends two of one order.
 */
export async function claimDueEmails(
  db: Executor,
  opts: { now: Date; lockedUntil: Date; limit: number },
): Promise<ClaimedEmail[]> {
  const due = db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(and(isDue(opts.now), lt(emailOutbox.attempts, emailOutbox.maxAttempts), isHeadOfItsOrder))
    .orderBy(asc(emailOutbox.nextAttemptAt), asc(emailOutbox.seq))
    .limit(opts.limit)
    .for('update', { skipLocked: true });
  return db
    .update(emailOutbox)
    .set({
      status: 'sending',
      lockedUntil: opts.lockedUntil,
      attempts: sql`${emailOutbox.attempts} + 1`,
    })
    .where(inArray(emailOutbox.id, due))
    .returning(claimedColumns);
}

/**
 * A lapsed claim that already used the last attempt is not retried: its worker died mid-send, so it is
 * closed as `failed` (the admin can resend). Returns the closed rows for the order markers.
 */
export async function failExhaustedLapsedClaims(db: Executor, opts: { now: Date; error: string }) {
  return db
    .update(emailOutbox)
    .set({ status: 'failed', lockedUntil: null, lastError: opts.error })
    .where(
      and(
        eq(emailOutbox.status, 'sending'),
        lt(emailOutbox.lockedUntil, opts.now),
        gte(emailOutbox.attempts, emailOutbox.maxAttempts),
      ),
    )
    .returning({ id: emailOutbox.id, kind: emailOutbox.kind, orderId: emailOutbox.orderId });
}

/** The outcome is written only while our claim still holds (same status and attempt number). */
const stillOurs = (email: Pick<ClaimedEmail, 'id' | 'attempts'>) =>
  and(
    eq(emailOutbox.id, email.id),
    eq(emailOutbox.status, 'sending'),
    eq(emailOutbox.attempts, email.attempts),
  );

export type ClaimOutcome =
  | { status: 'sent'; providerMessageId: string; sentAt: Date }
  | { status: 'queued'; error: string; nextAttemptAt: Date }
  | { status: 'failed'; error: string };

/**
 * Writes a delivery attempt's outcome — sent, back in the queue for a retry, or failed for good — and releases
 * the claim, only while the claim is still ours. Returns false when another worker took it over.
 */
export async function finishEmailClaim(
  db: Executor,
  email: ClaimedEmail,
  outcome: ClaimOutcome,
): Promise<boolean> {
  const set =
    outcome.status === 'sent'
      ? {
          status: outcome.status,
          providerMessageId: outcome.providerMessageId,
          sentAt: outcome.sentAt,
          lastError: null,
        }
      : outcome.status === 'queued'
        ? { status: outcome.status, lastError: outcome.error, nextAttemptAt: outcome.nextAttemptAt }
        : { status: outcome.status, lastError: outcome.error };
  const rows = await db
    .update(emailOutbox)
    .set({ ...set, lockedUntil: null })
    .where(stillOurs(email))
    .returning({ id: emailOutbox.id });
  return rows.length > 0;
}

/** B18 markers on the order: sent time (clearing the error) or the last error text. */
export async function setOrderEmailMarker(
  db: Executor,
  orderId: string,
  marker: OrderEmailMarker,
  outcome: { sentAt: Date } | { error: string },
): Promise<void> {
  const set =
    'sentAt' in outcome
      ? marker === 'confirmation'
        ? { confirmationEmailSentAt: outcome.sentAt, confirmationEmailError: null }
        : { orderNotificationSentAt: outcome.sentAt, orderNotificationError: null }
      : marker === 'confirmation'
        ? { confirmationEmailError: outcome.error }
        : { orderNotificationError: outcome.error };
  await db.update(orders).set(set).where(eq(orders.id, orderId));
}
