import type { OrderStatus } from '@popbox/db';
import { DomainError } from '../shared/errors.js';

/**
 * Order status machine (spec "Order status machine"). The declared table, plus the moves that captured
 * money forces on the system (a verified payment for an expired order is paid when its stock can be
 * re-taken (F5), else it — or a cancelled one — is parked in `paid_needs_attention`; a refund drift
 * re-opens a refunded order; a refund that succeeded at the provider but whose local bookkeeping failed parks
 * ANY order, packed and shipped ones included). Admin use cases restrict their own targets further
 * (security rule 9, `ADMIN_STATUS_MOVES`); every status write goes through `assertOrderTransition`.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled', 'expired', 'paid_needs_attention'],
  paid: ['packed', 'refunded', 'paid_needs_attention'],
  packed: ['shipped', 'refunded', 'paid_needs_attention'],
  shipped: ['refunded', 'paid_needs_attention'],
  paid_needs_attention: ['paid', 'packed', 'refunded', 'cancelled'],
  cancelled: ['paid_needs_attention'],
  // F5: a late payment re-takes the stock and the order is simply paid.
  expired: ['paid', 'paid_needs_attention'],
  refunded: ['paid_needs_attention'],
};

/**
 * Security rule 9 / B14: the only moves an admin may ask for, each from exactly one status. (The declared
 * table also lets `paid_needs_attention` go to packed or cancelled, but B14 resolves such orders only by a
 * retried finalisation or a refund.)
 */
export const ADMIN_STATUS_MOVES = {
  packed: 'paid',
  shipped: 'packed',
  cancelled: 'pending_payment',
} as const satisfies Partial<Record<OrderStatus, OrderStatus>>;
export type AdminStatusTarget = keyof typeof ADMIN_STATUS_MOVES;

/** Payment already handled (spec "Status groups"). */
export const FINALISED_ORDER_STATUSES: readonly OrderStatus[] = [
  'paid',
  'packed',
  'shipped',
  'refunded',
  'paid_needs_attention',
];

export const isFinalisedOrderStatus = (status: OrderStatus) => FINALISED_ORDER_STATUSES.includes(status);

/** Refunds allowed (B14). */
export const REFUNDABLE_ORDER_STATUSES: readonly OrderStatus[] = [
  'paid',
  'packed',
  'shipped',
  'paid_needs_attention',
];
/** Kuji tickets may be revealed (B11). */
export const REVEALABLE_ORDER_STATUSES: readonly OrderStatus[] = ['paid', 'packed', 'shipped'];

export function canTransitionOrder(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function assertOrderTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransitionOrder(from, to)) {
    throw new DomainError('INVALID_TRANSITION', `An order cannot go from ${from} to ${to}`, { from, to });
  }
}

/** Every status that may move to `to`: the WHERE clause of set-based status updates. */
export function orderStatusesThatCanBecome(to: OrderStatus): OrderStatus[] {
  return (Object.keys(ORDER_TRANSITIONS) as OrderStatus[]).filter((from) => canTransitionOrder(from, to));
}
