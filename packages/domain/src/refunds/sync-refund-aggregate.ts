import { and, eq, isNull } from 'drizzle-orm';
import { orders, paymentRefunds, payments, tickets, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { assertPaymentTransition } from '../payments/payment.state.js';
import { lockOrder } from '../payments/finalise-payment.js';
import { planRefundAggregate, refundedTotal, type AggregatePlan } from './refund.rules.js';

const appendReason = (existing: string | null, reason: string) =>
  existing ? `${existing}; ${reason}` : reason;

/**
 * B14 step 5 inside the caller's transaction (order row locked here if not yet): the payment's refunded
 * total over its non-failed refunds, payment and order status, `refunded_at`, and on a full refund every
 * ticket voided (existing void times and reasons kept). Refunds never restock and never return kuji prizes.
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
    .select({ status: paymentRefunds.status, amountCents: paymentRefunds.amountCents })
    .from(paymentRefunds)
    .where(eq(paymentRefunds.paymentId, payment.id));
  const plan = planRefundAggregate({
    paymentAmountCents: payment.amountCents,
    paymentStatus: payment.status,
    orderStatus: order.status,
    refundedCents: refundedTotal(refunds),
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
              `refund_drift: refunds (${plan.refundedCents}) no longer cover the payment (${payment.amountCents})`,
            ),
          }
        : {}),
    })
    .where(eq(orders.id, orderId));
  if (plan.fullyRefunded) {
    await tx
      .update(tickets)
      .set({ voidedAt: now, voidReason: voidReason.slice(0, 255) })
      .where(and(eq(tickets.orderId, orderId), isNull(tickets.voidedAt)));
  }
  return plan;
}
