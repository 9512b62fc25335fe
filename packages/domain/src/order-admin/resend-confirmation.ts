import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { confirmationEmailLock, tryTransactionLock } from '../shared/locks.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { enqueueEmail } from '../email/outbox.js';
import { orderConfirmationEmail } from '../email/templates/order-confirmation.js';
import { refundEmail } from '../email/templates/refund.js';
import { loadEmailData } from '../payments/order-emails.js';
import { orderRecipient } from './order-recipient.js';
import { beginOrderAction } from './order-action.js';
import { ORDER_BUSY_RETRY_AFTER_SECONDS } from '../shared/constants.js';

const CONFIRMATION_ELIGIBLE = ['paid', 'packed', 'shipped'] as const;

const undeliverable = () =>
  new DomainError('UNDELIVERABLE_EMAIL', 'This order has no deliverable customer email');

/**
 * B14 resend with F7: a NEW outbox message each time (no dedupe key). A refunded order gets the refund email
 * for its total, worded as a full refund; any other order the confirmation, under the confirmation-email
 * lock (busy → 409) and only in a confirmation-eligible status (409). No deliverable address → 422. The
 * sent marker is not touched here: the outbox sets it when the message is delivered.
 */
export async function resendConfirmation(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: AdminActor,
  orderId: string,
) {
  return deps.db.transaction(async (tx) => {
    const order = await beginOrderAction(tx, orderId);
    const to = await orderRecipient(deps, tx, order.id);
    const refunded = order.status === 'refunded';
    if (!refunded) {
      if (!(await tryTransactionLock(tx, confirmationEmailLock(order.id)))) {
        throw new DomainError('ORDER_BUSY', 'The confirmation email is being sent; retry shortly', {
          retryAfterSeconds: ORDER_BUSY_RETRY_AFTER_SECONDS,
        });
      }
      if (!(CONFIRMATION_ELIGIBLE as readonly string[]).includes(order.status)) {
        throw new DomainError(
          'CONFLICT',
          `No confirmation can be sent for an order that is ${order.status}`,
          { status: order.status },
        );
      }
    }
    if (!to.email) throw undeliverable();
    const message = refunded
      ? refundEmail(
          {
            publicId: to.publicId,
            firstName: to.firstName,
            amountCents: order.totalCents,
            currency: order.currency,
            full: true,
          },
          to.orderUrl,
        )
      : orderConfirmationEmail((await loadEmailData(tx, order.id)).data, to.orderUrl);
    const kind = refunded ? 'refund' : 'order_confirmation';
    await enqueueEmail(tx, { kind, to: to.email, orderId: order.id, ...message });
    await recordAudit(tx, actor, {
      action: 'order.resend_email',
      entityType: 'order',
      entityId: order.id,
      before: null,
      after: { kind },
    });
    return {
      id: order.id,
      publicId: order.publicId,
      status: order.status,
      email: to.email,
      confirmationEmailSentAt: order.confirmationEmailSentAt?.toISOString() ?? null,
      kind,
    } as const;
  });
}
