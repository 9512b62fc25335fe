import type { orders, Tx } from '@popbox/db';
import { DomainError } from '../shared/errors.js';
import { orderActionLock, tryTransactionLock } from '../shared/locks.js';
import { lockOrder } from '../payments/finalise-payment.js';

export type OrderRow = typeof orders.$inferSelect;

export const orderBusy = () =>
  new DomainError('ORDER_BUSY', 'Another action on this order is in progress; retry shortly', {
    retryAfterSeconds: 1,
  });

/**
 * Starts an admin action on one order (B14, B20): the order's transaction-scoped action lock, non-blocking
 * (busy → 409 ORDER_BUSY), then the order row lock. Unknown order → 404.
 */
export async function beginAdminOrderAction(tx: Tx, orderId: string): Promise<OrderRow> {
  if (!(await tryTransactionLock(tx, orderActionLock(orderId)))) throw orderBusy();
  return lockOrder(tx, orderId);
}
