import { isLockNotAvailable, type orders, type Tx } from '@popbox/db';
import { DomainError } from '../shared/errors.js';
import { ORDER_BUSY_RETRY_AFTER_SECONDS, ORDER_LOCK_WAIT_MS } from '../shared/constants.js';
import { orderActionLock, transactionLock, withLockWait } from '../shared/locks.js';
import { lockOrder } from '../payments/finalise-payment.js';
import { refundInFlight } from '../refunds/refund-intents.queries.js';

export type OrderRow = typeof orders.$inferSelect;

export const orderBusy = (cause?: unknown) =>
  new DomainError(
    'ORDER_BUSY',
    'Another action on this order is in progress; retry shortly',
    { retryAfterSeconds: ORDER_BUSY_RETRY_AFTER_SECONDS },
    cause === undefined ? undefined : { cause },
  );

/**
 * Starts an action on one order (B11, B14, B20) — every admin action on an order and the buyer's reveal go
 * through here:
 * 1. the order's transaction-scoped action lock, then its row lock, each waited for at most
 *    ORDER_LOCK_WAIT_MS (every other holder is a short transaction without network calls, so a click right
 *    after a refund or during a webhook just waits); a wait that runs out → 409 ORDER_BUSY + Retry-After;
 * 2. a refund at the provider (its in-flight mark stands for the lock while no transaction is open, B14
 *    step 1) → 409 ORDER_BUSY too, for as long as the provider call runs. The mark of a crashed request stops
 *    counting once it is stale, so it never blocks the order for good. `exceptRefundClaimId`: the refund
 *    asking (its own mark does not block it); `waitMs`: a shorter bound for a public caller.
 * Unknown order → 404.
 */
export async function beginOrderAction(
  tx: Tx,
  orderId: string,
  options: { exceptRefundClaimId?: string; waitMs?: number } = {},
): Promise<OrderRow> {
  let order: OrderRow;
  try {
    order = await withLockWait(tx, options.waitMs ?? ORDER_LOCK_WAIT_MS, async () => {
      await transactionLock(tx, orderActionLock(orderId));
      return lockOrder(tx, orderId);
    });
  } catch (error) {
    if (isLockNotAvailable(error)) throw orderBusy(error);
    throw error;
  }
  if (await refundInFlight(tx, order.id, options.exceptRefundClaimId)) throw orderBusy();
  return order;
}
