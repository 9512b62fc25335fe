import type { Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import type { ProviderRefund } from '../ports/payments.js';
import { enqueueEmail } from '../email/outbox.js';
import { refundEmail } from '../email/templates/refund.js';
import { orderRecipient } from '../order-admin/order-recipient.js';

/**
 * F9 with F7: one refund email per provider refund, enqueued once the provider reports it succeeded
 * (dedupe key per refund, so the admin request, the webhooks and reconciliation never send it twice). The
 * newest refund of a now fully refunded order is worded as the full refund.
 */
export async function enqueueRefundEmails(
  deps: Pick<Deps, 'config' | 'clock'>,
  tx: Tx,
  orderId: string,
  refunds: readonly ProviderRefund[],
  fullyRefunded: boolean,
): Promise<number> {
  const succeeded = refunds.filter((r) => r.status === 'succeeded');
  if (!succeeded.length) return 0;
  const to = await orderRecipient(deps, tx, orderId);
  if (!to.email) return 0;
  const newest = [...succeeded].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))[0];
  let queued = 0;
  for (const refund of succeeded) {
    const message = refundEmail(
      {
        publicId: to.publicId,
        firstName: to.firstName,
        amountCents: refund.amountCents,
        currency: refund.currency.toUpperCase(),
        full: fullyRefunded && refund.id === newest?.id,
      },
      to.orderUrl,
    );
    const added = await enqueueEmail(tx, {
      kind: 'refund',
      to: to.email,
      orderId,
      dedupeKey: `refund:${refund.id}`,
      ...message,
    });
    if (added) queued++;
  }
  return queued;
}
