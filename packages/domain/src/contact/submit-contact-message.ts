import { contactMessages } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { enqueueEmail } from '../email/outbox.js';
import { renderContactEmail, type ContactMessage } from './contact-email.js';

/**
 * B17 with F7: the message is stored, and its email to the shop inbox (reply-to the submitter) is enqueued
 * in the same transaction; the jobs app delivers it.
 */
export async function submitContactMessage(
  deps: Pick<Deps, 'db' | 'config'>,
  input: ContactMessage,
): Promise<{ ok: true }> {
  const email = renderContactEmail(input);
  await deps.db.transaction(async (tx) => {
    await tx.insert(contactMessages).values({
      firstName: input.firstName,
      lastName: input.lastName || null,
      email: input.email,
      inquiryType: input.inquiryType,
      orderNumber: input.orderNumber || null,
      requestedSeries: input.requestedSeries || null,
      message: input.message,
    });
    await enqueueEmail(tx, {
      kind: 'contact',
      to: deps.config.email.contactTo,
      replyTo: input.email,
      subject: email.subject.slice(0, 300),
      html: email.html,
      text: email.text,
    });
  });
  return { ok: true };
}
