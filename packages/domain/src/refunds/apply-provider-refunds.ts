import { eq } from 'drizzle-orm';
import { payments, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { orderActionLock, transactionLock } from '../shared/locks.js';
import type { ProviderRefund } from '../ports/payments.js';
import { lockOrder } from '../payments/finalise-payment.js';
import { upsertProviderRefunds } from '../payments/sync-provider-refunds.js';
import type { AggregatePlan } from './refund.rules.js';
import { syncRefundAggregate } from './sync-refund-aggregate.js';
import { enqueueRefundEmails } from './refund-emails.js';

export interface AppliedRefunds {
  orderId: string;
  aggregate: AggregatePlan | null;
  emailsQueued: number;
}

/**
 * Records what the provider says about a payment's refunds (admin refund, webhooks, reconciliation): under
 * the order's action lock (waiting, never refused: the money has moved) and row lock, the rows are upserted
 * by provider refund id, the aggregate is synced and succeeded refunds are emailed. Unknown payment → null.
 */
export async function applyProviderRefunds(
  deps: Pick<Deps, 'clock' | 'logger' | 'config'>,
  tx: Tx,
  input: { paymentIntentId: string; refunds: ProviderRefund[]; voidReason: string },
): Promise<AppliedRefunds | null> {
  const [payment] = await tx
    .select({ orderId: payments.orderId })
    .from(payments)
    .where(eq(payments.providerPaymentIntentId, input.paymentIntentId));
  if (!payment) return null;
  await transactionLock(tx, orderActionLock(payment.orderId));
  await lockOrder(tx, payment.orderId);
  await upsertProviderRefunds(tx, input.paymentIntentId, input.refunds);
  const aggregate = await syncRefundAggregate(deps, tx, payment.orderId, input.voidReason);
  const emailsQueued = await enqueueRefundEmails(
    deps,
    tx,
    payment.orderId,
    input.refunds,
    aggregate?.fullyRefunded ?? false,
  );
  return { orderId: payment.orderId, aggregate, emailsQueued };
}
