import { and, desc, eq, like } from 'drizzle-orm';
import { emailOutbox } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DEV_MAILBOX_ID_PREFIX } from '../ports/email.js';

/** The dev mailbox (embedded default): messages the dev-mailbox adapter delivered, newest first. */
export async function listDevMailbox(deps: Pick<Deps, 'db'>, opts: { limit: number }) {
  const rows = await deps.db
    .select({
      id: emailOutbox.id,
      kind: emailOutbox.kind,
      toEmail: emailOutbox.toEmail,
      replyTo: emailOutbox.replyTo,
      subject: emailOutbox.subject,
      html: emailOutbox.html,
      text: emailOutbox.text,
      orderId: emailOutbox.orderId,
      headers: emailOutbox.headers,
      sentAt: emailOutbox.sentAt,
    })
    .from(emailOutbox)
    .where(
      and(eq(emailOutbox.status, 'sent'), like(emailOutbox.providerMessageId, `${DEV_MAILBOX_ID_PREFIX}%`)),
    )
    .orderBy(desc(emailOutbox.sentAt), desc(emailOutbox.id))
    .limit(opts.limit);
  return rows.map(({ toEmail, sentAt, ...row }) => ({
    ...row,
    to: toEmail,
    headers: row.headers ?? {},
    sentAt: sentAt ? sentAt.toISOString() : null,
  }));
}
