import type { Logger } from '../../shared/ports.js';
import { DEV_MAILBOX_ID_PREFIX, type EmailSender } from '../../ports/email.js';

/**
 * Embedded default (architecture.md): nothing leaves the machine. "Delivering" logs the message and answers
 * with a mailbox id; the outbox row, marked `sent` with that id, is the stored copy the API's
 * `/dev/mailbox` page shows — so the mailbox holds exactly what the delivery job delivered, with no second
 * table to keep in step.
 */
export function devMailboxSender(opts: { logger: Logger }): EmailSender {
  return {
    kind: 'dev-mailbox',
    send(message) {
      opts.logger.info(
        {
          to: message.to,
          subject: message.subject,
          emailId: message.idempotencyKey,
          ...(message.headers ? { headers: message.headers } : {}),
        },
        'dev mailbox: email delivered',
      );
      return Promise.resolve({ id: `${DEV_MAILBOX_ID_PREFIX}${message.idempotencyKey}` });
    },
  };
}
