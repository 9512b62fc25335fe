import { eq } from 'drizzle-orm';
import { orders, paymentRefunds, payments, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { assertPaymentTransition } from '../payments/payment.state.js';
import { lockOrder } from '../payments/finalise-payment.js';
import {
  planRefundAggregate,
  refundedTotal,
  SETTLED_REFUND_STATUS,
  settledTotal,
  type AggregatePlan,
} from './refund.rules.js';
import { FORCE_KUJI_METADATA_KEY, isForcedKujiRefund } from './refundable.rules.js';
import { voidRefundedTickets } from './void-refunded-tickets.js';

const appendReason = (existing: string | null, reason: string) =>
  existing ? `${existing}; ${reason}` : reason;

/** The provider metadata of a recorded refund (kept in its slim snapshot). */
const metadataOf = (raw: unknown): Record<string, unknown> =>
  (raw as { metadata?: Record<string, unknown> } | null)?.metadata ?? {};

/**
 * B14 step 5 inside the caller's transaction (order row locked here if not yet): the payment's refunded
 * total over its non-failed refunds, payment and order status, `refunded_at`. Tickets are voided only by
 * refunds the provider reports SUCCEEDED (issue 12): every dealt ticket when succeeded refunds cover the
 * payment, or when a forced kuji refund succeeded; dealt v2 tickets get a public `void` entry. A pending
 * refund voids nothing, so one that later fails leaves the tickets valid and the order in its status.
 * Refunds never restock and never return kuji prizes.
 */
export async function syncRefundAggregate(
  deps: Pick<Deps, 'clock' | 'logger'>,
  tx: Tx,
  orderId: string,
  voidReason: string,
): Promise<AggregatePlan | null> {
  const order = await lockOrder(tx, orderId);
  const [payment] = await tx.select().from(payments).where(eq(payments.orderId, orderId)).for('update');
  if (!payment) return null;
  const refunds = await tx
    .select({
      status: paymentRefunds.status,
      amountCents: paymentRefunds.amountCents,
      raw: paymentRefunds.rawResponse,
      createdAt: paymentRefunds.createdAt,
    })
    .from(paymentRefunds)
    .where(eq(paymentRefunds.paymentId, payment.id));
  const settledCents = settledTotal(refunds);
  const plan = planRefundAggregate({
    paymentAmountCents: payment.amountCents,
    paymentStatus: payment.status,
    orderStatus: order.status,
    refundedCents: refundedTotal(refunds),
    settledCents,
  });
  if (plan.overRefunded) {
    deps.logger.warn({ orderId, paymentId: payment.id }, 'refunds exceed the payment amount');
  }
  if (plan.paymentStatus !== payment.status) assertPaymentTransition(payment.status, plan.paymentStatus);
  await tx
    .update(payments)
    .set({ refundedAmountCents: plan.refundedCents, status: plan.paymentStatus })
    .where(eq(payments.id, payment.id));

  const now = deps.clock.now();
  if (plan.orderStatus !== order.status) assertOrderTransition(order.status, plan.orderStatus);
  await tx
    .update(orders)
    .set({
      status: plan.orderStatus,
      refundedAt: plan.fullyRefunded ? (order.refundedAt ?? now) : null,
      ...(plan.drift
        ? {
            attentionReason: appendReason(
              order.attentionReason,
              `refund_drift: succeeded refunds (${settledCents}) no longer cover the payment (${payment.amountCents}); refund the order again or reconcile it`,
            ),
          }
        : {}),
    })
    .where(eq(orders.id, orderId));
  const forced = refunds
    .filter((r) => r.status === SETTLED_REFUND_STATUS && isForcedKujiRefund(metadataOf(r.raw)))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  if (forced.length) {
    const forceReason = String(metadataOf(forced[0]!.raw)[FORCE_KUJI_METADATA_KEY]);
    await voidRefundedTickets(deps, tx, orderId, {
      reason: 'forced_refund',
      text: `forced kuji refund: ${forceReason}`,
    });
  } else if (plan.fullyRefunded) {
    await voidRefundedTickets(deps, tx, orderId, { reason: 'refund', text: voidReason });
  }
  return plan;
}
