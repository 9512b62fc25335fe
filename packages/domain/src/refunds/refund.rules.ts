import { createHash } from 'node:crypto';
import type { OrderStatus, PaymentStatus } from '@popbox/db';
import { canTransitionOrder } from '../orders/order.state.js';

/** Refund statuses that count toward the refunded total (spec "payment_refunds"). Pure module. */
export const NON_FAILED_REFUND_STATUSES: readonly string[] = ['pending', 'succeeded', 'requires_action'];
export const countsTowardRefunded = (status: string) => NON_FAILED_REFUND_STATUSES.includes(status);

/** Ticket void reason when the admin gave none (B14). */
export const DEFAULT_VOID_REASON = 'refunded by admin';

export function refundedTotal(refunds: ReadonlyArray<{ status: string; amountCents: number }>): number {
  return refunds.filter((r) => countsTowardRefunded(r.status)).reduce((sum, r) => sum + r.amountCents, 0);
}

/** Issue 12 (5): only money the provider reports refunded settles an order (and voids its tickets). */
export const SETTLED_REFUND_STATUS = 'succeeded';

export function settledTotal(refunds: ReadonlyArray<{ status: string; amountCents: number }>): number {
  return refunds.filter((r) => r.status === SETTLED_REFUND_STATUS).reduce((sum, r) => sum + r.amountCents, 0);
}

/** F3: the request a refund Idempotency-Key is bound to. */
export function refundFingerprint(request: {
  orderId: string;
  amountCents: number | null;
  reason: string | null;
  /** The reason of a forced kuji refund (issue 12); absent or null = not forced. */
  forceKujiReason?: string | null;
}): string {
  const fields: unknown[] = [request.orderId.toLowerCase(), request.amountCents, request.reason];
  if (request.forceKujiReason != null) fields.push({ forceKujiRefund: request.forceKujiReason });
  const canonical = JSON.stringify(fields);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * F9: the key of one refund at the provider and on `payment_refunds.idempotency_key`, derived from the
 * admin's Idempotency-Key and the order (so two orders never share one): a retry with the same key can only
 * ever get the same provider refund back.
 */
export function providerRefundKey(orderId: string, clientKey: string): string {
  return createHash('sha256').update(`refund:${orderId.toLowerCase()}:${clientKey}`).digest('hex');
}

export interface AggregateState {
  paymentAmountCents: number;
  paymentStatus: PaymentStatus;
  orderStatus: OrderStatus;
  /** Σ of the payment's non-failed refunds. */
  refundedCents: number;
  /** Σ of the payment's refunds the provider reports succeeded. */
  settledCents: number;
}

export interface AggregatePlan {
  /** Capped at the payment amount (a DB CHECK); `overRefunded` says when the cap applied. */
  refundedCents: number;
  overRefunded: boolean;
  /** Succeeded refunds cover the payment: the order is refunded and its tickets are voided. */
  fullyRefunded: boolean;
  paymentStatus: PaymentStatus;
  orderStatus: OrderStatus;
  /** A refunded order that is no longer fully refunded (B14 "drift"). */
  drift: boolean;
}

/**
 * B14 step 5, the refund aggregate. The stored refunded total counts every non-failed refund (a pending one
 * may still take the money, so the remainder never allows more). Fully refunded ⇔ refunds the provider reports
 * SUCCEEDED reach the payment amount (issue 12: a pending refund that later fails never refunded anything, so
 * it must neither close the order nor void its tickets; it leaves the order in its status). The payment
 * becomes `refunded` (or back to `paid` when it no longer is); the order becomes `refunded`, or goes from
 * `refunded` to `paid_needs_attention` on drift (a succeeded refund the provider later reverses); otherwise
 * both keep their status.
 */
export function planRefundAggregate(state: AggregateState): AggregatePlan {
  const fully = state.paymentAmountCents > 0 && state.settledCents >= state.paymentAmountCents;
  const paymentStatus: PaymentStatus = fully
    ? state.paymentStatus === 'paid'
      ? 'refunded'
      : state.paymentStatus
    : state.paymentStatus === 'refunded'
      ? 'paid'
      : state.paymentStatus;
  const drift = !fully && state.orderStatus === 'refunded';
  const orderStatus: OrderStatus = fully
    ? canTransitionOrder(state.orderStatus, 'refunded')
      ? 'refunded'
      : state.orderStatus
    : drift
      ? 'paid_needs_attention'
      : state.orderStatus;
  return {
    refundedCents: Math.min(state.refundedCents, state.paymentAmountCents),
    overRefunded: state.refundedCents > state.paymentAmountCents,
    fullyRefunded: fully,
    paymentStatus,
    orderStatus,
    drift,
  };
}
