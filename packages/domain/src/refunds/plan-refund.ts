import { and, eq, isNotNull } from 'drizzle-orm';
import { paymentRefunds, payments, tickets, type Tx } from '@popbox/db';
import { DomainError } from '../shared/errors.js';
import { REFUNDABLE_ORDER_STATUSES } from '../orders/order.state.js';
import { beginOrderAction, type OrderRow } from '../order-admin/order-action.js';
import { countsTowardRefunded, providerRefundKey, refundedTotal } from './refund.rules.js';
import { markRefundIntent } from './refund-intents.queries.js';

export interface RefundRequest {
  orderId: string;
  /** Omitted → the whole remainder. */
  amountCents: number | null;
  reason: string | null;
  /** The admin's Idempotency-Key (F9). */
  clientKey: string;
}

export type RefundPlan =
  | {
      kind: 'create';
      orderId: string;
      paymentId: string;
      paymentIntentId: string;
      amountCents: number;
      refundKey: string;
    }
  /** This key's refund is already recorded (e.g. by a webhook before a retry): nothing to ask the provider. */
  | { kind: 'recorded'; orderId: string };

const notAllowed = (message: string, details?: unknown) =>
  new DomainError('REFUND_NOT_ALLOWED', message, details);

/** B14 refund preconditions (steps 2 and 5): refundable status, no revealed ticket, amount within the remainder. */
export async function assertRefundable(
  tx: Tx,
  order: Pick<OrderRow, 'id' | 'status'>,
  payment: { amountCents: number },
  refunds: ReadonlyArray<{ status: string; amountCents: number }>,
  amountCents: number | null,
): Promise<number> {
  if (!REFUNDABLE_ORDER_STATUSES.includes(order.status)) {
    throw notAllowed(`An order that is ${order.status} cannot be refunded`, { status: order.status });
  }
  const [revealed] = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.orderId, order.id), isNotNull(tickets.revealedAt)))
    .limit(1);
  if (revealed) {
    throw new DomainError('TICKETS_REVEALED', 'Kuji tickets cannot be refunded after reveal');
  }
  const remainingCents = payment.amountCents - refundedTotal(refunds);
  if (remainingCents <= 0) throw notAllowed('Nothing is left to refund', { remainingCents: 0 });
  const amount = amountCents ?? remainingCents;
  if (amount > remainingCents) {
    throw notAllowed('The amount exceeds what is left to refund', { remainingCents, requestedCents: amount });
  }
  return amount;
}

/**
 * Phase 1 of a refund (short transaction, no network): under the order action lock and the order row lock,
 * refused (409 busy) while another refund of the order is in flight (`beginOrderAction`), check the
 * preconditions against succeeded + pending refunds and mark this request's Idempotency-Key as the order's
 * refund in flight.
 */
export async function planRefund(tx: Tx, claimId: string, request: RefundRequest): Promise<RefundPlan> {
  const order = await beginOrderAction(tx, request.orderId, { exceptRefundClaimId: claimId });
  const [payment] = await tx.select().from(payments).where(eq(payments.orderId, order.id)).for('update');
  if (!payment?.providerPaymentIntentId) {
    throw notAllowed('This order has no captured payment to refund', { status: order.status });
  }
  const refundKey = providerRefundKey(order.id, request.clientKey);
  const refunds = await tx
    .select({
      status: paymentRefunds.status,
      amountCents: paymentRefunds.amountCents,
      idempotencyKey: paymentRefunds.idempotencyKey,
    })
    .from(paymentRefunds)
    .where(eq(paymentRefunds.paymentId, payment.id));
  const own = refunds.find((r) => r.idempotencyKey === refundKey);
  if (own) {
    if (countsTowardRefunded(own.status)) return { kind: 'recorded', orderId: order.id };
    // One key, one provider refund: a failed one is not retried under the same key.
    throw notAllowed('The refund made with this Idempotency-Key failed; use a new key', {
      status: own.status,
    });
  }
  const amountCents = await assertRefundable(tx, order, payment, refunds, request.amountCents);
  await markRefundIntent(tx, claimId, order.id, { amountCents, refundKey });
  return {
    kind: 'create',
    orderId: order.id,
    paymentId: payment.id,
    paymentIntentId: payment.providerPaymentIntentId,
    amountCents,
    refundKey,
  };
}
