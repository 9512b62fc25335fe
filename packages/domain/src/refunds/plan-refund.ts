import { eq } from 'drizzle-orm';
import { orders, paymentRefunds, payments, type Tx } from '@popbox/db';
import { DomainError } from '../shared/errors.js';
import { REFUNDABLE_ORDER_STATUSES } from '../orders/order.state.js';
import { beginOrderAction, type OrderRow } from '../order-admin/order-action.js';
import { countsTowardRefunded, providerRefundKey } from './refund.rules.js';
import { decideRefundAmount, isForcedKujiRefund, summariseRefundable } from './refundable.rules.js';
import { orderLinesForRefund } from './refundable.queries.js';
import { markRefundIntent } from './refund-intents.queries.js';

export interface RefundRequest {
  orderId: string;
  /** Omitted → the whole remainder. */
  amountCents: number | null;
  reason: string | null;
  /** Issue 12: the reason of a forced kuji refund (refunds drawn kuji lines); null = not forced. */
  forceKujiReason: string | null;
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
      /** Issue 12: a forced kuji refund's reason (sent as provider metadata), else null. */
      forceKujiReason: string | null;
    }
  /** This key's refund is already recorded (e.g. by a webhook before a retry): nothing to ask the provider. */
  | { kind: 'recorded'; orderId: string };

const notAllowed = (message: string, details?: unknown) =>
  new DomainError('REFUND_NOT_ALLOWED', message, details);

/** A recorded refund as the rules see it: forced when its provider metadata says so. */
export interface RecordedRefund {
  status: string;
  amountCents: number;
  rawResponse?: Record<string, unknown> | null;
}

const metadataOf = (r: RecordedRefund) =>
  (r.rawResponse?.metadata as Record<string, unknown> | undefined) ?? {};

/**
 * B14 refund preconditions (steps 2 and 5) with issue 12's refund policy: refundable status, then the amount
 * within what may be refunded — without force the standard lines, shipping and kuji lines that never reached
 * the draw (409 REFUND_EXCEEDS_REFUNDABLE saying exactly what can be refunded); forced, what the payment has
 * left once the order's draws are dealt. Returns the amount.
 */
export async function assertRefundable(
  tx: Tx,
  order: Pick<OrderRow, 'id' | 'status'>,
  payment: { amountCents: number },
  refunds: readonly RecordedRefund[],
  amountCents: number | null,
  forced: boolean,
): Promise<number> {
  if (!REFUNDABLE_ORDER_STATUSES.includes(order.status)) {
    throw notAllowed(`An order that is ${order.status} cannot be refunded`, { status: order.status });
  }
  const [money] = await tx
    .select({ shippingCents: orders.shippingCents })
    .from(orders)
    .where(eq(orders.id, order.id));
  const summary = summariseRefundable({
    paymentAmountCents: payment.amountCents,
    shippingCents: money?.shippingCents ?? 0,
    lines: await orderLinesForRefund(tx, order.id),
    refunds: refunds.map((r) => ({
      status: r.status,
      amountCents: r.amountCents,
      forced: isForcedKujiRefund(metadataOf(r)),
    })),
  });
  const decision = decideRefundAmount(summary, amountCents, forced);
  if (!decision.ok) throw new DomainError(decision.code, decision.message, decision.details);
  return decision.amountCents;
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
      rawResponse: paymentRefunds.rawResponse,
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
  const amountCents = await assertRefundable(
    tx,
    order,
    payment,
    refunds,
    request.amountCents,
    request.forceKujiReason !== null,
  );
  await markRefundIntent(tx, claimId, order.id, { amountCents, refundKey });
  return {
    kind: 'create',
    orderId: order.id,
    paymentId: payment.id,
    paymentIntentId: payment.providerPaymentIntentId,
    amountCents,
    refundKey,
    forceKujiReason: request.forceKujiReason,
  };
}
