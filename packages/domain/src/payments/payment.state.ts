import type { PaymentStatus } from '@popbox/db';
import { DomainError } from '../shared/errors.js';

/**
 * Payment status machine (spec "payments"): pending → paid | failed; paid ⇄ refunded (a refund re-sync can
 * find a payment no longer fully refunded). `failed → paid`: money that still arrives for a checkout whose
 * session creation was reported failed (or whose delayed method failed) is real and must be recorded.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['paid', 'failed'],
  paid: ['refunded'],
  failed: ['paid'],
  refunded: ['paid'],
};

export function assertPaymentTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!PAYMENT_TRANSITIONS[from].includes(to)) {
    throw new DomainError('INVALID_TRANSITION', `A payment cannot go from ${from} to ${to}`, { from, to });
  }
}
