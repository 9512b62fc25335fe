import { sql } from 'drizzle-orm';
import { emailOutbox, type EmailKind, type Executor } from '@popbox/db';
import { PLACEHOLDER_EMAIL_DOMAIN } from '../shared/constants.js';

export interface OutgoingEmail {
  kind: EmailKind;
  to: string;
  subject: string;
  html: string;
  text: string;
  replyTo?: string | null;
  orderId?: string | null;
  /** Extra headers (List-Unsubscribe on alert emails); the sender passes them to the provider. */
  headers?: Record<string, string> | null;
  /** "Send once" emails carry a key; enqueueing the same key again is a no-op. */
  dedupeKey?: string | null;
  /** Delivery attempts before the message is `failed`; the table's default (8) when omitted. */
  maxAttempts?: number;
}

export const isPlaceholderEmail = (email: string | null | undefined) =>
  !email || email.toLowerCase().endsWith(PLACEHOLDER_EMAIL_DOMAIN);

/**
 * The PostgreSQL channel the jobs app LISTENs on to deliver new outbox messages at once (issue 15); cron
 * remains the backstop. No payload: the delivery pass finds the due rows itself.
 */
export const EMAIL_OUTBOX_CHANNEL = 'email_outbox';

/**
 * F7: writes the email into the outbox inside the caller's transaction (pass the `tx`), so it exists exactly
 * when the state change that causes it commits. The jobs app delivers it: the NOTIFY sent here reaches its
 * listener only when the transaction commits (never on rollback), and PostgreSQL folds the identical
 * notifications of one transaction into one, so a transaction with several emails wakes one delivery run.
 * Returns false when a message with the same dedupe key already exists.
 */
export async function enqueueEmail(tx: Executor, email: OutgoingEmail): Promise<boolean> {
  const rows = await tx
    .insert(emailOutbox)
    .values({
      kind: email.kind,
      toEmail: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      replyTo: email.replyTo ?? null,
      orderId: email.orderId ?? null,
      headers: email.headers ?? null,
      dedupeKey: email.dedupeKey ?? null,
      ...(email.maxAttempts ? { maxAttempts: email.maxAttempts } : {}),
    })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id });
  if (rows.length === 0) return false;
  await tx.execute(sql`select pg_notify(${EMAIL_OUTBOX_CHANNEL}, '')`);
  return true;
}
