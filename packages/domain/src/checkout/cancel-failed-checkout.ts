import { eq } from 'drizzle-orm';
import { orders, payments, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { assertPaymentTransition } from '../payments/payment.state.js';
import { releaseOrderReservations } from '../inventory/reservations.queries.js';

/**
 * B3 compensation: the order was committed but its payment session could not be opened (or saved). In one
 * transaction the stock goes back (`released`), the order is cancelled and the payment marked failed.
 * Does nothing if the order has already moved on. Runs in the caller's transaction.
 */
export async function cancelFailedCheckoutIn(
  tx: Tx,
  deps: Pick<Deps, 'clock'>,
  orderId: string,
): Promise<void> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  if (!order || order.status !== 'pending_payment') return;
  await releaseOrderReservations(tx, orderId, 'released');
  assertOrderTransition(order.status, 'cancelled');
  await tx
    .update(orders)
    .set({ status: 'cancelled', cancelledAt: deps.clock.now() })
    .where(eq(orders.id, orderId));
  const [payment] = await tx.select().from(payments).where(eq(payments.orderId, orderId));
  if (payment && payment.status === 'pending') {
    assertPaymentTransition(payment.status, 'failed');
    await tx.update(payments).set({ status: 'failed' }).where(eq(payments.id, payment.id));
  }
}
